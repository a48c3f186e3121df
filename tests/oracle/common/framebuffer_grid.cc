#include "oracle/common/framebuffer_grid.h"

namespace roam::oracle {

namespace {

int32_t GridColor(term::Color c) {
  if (term::IsTrueColor(c)) return kGridTrueColor | static_cast<int32_t>(term::TrueColorRgb(c));
  if (term::IsPaletteColor(c)) return term::PaletteIndex(c);
  return kGridDefaultColor;
}

}  // namespace

ScreenGrid GridFromFramebuffer(const term::Framebuffer& fb) {
  ScreenGrid g = ScreenGrid::Blank(fb.width(), fb.height());
  for (int r = 0; r < fb.height(); ++r) {
    const term::Row& row = fb.row(r);
    auto& out_row = g.cells[static_cast<size_t>(r)];
    for (int c = 0; c < fb.width(); ++c) {
      const term::Cell& cell = row.cell(c);
      GridCell& out = out_row[static_cast<size_t>(c)];
      if (out.width != 0) {
        if (!cell.empty()) out.text = row.CellText(c);
        if (cell.wide()) {
          out.width = 2;
          if (c + 1 < fb.width()) out_row[static_cast<size_t>(c + 1)].width = 0;
        }
      }
      const term::Rendition& rend = cell.rend;
      if (rend.Has(term::kBold)) out.attrs |= kGridBold;
      if (rend.Has(term::kItalic)) out.attrs |= kGridItalic;
      if (rend.underline() != term::Underline::kNone) out.attrs |= kGridUnderline;
      if (rend.Has(term::kBlink)) out.attrs |= kGridBlink;
      if (rend.Has(term::kInverse)) out.attrs |= kGridInverse;
      out.fg = GridColor(rend.fg);
      out.bg = GridColor(rend.bg);
    }
  }
  g.cursor_row = fb.ds().cursor_row;
  g.cursor_col = fb.ds().cursor_col;
  return g;
}

std::vector<std::string> FramebufferLines(const term::Framebuffer& fb) {
  return GridFromFramebuffer(fb).Lines();
}

}  // namespace roam::oracle
