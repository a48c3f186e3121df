// CellGrid: what a user sees on a terminal screen, cell by cell — each
// column's text and visible attributes — so that a roam framebuffer and a
// real terminal's screen (a tmux pane read back with `capture-pane -p -e -N`)
// can be compared exactly.
//
// A cell holds its text (a space for an empty cell; a character plus its
// combining characters), the colours and the attributes a stock Mosh client
// can show (bold, italic, underline, blink, inverse, invisible); any other
// attribute tmux reports (faint, strikethrough, overline) is kept in
// `other_attrs` so that it shows up as a difference. The right half of a
// wide character is a continuation cell with no text of its own.
//
// Colours use term::Color (term/rendition.h): ANSI 30-37 / 40-47, bright
// 90-97 / 100-107 and 38;5;n / 48;5;n are all palette colours, because the
// same colour can travel in any of those forms.

#ifndef ROAM_TESTS_INTEROP_DISPLAY_CELL_GRID_H_
#define ROAM_TESTS_INTEROP_DISPLAY_CELL_GRID_H_

#include <string>
#include <string_view>
#include <vector>

#include "term/framebuffer.h"
#include "term/rendition.h"

namespace roam::interop {

struct GridCell {
  std::string text = " ";
  term::Color fg = term::kDefaultColor;
  term::Color bg = term::kDefaultColor;
  uint16_t attrs = 0;        // bits of kMoshVisibleAttrs
  uint16_t other_attrs = 0;  // tmux attributes a Mosh client never shows
  bool continuation = false;
  // False for a cell whose attributes the capture does not report (see
  // FromTmuxCapture); its text is still known.
  bool attrs_reported = true;

  friend bool operator==(const GridCell&, const GridCell&) = default;
};

// Whether a user would see the same thing: equal cells, or equal text where
// `actual`'s attributes are not reported.
bool CellsMatch(const GridCell& expected, const GridCell& actual);

// Attribute bits of GridCell::attrs.
inline constexpr uint16_t kUnderlineBit = 1 << 15;
inline constexpr uint16_t kMoshVisibleAttrs =
    term::kBold | term::kItalic | term::kBlink | term::kInverse | term::kInvisible | kUnderlineBit;

class CellGrid {
 public:
  CellGrid(int cols, int rows);

  int cols() const { return cols_; }
  int rows() const { return static_cast<int>(cells_.size()); }
  const GridCell& at(int row, int col) const { return cells_[row][col]; }
  GridCell& at(int row, int col) { return cells_[row][col]; }

  // What a stock Mosh client shows for `fb` once roam's server-mode display
  // diff has reached it: renditions as term::Display::Visible gives them in
  // server mode, an empty cell as a space, a fallback cell as U+00A0 plus
  // its combining characters, the cell after a wide character as a
  // continuation (whatever it holds: a wide character covers it).
  static CellGrid FromFramebuffer(const term::Framebuffer& fb);

  // Parses `tmux capture-pane -p -e -N` output for a cols x rows pane:
  // rows separated by '\n', SGR sequences (whose state carries across rows,
  // as tmux writes them) giving the attributes of the cells that follow.
  // Column positions come from roam's pinned width table. tmux ends a row
  // after its last written cell: erased cells after it (EL, ED, ECH, which
  // keep their background colour) come back as nothing, so they are blank
  // cells with attrs_reported == false. On a malformed
  // capture (a row too long, an escape that is not SGR), returns false and
  // says why in *error.
  static bool FromTmuxCapture(std::string_view capture, int cols, int rows, CellGrid* out,
                              std::string* error);

  // Every row's text (continuations skipped, trailing spaces kept), one per line.
  std::string Text() const;
  // Row `row` with each cell's attributes spelled out, for failure dumps.
  std::string DescribeRow(int row) const;

  friend bool operator==(const CellGrid&, const CellGrid&) = default;
  // Every cell CellsMatch.
  bool Matches(const CellGrid& actual) const;

 private:
  int cols_;
  std::vector<std::vector<GridCell>> cells_;
};

// Returns "" when expected.Matches(actual); otherwise a readable
// account of every differing cell (at most `max_cells` of them, then a count),
// with both screens' text.
std::string DescribeGridDifference(const CellGrid& expected, const CellGrid& actual,
                                   int max_cells = 20);

// One cell's rendition as "fg=.. bg=.. bold italic ...".
std::string DescribeCell(const GridCell& cell);

}  // namespace roam::interop

#endif  // ROAM_TESTS_INTEROP_DISPLAY_CELL_GRID_H_
