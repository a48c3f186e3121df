// Writing into the terminal's own scrollback (see scrollback_writer.h).

#include "client/scrollback_writer.h"

#include <algorithm>
#include <memory>

#include "base/check.h"

namespace roam::client {

namespace {

// Columns [0, n) of `row` hold everything that is not a pristine blank.
int UsedColumns(const term::Row& row) {
  int n = std::min(row.used(), row.width());
  while (n > 0 && row.cell(n - 1).pristine()) --n;
  return n;
}

void CopyCell(const term::Row& from, int col, term::Row* to, int to_col) {
  const term::Cell& c = from.cell(col);
  to->mutable_cell(to_col) = c;
  if (c.is_cluster()) to->SetCellText(to_col, from.CellText(col));
}

std::string Grouped(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

void PushToScrollback(const std::vector<term::Row>& rows, const term::Display& display,
                      term::Framebuffer* screen, bool* known, std::string* out) {
  ROAM_CHECK(display.capabilities().normal_screen);
  const int h = screen->height();
  for (size_t start = 0; start < rows.size(); start += static_cast<size_t>(h)) {
    const int k = static_cast<int>(std::min(rows.size() - start, static_cast<size_t>(h)));
    term::Framebuffer staging = *screen;
    for (int i = 0; i < k; ++i) {
      ROAM_CHECK(rows[start + static_cast<size_t>(i)].width() == screen->width());
      staging.SetRow(i, std::make_shared<term::Row>(rows[start + static_cast<size_t>(i)]));
    }
    // The cursor stays hidden while lines go by, and the pen ends at the
    // default, so the rows the line feeds bring in are blank.
    staging.mutable_ds()->cursor_visible = false;
    staging.mutable_ds()->rend = term::Rendition();
    out->append(display.NewFrame(*known, *screen, staging));
    *known = true;
    out->append("\x1b[");
    out->append(std::to_string(h));
    out->append(";1H");
    out->append(static_cast<size_t>(k), '\n');
    for (int i = 0; i < k; ++i) staging.ScrollUp(term::kDefaultColor, nullptr);
    term::DrawState* ds = staging.mutable_ds();
    ds->cursor_row = h - 1;
    ds->cursor_col = 0;
    ds->next_print_will_wrap = false;
    *screen = std::move(staging);
  }
}

std::vector<term::Row> FitHistoryLine(const term::Row& line, int width) {
  ROAM_CHECK(width >= 1);
  const int used = UsedColumns(line);
  std::vector<term::Row> rows;
  if (line.width() == width || used <= width || width == 1) {
    // Fits (cutting only blank cells; a 1-column terminal keeps column 0).
    term::Row row = line;
    if (row.width() != width) row.Resize(width, term::kDefaultColor);
    rows.push_back(std::move(row));
    return rows;
  }
  term::Row row(width, term::kDefaultColor);
  int col = 0;
  for (int i = 0; i < used; ++i) {
    const term::Cell& c = line.cell(i);
    const bool wide = c.wide() && i + 1 < line.width();
    if (col + (wide ? 2 : 1) > width) {
      row.set_wrap(true);
      rows.push_back(std::move(row));
      row = term::Row(width, term::kDefaultColor);
      col = 0;
    }
    CopyCell(line, i, &row, col);
    if (wide) {
      CopyCell(line, i + 1, &row, col + 1);
      ++i;
      ++col;
    }
    ++col;
  }
  rows.push_back(std::move(row));
  return rows;
}

term::Row SkippedLinesRow(uint64_t skipped, int width) {
  const std::string text =
      "[roam: " + Grouped(skipped) + (skipped == 1 ? " line not shown]" : " lines not shown]");
  term::Row row(width, term::kDefaultColor);
  term::Rendition inverse;
  inverse.Set(term::kInverse, true);
  for (int i = 0; i < width && i < static_cast<int>(text.size()); ++i) {
    term::Cell& c = row.mutable_cell(i);
    c.set_code_point(static_cast<char32_t>(text[static_cast<size_t>(i)]));
    c.rend = inverse;
  }
  return row;
}

}  // namespace roam::client
