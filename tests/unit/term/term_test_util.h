// Helpers for terminal tests: render a framebuffer as text lines so that
// expectations read like the screen they describe.

#ifndef ROAM_TESTS_UNIT_TERM_TERM_TEST_UTIL_H_
#define ROAM_TESTS_UNIT_TERM_TERM_TEST_UTIL_H_

#include <string>
#include <utility>
#include <vector>

#include "term/emulator.h"
#include "term/framebuffer.h"

namespace roam::term::testing {

// Row `r` as UTF-8: empty cells are spaces, the cell after a wide
// character is skipped, trailing spaces are trimmed.
inline std::string RowText(const Row& row) {
  std::string out;
  for (int c = 0; c < row.width(); ++c) {
    if (row.cell(c).empty()) {
      if (c > 0 && row.cell(c - 1).wide()) continue;
      out.push_back(' ');
    } else {
      row.AppendCellText(c, &out);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Every visible row, top to bottom.
inline std::vector<std::string> ScreenLines(const Framebuffer& fb) {
  std::vector<std::string> lines;
  for (int r = 0; r < fb.height(); ++r) lines.push_back(RowText(fb.row(r)));
  return lines;
}

// A small emulator with verbs for tests.
class Term {
 public:
  Term(int cols, int rows, EmulatorOptions options = {}) : emu_(cols, rows, options) {}

  Term& Write(const std::string& bytes) {
    emu_.Write(bytes);
    return *this;
  }
  std::vector<std::string> Lines() const { return ScreenLines(emu_.fb()); }
  std::string Line(int r) const { return RowText(emu_.fb().row(r)); }
  std::pair<int, int> Cursor() const {
    return {emu_.fb().ds().cursor_row, emu_.fb().ds().cursor_col};
  }
  const DrawState& ds() const { return emu_.fb().ds(); }
  const Framebuffer& fb() const { return emu_.fb(); }
  const Cell& CellAt(int r, int c) const { return emu_.fb().row(r).cell(c); }
  Emulator& emu() { return emu_; }

 private:
  Emulator emu_;
};

}  // namespace roam::term::testing

#endif  // ROAM_TESTS_UNIT_TERM_TERM_TEST_UTIL_H_
