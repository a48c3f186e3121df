// Comparators for the oracle tests. Each returns "" when the two screens
// agree and otherwise a readable report: what differs (cell by cell, first
// few), and both screens side by side with differing rows marked.
//
// An empty cell and a cell holding a printed space compare equal as text:
// no oracle can tell them apart on screen.

#ifndef ROAM_TESTS_ORACLE_COMMON_GRID_COMPARE_H_
#define ROAM_TESTS_ORACLE_COMMON_GRID_COMPARE_H_

#include <functional>
#include <string>
#include <vector>

#include "oracle/common/screen_grid.h"

namespace roam::oracle {

struct CompareOptions {
  bool attrs = true;   // compare GridCell::attrs
  bool colors = true;  // compare fg / bg
  bool cursor = true;  // compare the cursor position
  // When set and it returns true for a differing cell, the difference is
  // accepted. Every use must name the DIFFERENCES.md entry it implements.
  std::function<bool(int row, int col, const GridCell& a, const GridCell& b)> excuse;
};

// Cell-by-cell comparison of two grids of the same size (a size mismatch is
// itself reported).
std::string CompareGrids(const ScreenGrid& a, const std::string& a_name, const ScreenGrid& b,
                         const std::string& b_name, const CompareOptions& options = {});

// A screen known only as text lines and a cursor (e.g. a tmux capture).
struct TextScreen {
  std::vector<std::string> lines;  // one per row, trailing blanks trimmed
  int cursor_row = 0;
  int cursor_col = 0;
};

// The text of `grid` (ScreenGrid::Lines) and its cursor.
TextScreen ToTextScreen(const ScreenGrid& grid);

// Row-by-row text comparison. Rows for which `skip_row(r)` is true are not
// compared (masked rows, e.g. a clock); they are shown with '~'. Trailing
// blanks are ignored. With `cursor`, cursor positions must match too.
std::string CompareText(const TextScreen& a, const std::string& a_name, const TextScreen& b,
                        const std::string& b_name, bool cursor,
                        const std::function<bool(int)>& skip_row = {});

// Both screens side by side, one row per line, with a marker column:
// '*' differing row, '~' row not compared, ' ' equal. A row differs when its
// text differs or, if `differing_rows` is given, when that vector says so.
std::string SideBySide(const std::vector<std::string>& a, const std::string& a_name,
                       const std::vector<std::string>& b, const std::string& b_name,
                       const std::function<bool(int)>& skip_row = {},
                       const std::vector<bool>* differing_rows = nullptr);

// Escapes a byte string for a report (C-style escapes for controls).
std::string Printable(const std::string& bytes, size_t max_len = 400);

}  // namespace roam::oracle

#endif  // ROAM_TESTS_ORACLE_COMMON_GRID_COMPARE_H_
