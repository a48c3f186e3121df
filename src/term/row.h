// Row: one screen line: its cells, the soft-wrap mark and the table of
// multi-code-point cell texts (base + combining characters).
//
// Rows are shared between Framebuffer copies (see framebuffer.h) and only
// mutated when not shared, so `gen()` and pointer identity tell a diff that
// a row is unchanged. `used()` is an upper bound of the columns that may
// differ from a pristine cell; columns at or beyond it are known pristine,
// which keeps clearing and scrollback capture of short lines cheap.
//
// The wrap mark follows Mosh, which keeps it on the row's last cell: every
// operation that rewrites the last cell (printing there, erasing it,
// inserting or deleting cells) clears it.

#ifndef ROAM_TERM_ROW_H_
#define ROAM_TERM_ROW_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "term/cell.h"

namespace roam::term {

class Row {
 public:
  // REQUIRES: width >= 1. All cells blank with background `bg`.
  Row(int width, Color bg);

  int width() const { return static_cast<int>(cells_.size()); }
  const Cell& cell(int col) const { return cells_[static_cast<size_t>(col)]; }
  const std::vector<Cell>& cells() const { return cells_; }

  // Mutable access for code that writes cells directly. Marks the columns
  // [0, col] as possibly used. REQUIRES: 0 <= col < width().
  Cell& mutable_cell(int col) {
    NoteUsed(col + 1);
    if (col < plain_ascii_) plain_ascii_ = col;
    return cells_[static_cast<size_t>(col)];
  }
  // Whole-vector access (serialization). Marks every column as used.
  // REQUIRES: the caller keeps the size unchanged or calls Resize().
  std::vector<Cell>& mutable_cells() {
    used_ = width();
    plain_ascii_ = 0;
    return cells_;
  }
  // Raw access for code that stores runs of cells: it must call
  // NoteWritten() for the cells it stored before any other use of the row.
  Cell* cell_data() { return cells_.data(); }
  // Records that cells [begin, end) were just stored through cell_data():
  // marks them used, and `plain` tells whether each of them is now plain
  // ASCII (see plain_ascii()). REQUIRES: 0 <= begin <= end <= width().
  void NoteWritten(int begin, int end, bool plain) {
    NoteUsed(end);
    if (plain) {
      if (begin <= plain_ascii_ && end > plain_ascii_) plain_ascii_ = end;
    } else if (begin < plain_ascii_ && begin < end) {
      plain_ascii_ = begin;
    }
  }

  // A number of leading cells known to be plain ASCII: a code point in
  // 0x20..0x7F, no flags, the default rendition. Cells [0, plain_ascii())
  // are; later ones may be too. Lets the scrollback copy such a line's text
  // without examining its cells.
  int plain_ascii() const { return plain_ascii_; }

  bool wrap() const { return wrap_; }
  void set_wrap(bool on) { wrap_ = on; }

  // Identity of this row's contents: changed by Touch(), which Framebuffer
  // calls whenever it hands out the row for mutation.
  uint64_t gen() const { return gen_; }
  void Touch();

  int used() const { return used_; }
  void NoteUsed(int end) {
    if (end > used_) used_ = end;
  }

  // Text of cell `col` as UTF-8 ("" when empty).
  std::string CellText(int col) const;
  // Appends the UTF-8 text of cell `col` to *out.
  void AppendCellText(int col, std::string* out) const;
  // Sets cell `col` to the UTF-8 `text` (one base char + combining chars,
  // not empty) keeping flags and rendition. Single code points are inline.
  void SetCellText(int col, std::string_view text);
  // Appends combining character `cp` to cell `col`, unless the cell's text
  // would then exceed kMaxCellBytes (Mosh keeps at most 32 bytes).
  void AppendCombining(int col, char32_t cp);

  // Contents equality of cell `col` here and `other_col` in `other`.
  bool CellEquals(int col, const Row& other, int other_col) const;

  // Resets every cell to blank with background `bg`; clears wrap.
  void Reset(Color bg);
  // Resets cells [begin, end) to blank with `bg`; clears wrap if the range
  // covers the last cell. Ranges are clamped to the row.
  void ResetRange(int begin, int end, Color bg);
  // Inserts `n` blank cells at `col`, dropping cells pushed off the right
  // end; clears wrap. Deletes `n` cells at `col`, shifting the rest left and
  // filling with blanks; clears wrap.
  void InsertCells(int col, int n, Color bg);
  void DeleteCells(int col, int n, Color bg);
  // Truncates or pads (blank, `bg`) to `width`; clears wrap.
  void Resize(int width, Color bg);

  // Cells, wrap mark and texts equal (gen is not compared).
  bool operator==(const Row& other) const;

  // Cluster table, for serialization: texts referenced by cluster cells.
  const std::vector<std::string>& clusters() const { return clusters_; }
  std::vector<std::string>& mutable_clusters() { return clusters_; }

  static constexpr size_t kMaxCellBytes = 32;

 private:
  uint32_t AddCluster(std::string text);
  void CompactClusters();

  std::vector<Cell> cells_;
  std::vector<std::string> clusters_;
  uint64_t gen_;
  int used_ = 0;
  int plain_ascii_ = 0;
  bool wrap_ = false;
};

// Appends the UTF-8 encoding of `cp` to *out. REQUIRES: cp <= 0x10FFFF.
void AppendUtf8(char32_t cp, std::string* out);

}  // namespace roam::term

#endif  // ROAM_TERM_ROW_H_
