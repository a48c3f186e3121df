#include "oracle/common/vterm_model.h"

#include <vterm.h>

namespace roam::oracle {

namespace {

int32_t GridColor(const VTermColor& c, bool is_fg) {
  if (is_fg ? VTERM_COLOR_IS_DEFAULT_FG(&c) : VTERM_COLOR_IS_DEFAULT_BG(&c)) {
    return kGridDefaultColor;
  }
  if (VTERM_COLOR_IS_INDEXED(&c)) return c.indexed.idx;
  return kGridTrueColor | (c.rgb.red << 16) | (c.rgb.green << 8) | c.rgb.blue;
}

}  // namespace

VtermModel::VtermModel(int cols, int rows) : cols_(cols), rows_(rows) {
  vt_ = vterm_new(rows, cols);
  vterm_set_utf8(vt_, 1);
  vterm_output_set_callback(vt_, &VtermModel::OnOutput, this);
  screen_ = vterm_obtain_screen(vt_);
  vterm_screen_enable_altscreen(screen_, 1);
  vterm_screen_reset(screen_, 1);
}

VtermModel::~VtermModel() { vterm_free(vt_); }

void VtermModel::OnOutput(const char* bytes, size_t len, void* user) {
  static_cast<VtermModel*>(user)->replies_.append(bytes, len);
}

void VtermModel::Write(std::string_view host_bytes) {
  vterm_input_write(vt_, host_bytes.data(), host_bytes.size());
  vterm_screen_flush_damage(screen_);
}

std::string VtermModel::TakeReplies() {
  std::string out;
  out.swap(replies_);
  return out;
}

ScreenGrid VtermModel::Grid() const {
  ScreenGrid g = ScreenGrid::Blank(cols_, rows_);
  for (int r = 0; r < rows_; ++r) {
    for (int c = 0; c < cols_; ++c) {
      VTermScreenCell cell;
      VTermPos pos{r, c};
      GridCell& out = g.cells[static_cast<size_t>(r)][static_cast<size_t>(c)];
      if (!vterm_screen_get_cell(screen_, pos, &cell)) continue;
      if (cell.chars[0] == static_cast<uint32_t>(-1)) {
        // The right half of a wide character.
        out.width = 0;
      } else {
        for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i] != 0; ++i) {
          AppendUtf8(cell.chars[i], &out.text);
        }
        out.width = cell.width == 2 ? 2 : 1;
      }
      if (cell.attrs.bold) out.attrs |= kGridBold;
      if (cell.attrs.italic) out.attrs |= kGridItalic;
      if (cell.attrs.underline) out.attrs |= kGridUnderline;
      if (cell.attrs.blink) out.attrs |= kGridBlink;
      if (cell.attrs.reverse) out.attrs |= kGridInverse;
      out.fg = GridColor(cell.fg, true);
      out.bg = GridColor(cell.bg, false);
    }
    // libvterm reports the continuation of a wide character either as -1 or
    // as an empty cell after a width-2 cell; normalize to width 0.
    for (int c = 0; c + 1 < cols_; ++c) {
      auto& row = g.cells[static_cast<size_t>(r)];
      if (row[static_cast<size_t>(c)].width == 2) {
        row[static_cast<size_t>(c + 1)].width = 0;
        row[static_cast<size_t>(c + 1)].text.clear();
      }
    }
  }
  VTermPos cursor;
  vterm_state_get_cursorpos(vterm_obtain_state(vt_), &cursor);
  g.cursor_row = cursor.row;
  g.cursor_col = cursor.col;
  return g;
}

}  // namespace roam::oracle
