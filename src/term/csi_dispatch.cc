// Emulator: CSI functions (cursor motion, erase, insert/delete, scrolling,
// tabs, modes, margins, queries). Semantics follow Mosh's emulator (docs/protocol.md
// §12.2); the roam-only functions are listed in emulator.h.

#include <algorithm>
#include <string>

#include "term/emulator.h"
#include "term/unicode_width.h"

namespace roam::term {

void Emulator::CsiDispatch(const ParserState& s, char32_t final) {
  DrawState& d = ds();
  const int n1 = s.Param(0, 1);
  if (s.num_intermediates == 0) {
    // Tabs, tab clearing and SGR keep the pending wrap; all else clears it.
    if (final != 'I' && final != 'Z' && final != 'g' && final != 'm') {
      d.next_print_will_wrap = false;
    }
    switch (final) {
      case '@':  // ICH
        fb_.MutableRow(d.cursor_row)->InsertCells(d.cursor_col, n1, bg());
        return;
      case 'A':  // CUU
        MoveRow(-n1, true);
        return;
      case 'B':  // CUD
        MoveRow(n1, true);
        return;
      case 'C':  // CUF
        MoveCol(n1, true);
        return;
      case 'D':  // CUB
        MoveCol(-n1, true);
        return;
      case 'E':  // CNL (roam)
        MoveRow(n1, true);
        MoveCol(0, false);
        return;
      case 'F':  // CPL (roam)
        MoveRow(-n1, true);
        MoveCol(0, false);
        return;
      case 'G':  // CHA
      case '`':  // HPA
        MoveCol(n1 - 1, false);
        return;
      case 'H':  // CUP
      case 'f':  // HVP
        MoveRow(n1 - 1, false);
        MoveCol(s.Param(1, 1) - 1, false);
        return;
      case 'I':  // CHT
        Tab(n1);
        return;
      case 'Z':  // CBT
        Tab(-n1);
        return;
      case 'J':
        EraseInDisplay(s.Param(0, 0));
        return;
      case 'K':
        EraseInLine(s.Param(0, 0));
        return;
      case 'L':  // IL
        fb_.InsertLines(d.cursor_row, n1, d.scroll_top, d.scroll_bottom, bg());
        MoveCol(0, false);
        return;
      case 'M':  // DL
        fb_.DeleteLines(d.cursor_row, n1, d.scroll_top, d.scroll_bottom, bg(), nullptr);
        MoveCol(0, false);
        return;
      case 'P':  // DCH
        fb_.MutableRow(d.cursor_row)->DeleteCells(d.cursor_col, n1, bg());
        return;
      case 'S':  // SU
        Scroll(n1);
        return;
      case 'T':  // SD
        Scroll(-n1);
        return;
      case 'X': {  // ECH
        int end = std::min(d.cursor_col + n1, d.width);
        ClearRowRange(d.cursor_row, d.cursor_col, end);
        return;
      }
      case 'b': {  // REP (roam)
        char32_t c = d.last_graphic;
        if (c == 0) return;
        int w = CharWidth(c);
        if (w <= 0) return;
        for (int i = 0; i < n1; ++i) PrintWide(c, w);
        return;
      }
      case 'c':  // DA
        replies_ += "\x1b[?62c";
        return;
      case 'd':  // VPA
        MoveRow(n1 - 1, false);
        return;
      case 'g':  // TBC
        switch (s.Param(0, 0)) {
          case 0:
            d.tabs[static_cast<size_t>(d.cursor_col)] = false;
            break;
          case 3:
            d.default_tabs = false;
            std::fill(d.tabs.begin(), d.tabs.end(), false);
            break;
          default:
            break;
        }
        return;
      case 'h':
        SetMode(s, true);
        return;
      case 'l':
        SetMode(s, false);
        return;
      case 'm':
        SelectGraphicRendition(s);
        return;
      case 'n':  // DSR
        switch (s.Param(0, 0)) {
          case 5:
            replies_ += "\x1b[0n";
            break;
          case 6:
            replies_ += "\x1b[" + std::to_string(d.cursor_row + 1) + ";" +
                        std::to_string(d.cursor_col + 1) + "R";
            break;
          default:
            break;
        }
        return;
      case 'r': {  // DECSTBM
        int top = s.Param(0, 1);
        int bottom = s.Param(1, d.height);
        if (bottom <= top || top > d.height) return;
        SetScrollRegion(top - 1, bottom - 1);
        Home();
        return;
      }
      case 's':  // SCOSC (roam)
        SaveCursor(&d.saved_csi);
        return;
      case 'u':  // SCORC (roam)
        RestoreCursor(d.saved_csi);
        return;
      default:
        return;
    }
  }
  // Private markers / intermediates.
  if (s.IntermediatesAre("?")) {
    if (final == 'h' || final == 'l') {  // DECSET / DECRST keep the wrap
      for (int i = 0; i < s.ParamCount(); ++i) SetDecMode(s.Param(i, 0), final == 'h');
      return;
    }
    d.next_print_will_wrap = false;
    return;
  }
  d.next_print_will_wrap = false;
  if (s.IntermediatesAre(">") && final == 'c') {  // DA2
    replies_ += "\x1b[>1;10;0c";
  } else if (s.IntermediatesAre("!") && final == 'p') {  // DECSTR
    SoftReset();
  } else if (s.IntermediatesAre(" ") && final == 'q') {  // DECSCUSR (roam)
    int shape = s.Param(0, 0);
    if (shape <= kCursorSteadyBar) d.cursor_shape = shape;
  } else if (s.IntermediatesAre("?$") && final == 'p') {  // DECRQM, DEC modes
    ReportMode(s.RawParam(0), true);
  } else if (s.IntermediatesAre("$") && final == 'p') {  // DECRQM, ANSI modes
    ReportMode(s.RawParam(0), false);
  }
}

void Emulator::SetMode(const ParserState& s, bool on) {
  for (int i = 0; i < s.ParamCount(); ++i) {
    if (s.Param(i, 0) == 4) ds().insert_mode = on;
  }
}

void Emulator::SetDecMode(int mode, bool on) {
  DrawState& d = ds();
  switch (mode) {
    case 1:
      d.application_cursor_keys = on;
      return;
    case 3:  // DECCOLM: the width stays; clear and home
      Home();
      for (int r = 0; r < d.height; ++r) ResetRow(r);
      return;
    case 5:
      d.reverse_video = on;
      return;
    case 6:
      d.origin_mode = on;
      Home();
      return;
    case 7:
      d.autowrap = on;
      return;
    case 25:
      d.cursor_visible = on;
      return;
    case 9:
    case 1000:
    case 1001:
    case 1002:
    case 1003:
      d.mouse_reporting = on ? mode : kMouseNone;
      return;
    case 1004:
      d.mouse_focus_events = on;
      return;
    case 1005:
    case 1006:
    case 1015:
      d.mouse_encoding = on ? mode : kMouseEncodingDefault;
      return;
    case 1007:
      d.mouse_alternate_scroll = on;
      return;
    case 2004:
      d.bracketed_paste = on;
      return;
    // roam: alternate screen.
    case 47:
      SetAlternateScreen(on, false);
      return;
    case 1047:
      SetAlternateScreen(on, !on);
      return;
    case 1048:
      if (on) {
        SaveCursor(&d.saved_decsc);
      } else {
        RestoreCursor(d.saved_decsc);
      }
      return;
    case 1049:
      if (on) {
        if (d.alternate_screen) return;
        SaveCursor(&d.saved_1049);
        SetAlternateScreen(true, false);
        fb_.ClearScreen(bg());
      } else {
        if (!d.alternate_screen) return;
        SetAlternateScreen(false, false);
        RestoreCursor(d.saved_1049);
      }
      return;
    default:
      return;
  }
}

void Emulator::SetAlternateScreen(bool on, bool clear_alt) {
  DrawState& d = ds();
  if (d.alternate_screen == on) return;
  if (!on && clear_alt) fb_.ClearScreen(bg());
  fb_.SwapScreens();
  d.alternate_screen = on;
  // The combining cell belonged to the other screen.
  d.combining_row = -1;
  d.combining_col = -1;
}

void Emulator::ReportMode(int mode, bool dec) {
  const DrawState& d = fb_.ds();
  // 0 unknown, 1 set, 2 reset, 4 permanently reset.
  int value = 0;
  auto flag = [](bool on) { return on ? 1 : 2; };
  if (dec) {
    switch (mode) {
      case 1:
        value = flag(d.application_cursor_keys);
        break;
      case 3:
        value = 4;
        break;
      case 5:
        value = flag(d.reverse_video);
        break;
      case 6:
        value = flag(d.origin_mode);
        break;
      case 7:
        value = flag(d.autowrap);
        break;
      case 25:
        value = flag(d.cursor_visible);
        break;
      case 9:
      case 1000:
      case 1001:
      case 1002:
      case 1003:
        value = flag(d.mouse_reporting == mode);
        break;
      case 1004:
        value = flag(d.mouse_focus_events);
        break;
      case 1005:
      case 1006:
      case 1015:
        value = flag(d.mouse_encoding == mode);
        break;
      case 1007:
        value = flag(d.mouse_alternate_scroll);
        break;
      case 2004:
        value = flag(d.bracketed_paste);
        break;
      case 47:
      case 1047:
      case 1049:
        value = flag(d.alternate_screen);
        break;
      default:
        break;
    }
  } else {
    switch (mode) {
      case 4:
        value = flag(d.insert_mode);
        break;
      case 20:
        value = 4;
        break;  // LNM: never set
      default:
        break;
    }
  }
  replies_ += std::string(dec ? "\x1b[?" : "\x1b[") + std::to_string(std::max(mode, 0)) + ";" +
              std::to_string(value) + "$y";
}

void Emulator::EraseInDisplay(int mode) {
  DrawState& d = ds();
  switch (mode) {
    case 0:
      if (d.cursor_row == 0 && d.cursor_col == 0) ScrollScreenIntoScrollback();
      ClearRowRange(d.cursor_row, d.cursor_col, d.width);
      for (int r = d.cursor_row + 1; r < d.height; ++r) ResetRow(r);
      return;
    case 1:
      for (int r = 0; r < d.cursor_row; ++r) ResetRow(r);
      ClearRowRange(d.cursor_row, 0, d.cursor_col + 1);
      return;
    case 2:
      ScrollScreenIntoScrollback();
      for (int r = 0; r < d.height; ++r) ResetRow(r);
      return;
    case 3:  // roam: clear the scrollback only (Mosh ignores ED 3)
      // tmux erases the history of the screen shown, and the alternate
      // screen has none.
      if (options_.history_mode && d.alternate_screen) return;
      scrollback_.Clear();
      ++erase_count_;
      erased_below_ = scrollback_.end_number();
      return;
    default:
      return;
  }
}

void Emulator::EraseInLine(int mode) {
  DrawState& d = ds();
  switch (mode) {
    case 0:
      ClearRowRange(d.cursor_row, d.cursor_col, d.width);
      return;
    case 1:
      ClearRowRange(d.cursor_row, 0, d.cursor_col + 1);
      return;
    case 2:
      ResetRow(d.cursor_row);
      return;
    default:
      return;
  }
}

}  // namespace roam::term
