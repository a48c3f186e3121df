// Fuzz target: the server-mode display diff must take a replica from any
// screen A to any screen B. Two emulators share a common history, then
// diverge on their own input (and possibly size); a replica that drew A
// from scratch applies NewFrame(A -> B) and must then show B
// (DisplayEquivalent after MoshVisible), ring iff the bell counts differ,
// produce no replies, and only ever see Mosh's subset (no query).
//
// Input: u8 cols, u8 rows, u8 flags, u8 cols2, u8 rows2, then the common
// history, 0xFF, A's input, 0xFF, B's input (0xFF never occurs in UTF-8).
// flags bit 0: resize B to cols2 x rows2 before its input.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "term/display.h"
#include "term/emulator.h"

namespace {

using roam::term::Display;
using roam::term::DisplayCapabilities;
using roam::term::Emulator;
using roam::term::Framebuffer;

[[noreturn]] void Fail(const char* what, const std::string& why) {
  std::fprintf(stderr, "display diff: %s: %s\n", what, why.c_str());
  std::abort();
}

void Check(const Display& display, Emulator* replica, const Framebuffer& from,
           const Framebuffer& to, const std::string& diff, const char* what) {
  const uint64_t bells = replica->fb().bell_count();
  replica->Write(diff);
  if (replica->has_replies()) Fail(what, "replica replied");
  if ((replica->fb().bell_count() != bells) != (from.bell_count() != to.bell_count())) {
    Fail(what, "bell");
  }
  Framebuffer want = to;
  display.MoshVisible(&want);
  std::string why;
  if (!roam::term::DisplayEquivalent(replica->fb(), want, &why)) Fail(what, why);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return 0;
  // Widths start at 2: a one-column screen cannot show a wide character.
  const int cols = 2 + data[0] % 40;
  const int rows = 1 + data[1] % 16;
  const bool resize = (data[2] & 1) != 0;
  const int cols2 = 2 + data[3] % 40;
  const int rows2 = 1 + data[4] % 16;
  std::string_view rest(reinterpret_cast<const char*>(data) + 5, size - 5);
  size_t sep1 = rest.find('\xff');
  std::string_view common = rest.substr(0, sep1);
  std::string_view tail = sep1 == std::string_view::npos ? "" : rest.substr(sep1 + 1);
  size_t sep2 = tail.find('\xff');
  std::string_view in_a = tail.substr(0, sep2);
  std::string_view in_b = sep2 == std::string_view::npos ? "" : tail.substr(sep2 + 1);

  Emulator a(cols, rows);
  Emulator b(cols, rows);
  a.Write(common);
  b.Write(common);
  a.Write(in_a);
  if (resize) b.Resize(cols2, rows2);
  b.Write(in_b);

  const Display server(DisplayCapabilities::Server());
  // The receiver erases as Mosh does (a stock client, or roam's replica).
  roam::term::EmulatorOptions replica_options;
  replica_options.mosh_wide_erase = true;
  Emulator replica(cols, rows, replica_options);
  Framebuffer blank(cols, rows);
  Check(server, &replica, blank, a.fb(), server.NewFrame(false, blank, a.fb()), "first frame");
  if (resize) replica.Resize(cols2, rows2);
  Check(server, &replica, a.fb(), b.fb(), server.NewFrame(true, a.fb(), b.fb()), "A to B");
  return 0;
}
