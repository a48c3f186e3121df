// Fuzz target for the emulator: host bytes interleaved with resizes. After
// every step the framebuffer must satisfy its invariants (cursor, region,
// tabs and combining cell in bounds, rows of the right width, cells beyond
// a row's used() pristine, cluster indices valid), a snapshot taken before
// the step must be unchanged (copy-on-write), and the same bytes fed in
// one piece must give an equal screen.
//
// Input layout: a sequence of records. 0xFF c r = resize to
// (1 + c % 120) x (1 + r % 60); any other run of bytes up to the next 0xFF
// is written as one Write.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "term/emulator.h"

namespace {

using roam::term::Cell;
using roam::term::DrawState;
using roam::term::Emulator;
using roam::term::Framebuffer;
using roam::term::Row;

void Require(bool ok) {
  if (!ok) std::abort();
}

void CheckRow(const Row& row, int width) {
  Require(row.width() == width);
  for (int c = 0; c < row.width(); ++c) {
    const Cell& cell = row.cell(c);
    if (c >= row.used()) Require(cell.pristine());
    if (cell.is_cluster()) {
      Require(cell.cluster_index() < row.clusters().size());
      Require(row.clusters()[cell.cluster_index()].size() <= Row::kMaxCellBytes);
    } else {
      Require(cell.code_point() <= 0x10FFFF);
    }
  }
}

void CheckInvariants(const Framebuffer& fb) {
  const DrawState& d = fb.ds();
  Require(d.width >= 1 && d.height >= 1);
  Require(d.cursor_row >= 0 && d.cursor_row < d.height);
  Require(d.cursor_col >= 0 && d.cursor_col < d.width);
  Require(d.scroll_top >= 0 && d.scroll_top <= d.scroll_bottom && d.scroll_bottom < d.height);
  Require(static_cast<int>(d.tabs.size()) == d.width);
  Require((d.combining_row == -1 && d.combining_col == -1) ||
          (d.combining_row >= 0 && d.combining_row < d.height && d.combining_col >= 0 &&
           d.combining_col < d.width));
  Require(d.active_charset == 0 || d.active_charset == 1);
  for (int r = 0; r < d.height; ++r) CheckRow(fb.row(r), d.width);
  Require(static_cast<int>(fb.inactive_rows().size()) == d.height);
  for (const auto& row : fb.inactive_rows()) CheckRow(*row, d.width);
  for (int r = 0; r < d.height; ++r) {
    const Row& row = fb.row(r);
    for (int c = 0; c < row.width(); ++c) {
      Require(row.cell(c).rend.link <= fb.links().size());
    }
  }
}

std::string Snapshot(const Framebuffer& fb) {
  std::string out;
  for (int r = 0; r < fb.height(); ++r) {
    const Row& row = fb.row(r);
    for (int c = 0; c < row.width(); ++c) {
      out += row.CellText(c);
      out.push_back('\0');
    }
    out.push_back(row.wrap() ? 'w' : '\n');
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  roam::term::EmulatorOptions options;
  options.scrollback_lines = 50;
  Emulator emu(20, 8, options);
  Emulator whole(20, 8, options);
  std::string pending;  // bytes since the last resize, for `whole`
  size_t i = 0;
  while (i < size) {
    Framebuffer before = emu.fb();
    std::string before_text = Snapshot(before);
    if (data[i] == 0xFF) {
      if (i + 2 >= size) break;
      int cols = 1 + data[i + 1] % 120;
      int rows = 1 + data[i + 2] % 60;
      i += 3;
      whole.Write(pending);
      pending.clear();
      Require(emu.Resize(cols, rows));
      Require(whole.Resize(cols, rows));
    } else {
      size_t j = i;
      while (j < size && data[j] != 0xFF) ++j;
      std::string chunk(reinterpret_cast<const char*>(data + i), j - i);
      // Feed `emu` in small pieces, `whole` in one piece later.
      uint32_t seed = static_cast<uint32_t>(chunk.size()) * 2654435761u + data[i];
      for (size_t pos = 0; pos < chunk.size();) {
        seed = seed * 1103515245u + 12345u;
        size_t len = std::min<size_t>(1 + (seed >> 16) % 7, chunk.size() - pos);
        emu.Write(std::string_view(chunk).substr(pos, len));
        pos += len;
      }
      pending += chunk;
      i = j;
    }
    CheckInvariants(emu.fb());
    Require(Snapshot(before) == before_text);
    emu.TakeReplies();
  }
  whole.Write(pending);
  Require(whole.fb() == emu.fb());
  Require(whole.fb().ds().next_print_will_wrap == emu.fb().ds().next_print_will_wrap);
  Require(whole.scrollback().size() == emu.scrollback().size());
  // Scrollback lines decode.
  for (size_t k = 0; k < emu.scrollback().size(); ++k) emu.scrollback().LineText(k);
  return 0;
}
