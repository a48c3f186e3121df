// ScreenGrid: a terminal screen reduced to what the oracle tests compare:
// each cell's text (base character plus combining characters, UTF-8), its
// width (2 for the left half of a wide character, 0 for the right half it
// covers, 1 otherwise), a few attribute bits, the two colours, and the
// cursor position.
//
// Every terminal model the tests use (roam's Framebuffer, libvterm, a tmux
// capture) is converted into this one shape, so one comparator and one
// report format serve every oracle.

#ifndef ROAM_TESTS_ORACLE_COMMON_SCREEN_GRID_H_
#define ROAM_TESTS_ORACLE_COMMON_SCREEN_GRID_H_

#include <cstdint>
#include <string>
#include <vector>

#include "term/row.h"

namespace roam::oracle {

// Attribute bits of GridCell::attrs.
enum GridAttr : uint8_t {
  kGridBold = 1 << 0,
  kGridItalic = 1 << 1,
  kGridUnderline = 1 << 2,
  kGridBlink = 1 << 3,
  kGridInverse = 1 << 4,
};

// Colour encoding of GridCell::fg / bg: kGridDefaultColor, a palette index
// 0-255, or kGridTrueColor | 0xRRGGBB.
inline constexpr int32_t kGridDefaultColor = -1;
inline constexpr int32_t kGridTrueColor = 0x1000000;

struct GridCell {
  std::string text;  // "" when nothing was printed here (shown as a space)
  int width = 1;     // 2: left half of a wide character; 0: its right half
  uint8_t attrs = 0;
  int32_t fg = kGridDefaultColor;
  int32_t bg = kGridDefaultColor;

  friend bool operator==(const GridCell&, const GridCell&) = default;
};

struct ScreenGrid {
  int cols = 0;
  int rows = 0;
  std::vector<std::vector<GridCell>> cells;  // [row][col], rows x cols
  int cursor_row = 0;
  int cursor_col = 0;

  // A blank cols x rows grid with the cursor at the home position.
  static ScreenGrid Blank(int cols, int rows);

  // Row `r` as text: cell texts in order (an empty cell is one space, the
  // right half of a wide character adds nothing), trailing spaces trimmed.
  std::string Line(int r) const;
  // Every row through Line().
  std::vector<std::string> Lines() const;
  // Lines() joined with '\n' (no trailing newline).
  std::string Text() const;
};

// Decodes one UTF-8 code point from `s` at *pos and advances *pos; invalid
// bytes decode as U+FFFD, one byte each.
char32_t DecodeUtf8(const std::string& s, size_t* pos);

// UTF-8 encoding is the terminal engine's own.
using term::AppendUtf8;

}  // namespace roam::oracle

#endif  // ROAM_TESTS_ORACLE_COMMON_SCREEN_GRID_H_
