// Display: framebuffer-to-escape-bytes diff (see display.h).
//
// The generator keeps a model of the receiving terminal while it writes:
// cursor position (or "unknown"), pending wrap, current rendition and link,
// cursor visibility, and for each screen row the Row the terminal holds.
// Every output step updates the model the way the receiving emulator
// (docs/protocol.md §12.2-§12.3) would, so later choices are made against what is
// really on the screen.

#include "term/display.h"

#include <algorithm>
#include <charconv>
#include <memory>
#include <vector>

namespace roam::term {
namespace {

constexpr int kMaxBackspaces = 4;  // 1-4 columns left on one row: BS
constexpr int kMaxLineFeeds = 4;   // column 0, 0-4 rows below: CR + LF
constexpr int kMinEchRun = 5;      // runs of more blank cells use ECH
// Attribute bits Mosh's SGR carries (single underline included).
constexpr uint16_t kMoshAttrs =
    kBold | kItalic | kBlink | kInverse | kInvisible |
    static_cast<uint16_t>(static_cast<uint16_t>(Underline::kSingle) << kUnderlineShift);

void AppendInt(std::string* out, uint32_t v) {
  char buf[16];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, res.ptr);
}

// A title this long does not fit after a two-character "0;" prefix: the
// receiver keeps only the first 256 characters of the OSC string.
constexpr size_t kMaxTitleChars = 255;

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Row::CellEquals with the common case (no cluster texts) inline.
inline bool SameCell(const Row& a, const Row& b, int x) {
  const Cell& p = a.cell(x);
  const Cell& q = b.cell(x);
  if (((p.raw_bits() | q.raw_bits()) & Cell::kClusterBit) == 0) {
    return p.raw_bits() == q.raw_bits() && p.rend == q.rend;
  }
  return a.CellEquals(x, b, x);
}

// A narrow printable ASCII cell without flags (the common case).
inline bool IsPlainAscii(const Cell& c) { return c.raw_bits() >= 0x20 && c.raw_bits() < 0x7F; }

// True when two rows are known to hold the same contents: same object,
// same generation (rows only change through Touch), or equal cells.
bool RowsSame(const Row& a, const Row& b) { return &a == &b || a.gen() == b.gen() || a == b; }

class FrameWriter {
 public:
  FrameWriter(const DisplayCapabilities& caps, const Display& display, const Framebuffer& f,
              std::string* out)
      : caps_(caps), display_(display), f_(f), out_(out), w_(f.width()), h_(f.height()) {}

  void Run(bool initialized, const Framebuffer& last);
  // Prints screen row `y` from the cursor's position without any motion,
  // trailing blank cells left out, then resets the rendition.
  void InlineRow(int y);

 private:
  // ---- Output primitives that keep the terminal model in step ----
  void Csi() { out_->append("\x1b[", 2); }
  void HideCursor() {
    if (visible_) {
      out_->append("\x1b[?25l");
      visible_ = false;
    }
  }
  void MoveTo(int row, int col, bool force_cup) {
    if (known_ && !force_cup && row == cy_ && col == cx_ && !pending_) return;
    Move(row, col, force_cup);
  }
  void Move(int row, int col, bool force_cup);
  void SetRendition(const Rendition& r);
  void SetLink(uint16_t link);
  void AppendSgr(const Rendition& r);
  // Prints cell `col` of `row` at the cursor (which must be there).
  void PrintCell(const Row& row, int col);
  void Advance(int n) {
    cx_ += n;
    if (cx_ >= w_) {
      cx_ = w_ - 1;
      pending_ = true;
    }
  }
  // Writes blank cells [begin, end) of screen row `y` (all `rend`): ECH,
  // EL (if `to_end`), or spaces.
  void EraseRun(int y, int begin, int end, const Rendition& rend, bool to_end);

  void TitleAndModesBefore(bool initialized, const Framebuffer& last);
  void ScrollShortcut();
  // Repaints screen row `y`; `wrap_in`: the cursor sits at the end of row
  // y-1 with a pending wrap, and cell 0 must be printed without motion.
  // Returns whether row y+1 must start that way.
  bool PutRow(int y, bool wrap_in);
  void PutWideInLastColumn(int y, const Row& nr);
  // The column to print so that the last column is written: the wide cell
  // before it if printing that reproduces the last cell, else the last.
  int LastPrintColumn(const Row& nr) const {
    const int last = w_ - 1;
    if (last == 0 || !nr.cell(last - 1).wide()) return last;
    const Cell& c = nr.cell(last);
    const Rendition left = Vis(nr.cell(last - 1).rend);
    return c.raw_bits() == 0 && Vis(c.rend) == Rendition::Background(left.bg) ? last - 1 : last;
  }
  void ModesAfter(const Framebuffer& last);

  // Display::Visible with the common case (nothing to drop) inline.
  Rendition Vis(const Rendition& r) const {
    if (!caps_.mosh_subset || ((r.attrs & ~kMoshAttrs) == 0 && r.link == 0)) return r;
    return display_.Visible(r);
  }
  bool Erasable(const Cell& c) const {
    if (c.raw_bits() != 0) return false;
    Rendition v = Vis(c.rend);
    if (!(v == Rendition::Background(v.bg))) return false;
    return caps_.bce || v.bg == kDefaultColor;
  }
  const Row& OldRow(int y) const { return *old_rows_[static_cast<size_t>(y)]; }

  const DisplayCapabilities& caps_;
  const Display& display_;
  const Framebuffer& f_;
  std::string* out_;
  const int w_;
  const int h_;

  // Terminal model.
  bool known_ = true;  // cursor position known
  int cx_ = 0;
  int cy_ = 0;
  bool pending_ = false;  // deferred autowrap pending at (cy_, w_ - 1)
  Rendition rend_;
  uint16_t link_ = 0;
  bool visible_ = true;
  bool force_ = false;  // full redraw: every row, every mode
  std::vector<const Row*> old_rows_;
  std::vector<bool> term_wrap_;  // the terminal's wrap mark of each row
  std::shared_ptr<Row> blank_;   // a blank default row of width w_
};

void FrameWriter::Move(int row, int col, bool force_cup) {
  HideCursor();
  const int down = row - cy_;
  if (known_ && !force_cup && col == 0 && down >= 0 && down <= kMaxLineFeeds) {
    if (cx_ != 0 || pending_) out_->push_back('\r');
    out_->append(static_cast<size_t>(down), '\n');
  } else if (known_ && !force_cup && row == cy_ && cx_ - col >= 1 && cx_ - col <= kMaxBackspaces) {
    out_->append(static_cast<size_t>(cx_ - col), '\b');
  } else {
    Csi();
    AppendInt(out_, static_cast<uint32_t>(row + 1));
    out_->push_back(';');
    AppendInt(out_, static_cast<uint32_t>(col + 1));
    out_->push_back('H');
  }
  known_ = true;
  cy_ = row;
  cx_ = col;
  pending_ = false;
}

// An SGR sequence is built in a fixed buffer and appended once; the
// longest (every attribute, two truecolours) is under 64 bytes.
class SgrBuffer {
 public:
  template <size_t N>
  void Put(const char (&lit)[N]) {
    for (size_t i = 0; i + 1 < N; ++i) Char(lit[i]);
  }
  void Char(char c) {
    if (n_ < sizeof buf_) buf_[n_++] = c;
  }
  void Int(uint32_t v) {
    char digits[10];
    int k = 0;
    do {
      digits[k++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0 && k < 10);
    while (k > 0) Char(digits[--k]);
  }
  void Color(Color c, bool fg) {
    if (c == kDefaultColor) return;
    if (IsPaletteColor(c)) {
      int n = PaletteIndex(c);
      if (n < 8) {
        Char(';');
        Int(static_cast<uint32_t>((fg ? 30 : 40) + n));
      } else {
        if (fg) {
          Put(";38;5;");
        } else {
          Put(";48;5;");
        }
        Int(static_cast<uint32_t>(n));
      }
      return;
    }
    uint32_t rgb = TrueColorRgb(c);
    if (fg) {
      Put(";38;2;");
    } else {
      Put(";48;2;");
    }
    Int((rgb >> 16) & 0xFF);
    Char(';');
    Int((rgb >> 8) & 0xFF);
    Char(';');
    Int(rgb & 0xFF);
  }
  std::string_view view() const { return std::string_view(buf_, n_); }

 private:
  char buf_[96];
  size_t n_ = 0;
};

void FrameWriter::AppendSgr(const Rendition& r) {
  SgrBuffer b;
  b.Put("\x1b[0");
  const bool mosh = caps_.mosh_subset;
  if (r.Has(kBold)) b.Put(";1");
  if (!mosh && r.Has(kFaint)) b.Put(";2");
  if (r.Has(kItalic)) b.Put(";3");
  Underline u = r.underline();
  if (u == Underline::kSingle || (mosh && u != Underline::kNone)) {
    b.Put(";4");
  } else if (u != Underline::kNone) {
    b.Put(";4:");
    b.Int(static_cast<uint32_t>(u));
  }
  if (r.Has(kBlink)) b.Put(";5");
  if (r.Has(kInverse)) b.Put(";7");
  if (r.Has(kInvisible)) b.Put(";8");
  if (!mosh && r.Has(kStrikethrough)) b.Put(";9");
  b.Color(r.fg, true);
  b.Color(r.bg, false);
  b.Char('m');
  out_->append(b.view());
}

void FrameWriter::SetLink(uint16_t link) {
  if (caps_.mosh_subset || link == link_) return;
  const std::vector<Hyperlink>& links = f_.links();
  if (link == 0 || link > links.size()) {
    if (link_ != 0) out_->append("\x1b]8;;\a");
    link_ = 0;
    return;
  }
  const Hyperlink& h = links[link - 1u];
  out_->append("\x1b]8;");
  if (!h.id.empty()) {
    out_->append("id=");
    out_->append(h.id);
  }
  out_->push_back(';');
  out_->append(h.uri);
  // BEL, not ST: ESC \ would cancel a pending wrap in Mosh-like emulators.
  out_->push_back('\a');
  link_ = link;
}

void FrameWriter::SetRendition(const Rendition& r) {
  Rendition v = Vis(r);
  if (v.link != link_) SetLink(v.link);
  v.link = 0;
  if (rend_ == v) return;  // rend_ never holds a link
  AppendSgr(v);
  rend_ = v;
}

void FrameWriter::PrintCell(const Row& row, int col) {
  const Cell& c = row.cell(col);
  SetRendition(c.rend);
  if (c.empty()) {
    out_->push_back(' ');
  } else {
    if (c.fallback()) out_->append("\xC2\xA0");
    if (!c.is_cluster() && c.code_point() < 0x80) {
      out_->push_back(static_cast<char>(c.code_point()));
    } else {
      row.AppendCellText(col, out_);
    }
  }
  Advance(c.wide() ? 2 : 1);
}

void FrameWriter::EraseRun(int y, int begin, int end, const Rendition& rend, bool to_end) {
  const int n = end - begin;
  MoveTo(y, begin, false);
  SetRendition(rend);
  if (to_end) {
    out_->append("\x1b[K");
  } else if (caps_.ech && n >= kMinEchRun) {
    Csi();
    AppendInt(out_, static_cast<uint32_t>(n));
    out_->push_back('X');
  } else {
    out_->append(static_cast<size_t>(n), ' ');
    Advance(n);
  }
}

void FrameWriter::TitleAndModesBefore(bool initialized, const Framebuffer& last) {
  if (f_.bell_count() != last.bell_count()) out_->push_back('\a');

  // Titles: once the application set one. Server mode also sends a change
  // back to "never set" (after RIS) so the replica's title stays equal.
  const bool title_changed = f_.title() != last.title() || f_.icon_name() != last.icon_name();
  const bool send_title =
      caps_.titles &&
      (initialized ? title_changed &&
                         (f_.title_initialized() || (caps_.mosh_subset && last.title_initialized()))
                   : f_.title_initialized());
  if (send_title) {
    auto osc = [this](std::string_view kind, const std::string& text) {
      out_->append("\x1b]");
      out_->append(kind);
      out_->append(caps_.title_prefix);
      out_->append(text);
      out_->push_back('\a');
    };
    const std::string& icon = f_.icon_name();
    const std::string& title = f_.title();
    // The receiver keeps 256 characters of the OSC string, prefix
    // included; a 255-character text (set with Mosh's "OSC ; text" form,
    // which names both) only fits that form.
    const bool long_title = caps_.mosh_subset && CodePoints(title) >= kMaxTitleChars;
    const bool long_icon = caps_.mosh_subset && CodePoints(icon) >= kMaxTitleChars;
    if (icon == title) {
      osc(long_title ? ";" : "0;", title);
    } else if (long_title) {
      osc(";", title);
      osc("1;", icon);
    } else if (long_icon) {
      osc(";", icon);
      osc("2;", title);
    } else {
      osc("1;", icon);
      osc("2;", title);
    }
  }

  if (caps_.clipboard && f_.clipboard() != last.clipboard()) {
    out_->append("\x1b]52;");
    if (caps_.mosh_subset || f_.clipboard_selection().empty()) {
      out_->push_back('c');
    } else {
      out_->append(f_.clipboard_selection());
    }
    out_->push_back(';');
    out_->append(f_.clipboard());
    out_->push_back('\a');
  }

  if (!initialized || f_.ds().reverse_video != last.ds().reverse_video) {
    out_->append(f_.ds().reverse_video ? "\x1b[?5h" : "\x1b[?5l");
  }
}

void FrameWriter::ScrollShortcut() {
  // Does the new top row appear further down in the old screen?
  const Row& top = f_.row(0);
  int k = 0;
  for (int r = 0; r < h_; ++r) {
    if (RowsSame(top, OldRow(r))) {
      k = r;
      break;
    }
  }
  if (k == 0) return;
  // How many rows below it moved along?
  int height = 1;
  while (k + height < h_ && RowsSame(f_.row(height), OldRow(k + height))) ++height;
  const int bottom = k + height - 1;  // old row index of the region bottom

  HideCursor();
  out_->append("\x1b[0m");
  rend_ = Rendition();
  if (bottom == h_ - 1 && known_ && cy_ == h_ - 1) {
    out_->push_back('\r');
    out_->append(static_cast<size_t>(k), '\n');
    cx_ = 0;
    pending_ = false;
  } else {
    Csi();
    out_->append("1;");
    AppendInt(out_, static_cast<uint32_t>(bottom + 1));
    out_->push_back('r');
    known_ = true;  // DECSTBM homes the cursor
    cx_ = cy_ = 0;
    pending_ = false;
    MoveTo(bottom, 0, false);
    out_->append(static_cast<size_t>(k), '\n');
    out_->append("\x1b[r");
    known_ = false;
  }
  // The model scrolls the same way: rows [0, bottom] move up by k and blank
  // default rows enter at the bottom of the region.
  for (int r = 0; r + k <= bottom; ++r) {
    old_rows_[static_cast<size_t>(r)] = old_rows_[static_cast<size_t>(r + k)];
    term_wrap_[static_cast<size_t>(r)] = term_wrap_[static_cast<size_t>(r + k)];
  }
  for (int r = bottom - k + 1; r <= bottom; ++r) {
    old_rows_[static_cast<size_t>(r)] = blank_.get();
    term_wrap_[static_cast<size_t>(r)] = false;
  }
}

bool FrameWriter::PutRow(int y, bool wrap_in) {
  const Row& nr = f_.row(y);
  const Row& orow = OldRow(y);
  // The bottom row's wrap mark cannot be reproduced (the wrapping print
  // would scroll); it is treated as unset on both sides.
  const bool want_wrap = nr.wrap() && y + 1 < h_;
  bool term_wrap = term_wrap_[static_cast<size_t>(y)];
  int x = 0;
  // The most recent output of this row printed its last column, leaving a
  // pending wrap that makes row y+1 start without cursor motion.
  bool printed_last = false;
  auto note_last = [&](bool printed) {
    term_wrap = false;
    printed_last = printed;
  };
  bool covered = false;  // cell x is the right half of a wide cell printed just now
  if (wrap_in) {
    // The cursor is pending at the end of row y-1: the print wraps first.
    cy_ = y;
    cx_ = 0;
    pending_ = false;
    PrintCell(nr, 0);
    const bool wide = nr.cell(0).wide();
    if ((wide ? 2 : 1) >= w_) note_last(true);
    x = 1;
    covered = wide && x < w_;
  }
  if (!force_ && !covered && RowsSame(nr, orow) && term_wrap == want_wrap) return false;

  // Scan cells; blank runs (cells an erase reproduces) are collected and
  // written lazily so they can become ECH or EL.
  int run_begin = -1;  // first differing cell of the open blank run
  int run_last = -1;   // last differing cell of the run
  Rendition run_rend;
  auto flush_run = [&](bool to_end) {
    if (run_begin < 0) return;
    if (to_end) {
      EraseRun(y, run_begin, w_, run_rend, true);
      note_last(false);
    } else {
      const int n = run_last + 1 - run_begin;
      EraseRun(y, run_begin, run_last + 1, run_rend, false);
      if (run_last == w_ - 1) note_last(!(caps_.ech && n >= kMinEchRun));
    }
    run_begin = -1;
  };

  for (; x < w_; ++x) {
    const Cell& c = nr.cell(x);
    bool differs = force_ || !SameCell(nr, orow, x);
    if (covered) {
      // Printing the wide cell reset this one to a blank with the
      // printed cell's background.
      covered = false;
      const Rendition left = Vis(nr.cell(x - 1).rend);
      differs = !(c.raw_bits() == 0 && Vis(c.rend) == Rendition::Background(left.bg));
      if (!differs) continue;
    }
    const bool blank = Erasable(c);
    if (blank && run_begin >= 0 && !(Vis(c.rend) == run_rend)) flush_run(false);
    if (blank) {
      // Blanks extend an open run even when unchanged (erasing them again
      // is harmless); a run only starts at a differing cell.
      if (run_begin >= 0) {
        if (differs) run_last = x;
      } else if (differs) {
        run_begin = run_last = x;
        run_rend = Vis(c.rend);
      }
      continue;
    }
    // A non-blank cell ends the run; its unchanged blank tail needs nothing.
    flush_run(false);
    if (!differs) continue;
    if (c.wide() && x == w_ - 1) {
      PutWideInLastColumn(y, nr);
      note_last(false);
      continue;
    }
    MoveTo(y, x, false);
    if (IsPlainAscii(c)) {
      // Fast path: the run of changed printable ASCII cells in this same
      // rendition, written in one append.
      SetRendition(c.rend);
      char buf[128];
      size_t n = 0;
      int j = x;
      do {
        buf[n++] = static_cast<char>(nr.cell(j).raw_bits());
        ++j;
      } while (j < w_ && n < sizeof buf && IsPlainAscii(nr.cell(j)) && nr.cell(j).rend == c.rend &&
               (force_ || !SameCell(nr, orow, j)));
      out_->append(buf, n);
      Advance(static_cast<int>(n));
      if (j == w_) {
        note_last(true);
      } else {
        printed_last = false;
      }
      x = j - 1;
      continue;
    }
    PrintCell(nr, x);
    if (c.wide()) {
      if (x + 2 >= w_) note_last(true);
      covered = x + 1 < w_;
    } else if (x == w_ - 1) {
      note_last(true);
    } else {
      printed_last = false;
    }
  }
  // A run still open reaches the end of the row (its unchanged tail is
  // blank too): EL covers it, unless the row wraps, which needs the last
  // column printed.
  if (run_begin >= 0) {
    if (!want_wrap) {
      flush_run(true);
    } else {
      run_last = w_ - 1;
      flush_run(false);
    }
  }

  // The wrap mark: printing or erasing the last column cleared the old one.
  if (want_wrap) {
    if (term_wrap) return false;
    if (!printed_last) {
      // Print the cell covering the last column; row y+1 then starts with
      // a print that wraps.
      const int col = LastPrintColumn(nr);
      MoveTo(y, col, false);
      PrintCell(nr, col);
    }
    return true;
  }
  if (term_wrap && y + 1 < h_) {
    // Clear the stale mark by rewriting the last column.
    const int col = LastPrintColumn(nr);
    MoveTo(y, col, false);
    PrintCell(nr, col);
  }
  return false;
}

void FrameWriter::PutWideInLastColumn(int y, const Row& nr) {
  // A wide character printed in the last column would wrap first. Print
  // the row's tail [k, w) one column to the left, insert a cell at k-1 to
  // shift it into place, then rewrite cell k-1. k is chosen so that cell
  // k-1 is narrow (printing a wide one would cover cell k again).
  int k = w_ - 1;
  while (k > 0 && nr.cell(k - 1).wide()) --k;
  if (k == 0) return;  // no room to shift (a row of wide cells only)
  for (int col = k; col < w_; ++col) {
    // Skip the blank that printing the wide cell before it left.
    if (col > k && nr.cell(col - 1).wide() && nr.cell(col).raw_bits() == 0 &&
        Vis(nr.cell(col).rend) == Rendition::Background(Vis(nr.cell(col - 1).rend).bg)) {
      continue;
    }
    MoveTo(y, col - 1, false);
    PrintCell(nr, col);
  }
  MoveTo(y, k - 1, false);
  out_->append("\x1b[@");
  PrintCell(nr, k - 1);
}

void FrameWriter::ModesAfter(const Framebuffer& last) {
  const DrawState& a = last.ds();
  const DrawState& b = f_.ds();
  if (force_ || a.bracketed_paste != b.bracketed_paste) {
    out_->append(b.bracketed_paste ? "\x1b[?2004h" : "\x1b[?2004l");
  }
  if (force_ || a.mouse_reporting != b.mouse_reporting) {
    if (b.mouse_reporting == kMouseNone || force_) {
      out_->append("\x1b[?1003l\x1b[?1002l\x1b[?1001l\x1b[?1000l");
    } else if (a.mouse_reporting != kMouseNone) {
      out_->append("\x1b[?");
      AppendInt(out_, static_cast<uint32_t>(a.mouse_reporting));
      out_->push_back('l');
    }
    if (b.mouse_reporting != kMouseNone) {
      out_->append("\x1b[?");
      AppendInt(out_, static_cast<uint32_t>(b.mouse_reporting));
      out_->push_back('h');
    }
  }
  if (force_ || a.mouse_focus_events != b.mouse_focus_events) {
    out_->append(b.mouse_focus_events ? "\x1b[?1004h" : "\x1b[?1004l");
  }
  if (force_ || a.mouse_encoding != b.mouse_encoding) {
    if (b.mouse_encoding == kMouseEncodingDefault || force_) {
      out_->append("\x1b[?1015l\x1b[?1006l\x1b[?1005l");
    } else if (a.mouse_encoding != kMouseEncodingDefault) {
      out_->append("\x1b[?");
      AppendInt(out_, static_cast<uint32_t>(a.mouse_encoding));
      out_->push_back('l');
    }
    if (b.mouse_encoding != kMouseEncodingDefault) {
      out_->append("\x1b[?");
      AppendInt(out_, static_cast<uint32_t>(b.mouse_encoding));
      out_->push_back('h');
    }
  }
  if (!caps_.mosh_subset && (force_ || a.cursor_shape != b.cursor_shape)) {
    out_->append("\x1b[");
    AppendInt(out_, static_cast<uint32_t>(b.cursor_shape));
    out_->append(" q");
  }
}

void FrameWriter::Run(bool initialized, const Framebuffer& last) {
  const DrawState& a = last.ds();
  const DrawState& b = f_.ds();
  // Start from what the previous frame left on the terminal.
  cy_ = a.cursor_row;
  cx_ = a.cursor_col;
  // Whether a wrap is pending at the last column is not tracked across
  // frames: assume it may be, so printing there moves the cursor first.
  known_ = true;
  pending_ = cx_ >= w_ - 1;
  rend_ = Vis(a.rend);
  rend_.link = 0;
  link_ = 0;  // links are closed at the end of every frame
  visible_ = a.cursor_visible;

  TitleAndModesBefore(initialized, last);

  const bool resized = a.width != b.width || a.height != b.height;
  force_ = !initialized || resized;
  if (force_) {
    // Without ED 2 every cell is still written: PutRow treats all as changed.
    out_->append(caps_.normal_screen ? "\x1b[r\x1b[0m\x1b[H" : "\x1b[r\x1b[0m\x1b[H\x1b[2J");
    known_ = true;
    cx_ = cy_ = 0;
    pending_ = false;
    rend_ = Rendition();
    visible_ = true;
    HideCursor();
  }

  // The rows the terminal shows.
  bool any_changed = force_;
  for (int r = 0; r < h_ && !any_changed; ++r) {
    const RowPtr& p = last.row_ptr(r);
    if (p != f_.row_ptr(r) && p->gen() != f_.row(r).gen()) any_changed = true;
  }
  if (any_changed) {
    out_->reserve(out_->size() + static_cast<size_t>(w_) * static_cast<size_t>(h_));
    old_rows_.resize(static_cast<size_t>(h_));
    term_wrap_.assign(static_cast<size_t>(h_), false);
    if (!force_) {
      for (int r = 0; r < h_; ++r) {
        const Row& row = last.row(r);
        old_rows_[static_cast<size_t>(r)] = &row;
        // The bottom row's mark is never reproduced on the terminal.
        term_wrap_[static_cast<size_t>(r)] = row.wrap() && r + 1 < h_;
      }
    }
    blank_ = std::make_shared<Row>(w_, kDefaultColor);
    if (force_) {
      for (auto& p : old_rows_) p = blank_.get();
    } else if (!caps_.normal_screen) {
      ScrollShortcut();
    }
    bool wrap = false;
    for (int y = 0; y < h_; ++y) wrap = PutRow(y, wrap);
  }

  // Final cursor, visibility, pen.
  if (force_ || !known_ || cy_ != b.cursor_row || cx_ != b.cursor_col) {
    MoveTo(b.cursor_row, b.cursor_col, force_);
  }
  if (force_ || visible_ != b.cursor_visible) {
    out_->append(b.cursor_visible ? "\x1b[?25h" : "\x1b[?25l");
    visible_ = b.cursor_visible;
  }
  SetLink(0);
  Rendition pen = Vis(b.rend);
  pen.link = 0;
  if (force_ || !(pen == rend_)) {
    AppendSgr(pen);
    rend_ = pen;
  }

  ModesAfter(last);
}

}  // namespace

Rendition Display::Visible(const Rendition& r) const {
  if (!caps_.mosh_subset) return r;
  Rendition v = r;
  constexpr uint16_t kKept = kBold | kItalic | kBlink | kInverse | kInvisible;
  uint16_t attrs = static_cast<uint16_t>(r.attrs & kKept);
  if (r.underline() != Underline::kNone) {
    attrs = static_cast<uint16_t>(attrs |
                                  (static_cast<uint16_t>(Underline::kSingle) << kUnderlineShift));
  }
  v.attrs = attrs;
  v.link = 0;
  return v;
}

void Display::MoshVisible(Framebuffer* fb) const {
  if (!caps_.mosh_subset) return;
  DrawState* ds = fb->mutable_ds();
  ds->rend = Visible(ds->rend);
  ds->mouse_alternate_scroll = false;
  for (int r = 0; r < fb->height(); ++r) {
    const Row& row = fb->row(r);
    bool change = false;
    for (const Cell& c : row.cells()) {
      if (!(Visible(c.rend) == c.rend)) {
        change = true;
        break;
      }
    }
    if (!change) continue;
    Row* m = fb->MutableRow(r);
    for (int col = 0; col < m->width(); ++col) {
      Cell& c = m->mutable_cell(col);
      c.rend = Visible(c.rend);
    }
  }
}

void FrameWriter::InlineRow(int y) {
  const Row& row = f_.row(y);
  rend_ = Rendition();
  link_ = 0;
  int end = w_;
  while (end > 0 && row.cell(end - 1).pristine()) --end;
  for (int c = 0; c < end;) {
    PrintCell(row, c);
    c += row.cell(c).wide() ? 2 : 1;
  }
  SetRendition(Rendition());
  SetLink(0);
}

std::string Display::InlineRows(const Framebuffer& f, int first, int count) const {
  std::string out;
  FrameWriter writer(caps_, *this, f, &out);
  for (int y = first; y < first + count && y < f.height(); ++y) {
    writer.InlineRow(y);
    out.append("\r\n");
  }
  return out;
}

std::string Display::NewFrame(bool initialized, const Framebuffer& last,
                              const Framebuffer& f) const {
  std::string out;
  FrameWriter writer(caps_, *this, f, &out);
  writer.Run(initialized, last);
  return out;
}

namespace {

// Text of a cell as a receiver of the diff shows it.
std::string CanonicalText(const Row& row, int col) {
  const Cell& c = row.cell(col);
  if (c.empty()) return " ";
  std::string text = row.CellText(col);
  if (c.fallback()) {
    // U+00A0 then the combining characters, as long as they fit.
    std::string out = "\xC2\xA0";
    size_t i = 0;
    while (i < text.size()) {
      size_t len = 1;
      while (i + len < text.size() && (static_cast<unsigned char>(text[i + len]) & 0xC0) == 0x80) {
        ++len;
      }
      if (out.size() + len > Row::kMaxCellBytes) break;
      out.append(text, i, len);
      i += len;
    }
    return out;
  }
  return text;
}

}  // namespace

bool DisplayEquivalent(const Framebuffer& a, const Framebuffer& b, std::string* why) {
  auto fail = [why](std::string msg) {
    if (why != nullptr) *why = std::move(msg);
    return false;
  };
  const DrawState& x = a.ds();
  const DrawState& y = b.ds();
  if (x.width != y.width || x.height != y.height) return fail("size");
  if (x.cursor_row != y.cursor_row || x.cursor_col != y.cursor_col) return fail("cursor position");
  if (x.cursor_visible != y.cursor_visible) return fail("cursor visibility");
  if (!(x.rend == y.rend)) return fail("pen");
  if (x.reverse_video != y.reverse_video) return fail("reverse video");
  if (x.bracketed_paste != y.bracketed_paste) return fail("bracketed paste");
  if (x.mouse_reporting != y.mouse_reporting || x.mouse_focus_events != y.mouse_focus_events ||
      x.mouse_encoding != y.mouse_encoding ||
      x.mouse_alternate_scroll != y.mouse_alternate_scroll) {
    return fail("mouse modes");
  }
  if (a.title() != b.title()) return fail("title");
  if (a.clipboard() != b.clipboard()) return fail("clipboard");
  for (int r = 0; r < x.height; ++r) {
    const Row& p = a.row(r);
    const Row& q = b.row(r);
    if (&p == &q) continue;
    if (r + 1 < x.height && p.wrap() != q.wrap())
      return fail("wrap mark of row " + std::to_string(r));
    for (int c = 0; c < x.width; ++c) {
      const Cell& s = p.cell(c);
      const Cell& t = q.cell(c);
      if (s.wide() != t.wide() || !(s.rend == t.rend) ||
          CanonicalText(p, c) != CanonicalText(q, c)) {
        return fail("cell " + std::to_string(r) + "," + std::to_string(c) + ": \"" +
                    CanonicalText(p, c) + "\" vs \"" + CanonicalText(q, c) + "\"");
      }
    }
  }
  return true;
}

}  // namespace roam::term
