// Framebuffer: THE SHARED DATA MODEL of roam's terminal engine. The
// emulator writes it; the display diff and full-state serialization (other
// files of src/term) only read and write it through the public members and
// accessors below, so everything a screen holds is plain data here.
//
// A Framebuffer is a value: copying one copies the draw state and a vector
// of row pointers. Rows are shared between copies (copy-on-write): a row is
// only changed in place while this framebuffer is its sole owner, and
// MutableRow() clones it otherwise. Two frames that hold the same row
// pointer therefore hold the same row contents, which makes "unchanged row"
// checks pointer-cheap.
//
// The visible rows form a ring (`top_` is the index of screen row 0), so
// scrolling the whole screen moves no row pointers. The inactive screen
// (primary while the alternate screen is shown, or the reverse) is kept in
// `inactive_rows_`, in screen order.
//
// operator== is the equality of docs/protocol.md §7.1 (what Mosh compares).

#ifndef ROAM_TERM_FRAMEBUFFER_H_
#define ROAM_TERM_FRAMEBUFFER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "term/cell.h"
#include "term/link_table.h"
#include "term/rendition.h"
#include "term/row.h"

namespace roam::term {

using RowPtr = std::shared_ptr<Row>;

class Scrollback;

// Character sets that G0/G1 can designate (ESC ( X, ESC ) X).
enum class Charset : uint8_t {
  kAscii = 0,          // ESC ( B, and every set roam does not know
  kDecSpecial = 1,     // ESC ( 0: DEC special graphics (line drawing)
  kUnitedKingdom = 2,  // ESC ( A: '#' is the pound sign
};

// Cursor state saved by DECSC (ESC 7), CSI s, and DECSET 1049.
struct SavedCursor {
  int row = 0;
  int col = 0;
  Rendition rend;
  bool autowrap = true;
  bool origin_mode = false;
  // roam additions (xterm saves these too; Mosh has no charsets).
  Charset charsets[2] = {Charset::kAscii, Charset::kAscii};
  int active_charset = 0;

  friend bool operator==(const SavedCursor&, const SavedCursor&) = default;
};

// Mouse reporting modes (DECSET 9, 1000-1003); a single value.
enum MouseReporting : int {
  kMouseNone = 0,
  kMouseX10 = 9,
  kMouseVt200 = 1000,
  kMouseVt200Highlight = 1001,
  kMouseButtonEvent = 1002,
  kMouseAnyEvent = 1003,
};

// Mouse encodings (DECSET 1005, 1006, 1015); a single value.
enum MouseEncoding : int {
  kMouseEncodingDefault = 0,
  kMouseEncodingUtf8 = 1005,
  kMouseEncodingSgr = 1006,
  kMouseEncodingUrxvt = 1015,
};

// DECSCUSR cursor shapes (CSI Ps SP q); 0 = terminal default.
enum CursorShape : int {
  kCursorDefault = 0,
  kCursorBlinkingBlock = 1,
  kCursorSteadyBlock = 2,
  kCursorBlinkingUnderline = 3,
  kCursorSteadyUnderline = 4,
  kCursorBlinkingBar = 5,
  kCursorSteadyBar = 6,
};

// Everything about the terminal that is not cell contents. Plain data.
struct DrawState {
  int width = 80;
  int height = 24;

  int cursor_row = 0;
  int cursor_col = 0;
  // Deferred autowrap: the next printable character wraps first.
  bool next_print_will_wrap = false;
  // Cell that receives the next combining character (Mosh's "combining
  // cell"); -1 when none (e.g. after a resize that removed it).
  int combining_row = 0;
  int combining_col = 0;

  bool cursor_visible = true;
  int cursor_shape = kCursorDefault;
  Rendition rend;  // current pen

  bool insert_mode = false;  // IRM (CSI 4 h)
  bool origin_mode = false;  // DECOM (CSI ? 6 h)
  bool autowrap = true;      // DECAWM (CSI ? 7 h)
  int scroll_top = 0;        // scroll region, inclusive rows
  int scroll_bottom = 23;

  std::vector<bool> tabs;    // one per column; column c is a stop if tabs[c]
  bool default_tabs = true;  // false once TBC 3 cleared all stops

  bool reverse_video = false;            // DECSCNM (CSI ? 5 h)
  bool application_cursor_keys = false;  // DECCKM (CSI ? 1 h)
  bool application_keypad = false;       // DECKPAM / DECKPNM (ESC = / ESC >)
  bool bracketed_paste = false;          // CSI ? 2004 h
  int mouse_reporting = kMouseNone;
  bool mouse_focus_events = false;  // CSI ? 1004 h
  int mouse_encoding = kMouseEncodingDefault;
  bool mouse_alternate_scroll = false;  // CSI ? 1007 h

  SavedCursor saved_decsc;  // ESC 7 / ESC 8
  SavedCursor saved_csi;    // CSI s / CSI u
  SavedCursor saved_1049;   // DECSET 1049

  Charset charsets[2] = {Charset::kAscii, Charset::kAscii};  // G0, G1
  int active_charset = 0;                                    // 0 after SI, 1 after SO
  bool alternate_screen = false;                             // the alternate screen is shown

  // Last graphic character printed, for REP (CSI Pn b); 0 = none.
  char32_t last_graphic = 0;

  // Mosh's limit_top()/limit_bottom(): the rows the cursor may reach.
  int LimitTop() const { return origin_mode ? scroll_top : 0; }
  int LimitBottom() const { return origin_mode ? scroll_bottom : height - 1; }
};

class Framebuffer {
 public:
  // REQUIRES: width >= 1, height >= 1. A blank screen with default state.
  Framebuffer(int width, int height);

  int width() const { return ds_.width; }
  int height() const { return ds_.height; }

  const DrawState& ds() const { return ds_; }
  DrawState* mutable_ds() { return &ds_; }

  // Screen row `r` (0 = top). REQUIRES: 0 <= r < height().
  const Row& row(int r) const { return *rows_[Index(r)]; }
  const RowPtr& row_ptr(int r) const { return rows_[Index(r)]; }
  // The row for writing: cloned first if shared with another frame, then
  // its gen() is renewed. REQUIRES: 0 <= r < height().
  Row* MutableRow(int r) {
    RowPtr& p = rows_[Index(r)];
    if (p.use_count() != 1) Unshare(&p);
    p->Touch();
    return p.get();
  }
  // Replaces row `r` (serialization). REQUIRES: row->width() == width().
  void SetRow(int r, RowPtr row) { rows_[Index(r)] = std::move(row); }

  // Inactive screen rows, in screen order (all height() x width()).
  const std::vector<RowPtr>& inactive_rows() const { return inactive_rows_; }
  std::vector<RowPtr>* mutable_inactive_rows() { return &inactive_rows_; }

  // Deletes `n` rows at `row` inside the region [top, bottom], shifting the
  // rows below up and adding blank rows (background `bg`) at `bottom`.
  // Rows that leave the top of the full-width primary screen region with
  // top == 0 are offered to `scrollback` (may be null).
  // No-op unless top <= row <= bottom. REQUIRES: 0 <= top <= bottom < height.
  void DeleteLines(int row, int n, int top, int bottom, Color bg, Scrollback* scrollback);
  // DeleteLines(0, 1, 0, height() - 1, bg, scrollback): the whole screen
  // scrolls up one row (every line of scrolling output, so it has its own
  // short path).
  void ScrollUp(Color bg, Scrollback* scrollback);
  // Inserts `n` blank rows at `row` inside [top, bottom]; rows pushed past
  // `bottom` are dropped. No-op unless top <= row <= bottom.
  void InsertLines(int row, int n, int top, int bottom, Color bg);

  // Resets every visible row to blank with background `bg`.
  void ClearScreen(Color bg);
  // Resizes both screens following docs/protocol.md §12.3: rows truncated or padded at
  // the bottom, cells truncated or padded at the right (background `bg`),
  // wrap marks cleared when the width changes. Adjusts ds() (size, region,
  // tabs, cursor clamp, combining cell). REQUIRES: width, height >= 1.
  void Resize(int width, int height);
  // Swaps the visible and inactive screens (alternate screen switch).
  void SwapScreens();

  // Window title (OSC 0/2) and icon name (OSC 0/1), UTF-8.
  const std::string& title() const { return title_; }
  const std::string& icon_name() const { return icon_name_; }
  bool title_initialized() const { return title_initialized_; }
  void set_title(std::string t) { title_ = std::move(t); }
  void set_icon_name(std::string t) { icon_name_ = std::move(t); }
  void set_title_initialized(bool on) { title_initialized_ = on; }

  // OSC 52 clipboard contents (the base64 text, verbatim) and the selection
  // letters it was sent with ("c" for Mosh's only form).
  const std::string& clipboard() const { return clipboard_; }
  const std::string& clipboard_selection() const { return clipboard_selection_; }
  void set_clipboard(std::string data, std::string selection) {
    clipboard_ = std::move(data);
    clipboard_selection_ = std::move(selection);
  }

  uint64_t bell_count() const { return bell_count_; }
  void set_bell_count(uint64_t n) { bell_count_ = n; }
  void RingBell() { ++bell_count_; }

  // OSC 8 hyperlinks: Rendition::link k (k >= 1) names links()[k - 1].
  const std::vector<Hyperlink>& links() const;
  // Returns the number for (id, uri), adding it if new; 0 when the link is
  // over LinkTable's size limits or the table is full, in which case the
  // text is simply not linked. O(link length); the table, shared with
  // copies of this framebuffer, is cloned first if it is shared.
  uint16_t InternLink(const Hyperlink& link);
  // REQUIRES: links.size() <= kMaxLinks.
  void set_links(std::vector<Hyperlink> links);
  static constexpr size_t kMaxLinks = LinkTable::kMaxLinks;

  // docs/protocol.md §7.1 equality: cells, title, clipboard, bell count, size, cursor
  // position and visibility, pen, reverse video, bracketed paste, mouse
  // modes. (Icon name, tabs, margins, saved cursors are not compared.)
  bool operator==(const Framebuffer& other) const;

 private:
  size_t Index(int r) const {
    int i = top_ + r;
    if (i >= ds_.height) i -= ds_.height;
    return static_cast<size_t>(i);
  }
  // Points *p at a private copy of its row (MutableRow's copy-on-write;
  // out of line, as it is the rare case).
  static void Unshare(RowPtr* p);
  // Puts the ring in screen order (top_ = 0).
  void Normalize();
  // A blank row: `recycled` reset when this frame owns it, else a new one.
  RowPtr BlankRow(RowPtr recycled, Color bg) const;

  DrawState ds_;
  std::vector<RowPtr> rows_;
  int top_ = 0;
  std::vector<RowPtr> inactive_rows_;
  std::string title_;
  std::string icon_name_;
  bool title_initialized_ = false;
  std::string clipboard_;
  std::string clipboard_selection_;
  uint64_t bell_count_ = 0;
  std::shared_ptr<LinkTable> links_;  // null: no links (shared copy-on-write)
};

}  // namespace roam::term

#endif  // ROAM_TERM_FRAMEBUFFER_H_
