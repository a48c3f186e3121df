#include "client/bar_overlay.h"

#include <algorithm>
#include <string>

#include "term/unicode_width.h"
#include "term/utf8_decoder.h"

namespace roam::client {

void DrawBar(std::string_view text, const predict::BarColors& colors, term::Framebuffer* fb) {
  const int row = std::min(colors.row, fb->height() - 1);
  term::Rendition bar;
  bar.fg = term::PaletteColor(colors.foreground);
  bar.bg = term::PaletteColor(colors.background);
  term::Rendition text_rend = bar;
  text_rend.Set(term::kBold, colors.text_bold);

  term::Row* r = fb->MutableRow(row);
  r->Reset(bar.bg);
  for (int c = 0; c < r->width(); ++c) r->mutable_cell(c).rend = bar;

  term::Utf8Decoder decoder;
  std::u32string cps;
  for (char ch : text) {
    decoder.Feed(static_cast<uint8_t>(ch), [&](char32_t cp) { cps.push_back(cp); });
  }
  int col = 0;
  for (char32_t cp : cps) {
    int w = term::CharWidth(cp);
    if (w <= 0) continue;  // the bar is plain text: no combining marks or controls
    if (col + w > r->width()) break;
    term::Cell& cell = r->mutable_cell(col);
    cell = term::Cell(cp, text_rend);
    cell.set_wide(w == 2);
    if (w == 2) r->mutable_cell(col + 1) = term::Cell(text_rend);
    col += w;
  }
  if (fb->ds().cursor_row == row) fb->mutable_ds()->cursor_visible = false;
}

}  // namespace roam::client
