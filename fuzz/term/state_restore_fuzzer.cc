// Fuzz target: RestoreTerminalState on arbitrary bytes never crashes; a
// state it accepts serializes back to the same bytes, restores again, and
// keeps working on further input (here: the input bytes themselves).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "term/emulator.h"
#include "term/terminal_state_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // Screens up to the emulator's 4096 x 4096 limit are valid but take
  // hundreds of MiB; keep fuzzing fast by skipping inputs that declare more
  // than 256 x 256 (width and height are the big-endian u32s at 28 and 32).
  if (size >= 36) {
    auto u32 = [data](size_t at) {
      return (uint32_t{data[at]} << 24) | (uint32_t{data[at + 1]} << 16) |
             (uint32_t{data[at + 2]} << 8) | uint32_t{data[at + 3]};
    };
    if (u32(28) > 256 || u32(32) > 256) return 0;
  }
  auto restored = roam::term::RestoreTerminalState(bytes);
  if (!restored.ok()) return 0;
  roam::term::Emulator& emu = **restored;
  if (roam::term::SerializeTerminalState(emu) != bytes) {
    std::fprintf(stderr, "state restore: accepted input does not re-serialize identically\n");
    std::abort();
  }
  emu.Write(bytes.substr(bytes.size() / 2));
  emu.Write("\x1b[2J\x1b[Hhello\r\n\x1b[?1049h\x1b[5;5Hx\x1b[?1049l");
  emu.TakeReplies();
  std::string again = roam::term::SerializeTerminalState(emu);
  auto second = roam::term::RestoreTerminalState(again);
  if (!second.ok() || roam::term::SerializeTerminalState(**second) != again) {
    std::fprintf(stderr, "state restore: round trip after more input failed\n");
    std::abort();
  }
  return 0;
}
