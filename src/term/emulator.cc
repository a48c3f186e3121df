// Emulator: input loop, printing, cursor motion, C0/C1 controls, ESC
// functions, OSC strings, resize and keystroke translation (see
// emulator.h). CSI functions are in csi_dispatch.cc, SGR in sgr.cc.

#include "term/emulator.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdio>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "base/check.h"
#include "term/unicode_width.h"

namespace roam::term {
namespace {

// DEC special graphics for 0x5F..0x7E.
constexpr char32_t kDecGraphics[32] = {
    0x00A0, 0x25C6, 0x2592, 0x2409, 0x240C, 0x240D, 0x240A, 0x00B0,  // _ ` a b c d e f
    0x00B1, 0x2424, 0x240B, 0x2518, 0x2510, 0x250C, 0x2514, 0x253C,  // g h i j k l m n
    0x23BA, 0x23BB, 0x2500, 0x23BC, 0x23BD, 0x251C, 0x2524, 0x2534,  // o p q r s t u v
    0x252C, 0x2502, 0x2264, 0x2265, 0x03C0, 0x2260, 0x00A3, 0x00B7,  // w x y z { | } ~
};

// Decodes one complete well-formed UTF-8 sequence of 2-4 bytes at `p`
// (always inlined: it runs once per character on the text fast path).
// Returns its length, or 0 if it is incomplete or invalid (the caller then
// goes through Utf8Decoder, which handles every such case).
[[gnu::always_inline]] inline size_t DecodeComplete(const char* p, const char* end, char32_t* cp) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  const size_t avail = static_cast<size_t>(end - p);
  const unsigned char b = u[0];
  auto cont = [](unsigned char x) { return (x & 0xC0) == 0x80; };
  if (b < 0xE0) {
    if (avail < 2 || !cont(u[1])) return 0;
    *cp = static_cast<char32_t>(((b & 0x1F) << 6) | (u[1] & 0x3F));
    return 2;
  }
  if (b < 0xF0) {
    if (avail < 3 || !cont(u[1]) || !cont(u[2])) return 0;
    if ((b == 0xE0 && u[1] < 0xA0) || (b == 0xED && u[1] > 0x9F)) return 0;
    *cp = static_cast<char32_t>(((b & 0x0F) << 12) | ((u[1] & 0x3F) << 6) | (u[2] & 0x3F));
    return 3;
  }
  if (avail < 4 || !cont(u[1]) || !cont(u[2]) || !cont(u[3])) return 0;
  if ((b == 0xF0 && u[1] < 0x90) || (b == 0xF4 && u[1] > 0x8F)) return 0;
  *cp = static_cast<char32_t>(((b & 0x07) << 18) | ((u[1] & 0x3F) << 12) | ((u[2] & 0x3F) << 6) |
                              (u[3] & 0x3F));
  return 4;
}

bool IsPrintableAscii(char c) {
  return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7F;
}

// For the eight bytes at `p`, read as one little-endian word: a mask with
// the high bit of each byte that is not printable ASCII (< 0x20 or > 0x7E)
// set, and no others below the first such byte. Nonzero iff one of them is
// out of range, and the lowest set bit lies in exactly the first byte out of
// range: borrows and carries only move upwards from a byte that is out of
// range itself. (Bytes above that one may be flagged spuriously.)
uint64_t NotPrintableAscii8(const char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101;
  constexpr uint64_t kHigh = 0x8080808080808080;
  uint64_t x;
  std::memcpy(&x, p, sizeof(x));
  if constexpr (std::endian::native == std::endian::big) x = __builtin_bswap64(x);
  const uint64_t below = (x - kOnes * 0x20) & ~x;  // < 0x20 (or >= 0x80)
  const uint64_t above = (x + kOnes) | x;          // > 0x7E
  return (below | above) & kHigh;
}

// Returns the end of the run of printable ASCII bytes (0x20..0x7E) that
// starts at `p`: the first byte out of range, or `end`. The first bytes go
// one by one (short runs such as `seq` lines end there), then eight at a
// time while all eight are in range, then one by one again.
const char* ScanPrintableAscii(const char* p, const char* end) {
  const char* const first = end - p > 8 ? p + 8 : end;
  while (p < first && IsPrintableAscii(*p)) ++p;
  if (p != first) return p;
  while (end - p >= 8 && NotPrintableAscii8(p) == 0) p += 8;
  while (p < end && IsPrintableAscii(*p)) ++p;
  return p;
}

// The cell bytes of Cell(b, rend) for an ASCII byte b are those of
// Cell(0, rend) with b in the low byte of the first eight: the code point
// is the first member and nothing else overlaps it (little-endian).
constexpr bool kCellCodePointFirst =
    std::endian::native == std::endian::little &&
    std::bit_cast<std::array<uint32_t, 4>>(Cell(0x41, Rendition{1, 2, 3, 4})) ==
        std::array<uint32_t, 4>{0x41, 1, 2, 3 | (4 << 16)};

// Stores Cell(b, rend) at cells[0], cells[1], ... for the bytes b of
// [p, stop) while they are printable ASCII. Returns where it stopped: the
// first byte that is not printable ASCII, or `stop`. `cells` has room for
// stop - p cells.
const char* StorePrintableAscii(const char* p, const char* stop, Cell* cells,
                                const Rendition& rend) {
  if constexpr (!kCellCodePointFirst) {
    for (; p < stop && IsPrintableAscii(*p); ++p) {
      *cells++ = Cell(static_cast<unsigned char>(*p), rend);
    }
    return p;
  } else {
    // A lone character (between controls, escape sequences or non-ASCII
    // text) needs none of the set-up below.
    if (stop - p >= 2 && !IsPrintableAscii(p[1])) {
      if (!IsPrintableAscii(p[0])) return p;
      *cells = Cell(static_cast<unsigned char>(p[0]), rend);
      return p + 1;
    }
    const Cell blank_code(0, rend);
    uint64_t head;  // code point and fg
    uint64_t tail;  // bg, attrs, link
    std::memcpy(&head, &blank_code, sizeof(head));
    std::memcpy(&tail, reinterpret_cast<const char*>(&blank_code) + sizeof(head), sizeof(tail));
    // Stores `count` cells for p[0, count), all known printable.
    auto store = [&](size_t count) {
      for (size_t i = 0; i < count; ++i) {
        const uint64_t code_fg = head | static_cast<unsigned char>(p[i]);
        char* const out = reinterpret_cast<char*>(cells + i);
        std::memcpy(out, &code_fg, sizeof(code_fg));
        std::memcpy(out + sizeof(code_fg), &tail, sizeof(tail));
      }
    };
#if defined(__SSE2__)
    // Sixteen bytes at a time: check them, widen each to 32 bits and
    // interleave with the rendition into sixteen cells. A block with a
    // byte that is not printable stores the cells before it and ends.
    const __m128i zero = _mm_setzero_si128();
    const __m128i below = _mm_set1_epi8(0x20);
    const __m128i above = _mm_set1_epi8(0x7E);
    const __m128i fg = _mm_set1_epi32(static_cast<int>(rend.fg));
    const __m128i rest = _mm_set1_epi64x(static_cast<long long>(tail));
    while (stop - p >= 16) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      // Bytes >= 0x80 are negative as signed bytes, so below 0x20 too.
      const int bad =
          _mm_movemask_epi8(_mm_or_si128(_mm_cmplt_epi8(x, below), _mm_cmpgt_epi8(x, above)));
      if (bad != 0) {
        const size_t count = static_cast<size_t>(std::countr_zero(static_cast<unsigned>(bad)));
        store(count);
        return p + count;
      }
      const __m128i lo = _mm_unpacklo_epi8(x, zero);
      const __m128i hi = _mm_unpackhi_epi8(x, zero);
      const __m128i quads[4] = {_mm_unpacklo_epi16(lo, zero), _mm_unpackhi_epi16(lo, zero),
                                _mm_unpacklo_epi16(hi, zero), _mm_unpackhi_epi16(hi, zero)};
      auto* out = reinterpret_cast<__m128i*>(cells);
      for (int j = 0; j < 4; ++j) {
        const __m128i first = _mm_unpacklo_epi32(quads[j], fg);   // b0 fg b1 fg
        const __m128i second = _mm_unpackhi_epi32(quads[j], fg);  // b2 fg b3 fg
        _mm_storeu_si128(out + 4 * j, _mm_unpacklo_epi64(first, rest));
        _mm_storeu_si128(out + 4 * j + 1, _mm_unpackhi_epi64(first, rest));
        _mm_storeu_si128(out + 4 * j + 2, _mm_unpacklo_epi64(second, rest));
        _mm_storeu_si128(out + 4 * j + 3, _mm_unpackhi_epi64(second, rest));
      }
      p += 16;
      cells += 16;
    }
#endif
    // Eight bytes at a time, checked as one word.
    while (stop - p >= 8) {
      const uint64_t bad = NotPrintableAscii8(p);
      if (bad != 0) {
        const size_t count = static_cast<size_t>(std::countr_zero(bad) / 8);
        store(count);
        return p + count;
      }
      store(8);
      p += 8;
      cells += 8;
    }
    size_t count = 0;
    while (p + count < stop && IsPrintableAscii(p[count])) ++count;
    store(count);
    return p + count;
  }
}

char32_t TranslateCharset(Charset cs, char32_t c) {
  if (cs == Charset::kDecSpecial && c >= 0x5F && c <= 0x7E) return kDecGraphics[c - 0x5F];
  if (cs == Charset::kUnitedKingdom && c == '#') return 0x00A3;
  return c;
}

}  // namespace

Emulator::Emulator(int cols, int rows, EmulatorOptions options)
    : options_(options), fb_(cols, rows), scrollback_(options.scrollback_lines) {
  ROAM_CHECK(cols >= 1 && rows >= 1 && cols <= kMaxDimension && rows <= kMaxDimension);
}

Emulator::Emulator(Framebuffer fb, EmulatorOptions options)
    : options_(options), fb_(std::move(fb)), scrollback_(options.scrollback_lines) {
  ROAM_CHECK(fb_.width() <= kMaxDimension && fb_.height() <= kMaxDimension);
}

void Emulator::Write(std::string_view host_bytes) {
  const char* p = host_bytes.data();
  const char* const end = p + host_bytes.size();
  auto step = [this](char32_t cp) { parser_.Step(cp, *this); };
  while (p < end) {
    if (parser_.in_ground() && decoder_.idle()) {
      if (IsPrintableAscii(*p)) {
        p = PrintAsciiRun(p, end);
        continue;
      }
      // C0 controls other than ESC execute directly in ground state (the
      // parser would do just that, CAN and SUB included).
      const unsigned char b = static_cast<unsigned char>(*p);
      // CR and LF as Execute would do them, without its dispatch.
      if (b == '\r') {
        MoveCol(0, false);
        ++p;
        continue;
      }
      if (b == '\n') {
        LineFeed();
        ++p;
        continue;
      }
      if (b < 0x20 && b != 0x1B) {
        Execute(b);
        ++p;
        continue;
      }
      // A complete "ESC [ digits/semicolons final" sequence dispatches
      // directly, exactly as the parser would.
      if (b == 0x1B && end - p >= 3 && p[1] == '[') {
        size_t len = FastCsi(p, end);
        if (len != 0) {
          p += len;
          continue;
        }
      }
      // Complete, valid multi-byte characters >= U+00A0 print directly
      // (the parser would pass them straight to Print).
      if (b >= 0xC2 && b <= 0xF4) {
        size_t len = PrintText(p, end);
        if (len == 0) {
          char32_t cp = 0;
          len = DecodeComplete(p, end, &cp);
          if (len != 0 && cp >= 0xA0) {
            Print(cp);
          } else {
            len = 0;
          }
        }
        if (len != 0) {
          p += len;
          continue;
        }
      }
    } else if (decoder_.idle() && static_cast<unsigned char>(*p) < 0x80) {
      parser_.Step(static_cast<unsigned char>(*p++), *this);
      continue;
    }
    decoder_.Feed(static_cast<uint8_t>(*p++), step);
  }
}

size_t Emulator::FastCsi(const char* p, const char* end) {
  ParserState* s = parser_.mutable_state();
  const char* q = p + 2;
  while (q < end && ((*q >= '0' && *q <= '9') || *q == ';')) ++q;
  if (q == end || *q < 0x40 || *q > 0x7E) return 0;  // anything else: parser
  s->Clear();
  const char* r = p + 2;
  if (q - r > ParserState::kMaxParamChars) {
    // Over-long: PushParamChar applies the character limit.
    for (; r < q; ++r) Parser::PushParamChar(s, static_cast<unsigned char>(*r));
  } else if (r < q) {
    // What PushParamChar does for each of these characters (digits and ';'
    // only, within the limit), with the current value kept in a register:
    // every parameter starts missing (-1), digits accumulate saturating at
    // kParamMax + 1, ';' closes a parameter (never a sub-parameter).
    s->param_chars = static_cast<int>(q - r);
    int n = 0;
    int32_t v = -1;
    for (; r < q; ++r) {
      if (*r == ';') {
        s->params[n] = v;
        s->sub_param[n] = false;
        ++n;
        v = -1;
        continue;
      }
      const int32_t digit = *r - '0';
      v = v < 0 ? digit : v * 10 + digit;
      if (v > ParserState::kParamMax) v = ParserState::kParamMax + 1;
    }
    s->params[n] = v;
    s->sub_param[n] = false;
    s->num_params = n + 1;
  }
  CsiDispatch(*s, static_cast<unsigned char>(*q));
  return static_cast<size_t>(q + 1 - p);
}

std::string Emulator::TakeReplies() {
  std::string out;
  out.swap(replies_);
  return out;
}

bool Emulator::Resize(int cols, int rows) {
  if (cols < 1 || rows < 1 || cols > kMaxDimension || rows > kMaxDimension) return false;
  const DrawState& d = fb_.ds();
  if (options_.history_mode && rows < d.height && !d.alternate_screen) {
    // tmux: the rows below the cursor go first (whatever they hold), then
    // rows leave the top into the history, so the cursor's row stays.
    const int shrink = d.height - rows;
    const int below = std::min(shrink, d.height - 1 - d.cursor_row);
    const int off_top = shrink - below;
    if (off_top > 0) {
      const uint64_t first = scrollback_.end_number();
      for (int i = 0; i < off_top; ++i) fb_.ScrollUp(bg(), ScrollbackFor(0));
      ds().cursor_row -= off_top;
      if (ds().combining_row >= off_top) {
        ds().combining_row -= off_top;
      } else {
        ds().combining_row = ds().combining_col = -1;
      }
      if (ScrollbackFor(0) != nullptr) {
        if (resize_pushes_.size() == kResizePushesKept) {
          resize_pushes_.erase(resize_pushes_.begin());
        }
        resize_pushes_.push_back(LineRange{first, scrollback_.end_number()});
      }
    }
  }
  fb_.Resize(cols, rows);
  return true;
}

std::string Emulator::TranslateUserInput(std::string_view keys) {
  std::string out;
  out.reserve(keys.size() + 2);
  for (char c : keys) {
    switch (input_state_) {
      case 0:
        if (c == '\x1b') input_state_ = 1;
        out.push_back(c);
        break;
      case 1:
        if (c == 'O') {
          input_state_ = 2;  // hold the 'O' until the next byte
        } else {
          input_state_ = 0;
          out.push_back(c);
        }
        break;
      default:
        input_state_ = 0;
        if (!fb_.ds().application_cursor_keys && c >= 'A' && c <= 'D') {
          out.push_back('[');
        } else {
          out.push_back('O');
        }
        out.push_back(c);
        break;
    }
  }
  return out;
}

// ---- Cursor motion (Mosh DrawState semantics) ----

void Emulator::SnapCursor() {
  DrawState& d = ds();
  d.cursor_col = std::clamp(d.cursor_col, 0, d.width - 1);
  d.cursor_row = std::clamp(d.cursor_row, d.LimitTop(), d.LimitBottom());
}

void Emulator::NewGrapheme() {
  DrawState& d = ds();
  d.combining_row = d.cursor_row;
  d.combining_col = d.cursor_col;
}

void Emulator::MoveRow(int n, bool relative) {
  DrawState& d = ds();
  d.cursor_row = relative ? d.cursor_row + n : n + d.LimitTop();
  SnapCursor();
  NewGrapheme();
  d.next_print_will_wrap = false;
}

void Emulator::MoveCol(int n, bool relative) {
  DrawState& d = ds();
  d.cursor_col = relative ? d.cursor_col + n : n;
  SnapCursor();
  NewGrapheme();
  d.next_print_will_wrap = false;
}

// The cursor advance after printing: the combining cell becomes the cell
// just printed, and running off the right edge sets the pending wrap.
void Emulator::MoveColImplicit(int n) {
  DrawState& d = ds();
  NewGrapheme();
  d.cursor_col += n;
  d.next_print_will_wrap = d.cursor_col >= d.width;
  SnapCursor();
}

void Emulator::Autoscroll(int n) {
  DrawState& d = ds();
  if (d.cursor_row < d.scroll_top || d.cursor_row > d.scroll_bottom) {
    MoveRow(n, true);
    return;
  }
  if (d.cursor_row + n > d.scroll_bottom) {
    int excess = d.cursor_row + n - d.scroll_bottom;
    Scroll(excess);
    MoveRow(-excess, true);
  } else if (d.cursor_row + n < d.scroll_top) {
    int excess = d.cursor_row + n - d.scroll_top;
    Scroll(excess);
    MoveRow(-excess, true);
  }
  MoveRow(n, true);
}

void Emulator::Scroll(int n) {
  const DrawState& d = fb_.ds();
  if (n >= 0) {
    fb_.DeleteLines(d.scroll_top, n, d.scroll_top, d.scroll_bottom, bg(),
                    ScrollbackFor(d.scroll_top));
  } else {
    fb_.InsertLines(d.scroll_top, -n, d.scroll_top, d.scroll_bottom, bg());
  }
}

void Emulator::LineFeed() {
  DrawState& d = ds();
  d.next_print_will_wrap = false;
  if (d.cursor_row == d.scroll_bottom && d.scroll_top == 0 && d.scroll_bottom == d.height - 1 &&
      d.height >= 2) {
    // Fast path for Autoscroll(1) on the bottom row of a full-screen
    // region (every line of scrolling output). Autoscroll would Scroll(1),
    // then MoveRow(-1) and MoveRow(+1): with height >= 2 the row bottom-1
    // is within [LimitTop, LimitBottom] in either origin mode, so the
    // cursor ends on the bottom row again, its column snapped, the
    // combining cell at the cursor and no pending wrap.
    fb_.ScrollUp(bg(), ScrollbackFor(0));
    d.cursor_col = std::clamp(d.cursor_col, 0, d.width - 1);
    NewGrapheme();
    return;
  }
  Autoscroll(1);
}

void Emulator::Tab(int count) {
  DrawState& d = ds();
  int col = -1;
  if (count >= 0) {
    for (int i = d.cursor_col + 1; i < d.width; ++i) {
      if (d.tabs[static_cast<size_t>(i)] && --count == 0) {
        col = i;
        break;
      }
    }
    if (col == -1) col = d.width - 1;
  } else {
    col = 0;
    for (int i = d.cursor_col - 1; i > 0; --i) {
      if (d.tabs[static_cast<size_t>(i)] && ++count == 0) {
        col = i;
        break;
      }
    }
  }
  // Tabs keep (but never set) the pending wrap.
  bool wrap = d.next_print_will_wrap;
  MoveCol(col, false);
  d.next_print_will_wrap = wrap;
}

void Emulator::SetScrollRegion(int top, int bottom) {
  DrawState& d = ds();
  d.scroll_top = std::max(top, 0);
  d.scroll_bottom = std::min(bottom, d.height - 1);
  if (d.scroll_bottom < d.scroll_top) d.scroll_bottom = d.scroll_top;
  if (d.origin_mode) SnapCursor();
  NewGrapheme();
}

void Emulator::ClearRowRange(int row, int begin, int end) {
  // Erasing one half of a wide character erases all of it (xterm; tmux and
  // libvterm show both columns blank too), unless the emulator follows
  // Mosh's rule (EmulatorOptions::mosh_wide_erase).
  if (!options_.mosh_wide_erase) {
    const Row& r = fb_.row(row);
    if (begin > 0 && begin < r.width() && r.cell(begin - 1).wide()) --begin;
    if (end > 0 && end < r.width() && r.cell(end - 1).wide()) ++end;
  }
  fb_.MutableRow(row)->ResetRange(begin, end, bg());
}

void Emulator::ResetRow(int row) { fb_.MutableRow(row)->Reset(bg()); }

void Emulator::SaveCursor(SavedCursor* slot) const {
  const DrawState& d = fb_.ds();
  slot->row = d.cursor_row;
  slot->col = d.cursor_col;
  slot->rend = d.rend;
  slot->autowrap = d.autowrap;
  slot->origin_mode = d.origin_mode;
  slot->charsets[0] = d.charsets[0];
  slot->charsets[1] = d.charsets[1];
  slot->active_charset = d.active_charset;
}

void Emulator::RestoreCursor(const SavedCursor& slot) {
  DrawState& d = ds();
  d.cursor_row = slot.row;
  d.cursor_col = slot.col;
  d.rend = slot.rend;
  d.autowrap = slot.autowrap;
  d.origin_mode = slot.origin_mode;
  d.charsets[0] = slot.charsets[0];
  d.charsets[1] = slot.charsets[1];
  d.active_charset = slot.active_charset;
  SnapCursor();
  NewGrapheme();
  d.next_print_will_wrap = false;
}

void Emulator::ScrollScreenIntoScrollback() {
  Scrollback* scrollback = ScrollbackFor(0);
  if (!options_.history_mode || scrollback == nullptr) return;
  int last = 0;  // rows [0, last) hold something
  for (int r = fb_.height(); r > 0 && last == 0; --r) {
    const Row& row = fb_.row(r - 1);
    for (int c = 0; c < std::min(row.used(), row.width()); ++c) {
      if (!row.cell(c).pristine()) {
        last = r;
        break;
      }
    }
  }
  for (int i = 0; i < last; ++i) fb_.ScrollUp(bg(), scrollback);
}

void Emulator::FullReset() {
  ScrollScreenIntoScrollback();
  uint64_t bells = fb_.bell_count();
  fb_ = Framebuffer(fb_.width(), fb_.height());
  fb_.set_bell_count(bells);
}

void Emulator::SoftReset() {
  DrawState& d = ds();
  d.insert_mode = false;
  d.origin_mode = false;
  d.cursor_visible = true;
  d.application_cursor_keys = false;
  SetScrollRegion(0, d.height - 1);
  d.rend = Rendition();
  d.saved_decsc = SavedCursor();
  d.charsets[0] = d.charsets[1] = Charset::kAscii;
  d.active_charset = 0;
}

// ---- Printing ----

[[gnu::always_inline]] inline const char* Emulator::PrintAsciiRun(const char* p, const char* end) {
  DrawState& d = ds();
  if (d.insert_mode || d.charsets[d.active_charset] != Charset::kAscii) {
    const char* const run_end = ScanPrintableAscii(p + 1, end);
    for (; p < run_end; ++p) Print(static_cast<unsigned char>(*p));
    return run_end;
  }
  const Rendition rend = d.rend;
  const bool plain = rend.IsDefault();  // the cells stored are plain ASCII
  const int width = d.width;
  for (;;) {
    if (d.next_print_will_wrap && d.autowrap) {
      fb_.MutableRow(d.cursor_row)->set_wrap(true);
      MoveCol(0, false);
      Autoscroll(1);
    }
    // Scanning and storing go together, up to the end of the row.
    Row* row = fb_.MutableRow(d.cursor_row);
    const int col = d.cursor_col;
    const char* const row_stop = p + std::min(end - p, static_cast<std::ptrdiff_t>(width - col));
    const char* const q = StorePrintableAscii(p, row_stop, row->cell_data() + col, rend);
    const int cell_end = col + static_cast<int>(q - p);
    row->NoteWritten(col, cell_end, plain);
    if (cell_end == width) row->set_wrap(false);
    d.combining_row = d.cursor_row;
    d.combining_col = cell_end - 1;
    d.next_print_will_wrap = cell_end >= width;
    d.cursor_col = cell_end >= width ? width - 1 : cell_end;
    SnapCursor();
    p = q;
    if (q != row_stop || q == end || !IsPrintableAscii(*q)) {
      d.last_graphic = static_cast<unsigned char>(q[-1]);
      return q;
    }
    if (!d.autowrap) {
      // Without autowrap every further character lands in the last column;
      // only the final one remains.
      const char* const run_end = ScanPrintableAscii(q, end);
      const char32_t last = static_cast<unsigned char>(run_end[-1]);
      row->mutable_cell(width - 1) = Cell(last, rend);
      d.combining_col = width - 1;
      d.last_graphic = last;
      return run_end;
    }
  }
}

size_t Emulator::PrintText(const char* p, const char* end) {
  DrawState& d = ds();
  if (d.insert_mode || d.charsets[d.active_charset] != Charset::kAscii) return 0;
  const Rendition rend = d.rend;
  const Cell blank = Cell::Blank(rend.bg);
  // Nothing below changes the width or the autowrap mode; as locals they
  // need not be reloaded after every cell store.
  const int width = d.width;
  const bool autowrap = d.autowrap;
  const char* q = p;
  Row* row = nullptr;
  while (q < end) {
    const unsigned char b = static_cast<unsigned char>(*q);
    if (b < 0xC2 || b > 0xF4) break;
    char32_t cp = 0;
    const size_t len = DecodeComplete(q, end, &cp);
    if (len == 0 || cp < 0xA0) break;
    const int w = CharWidth(cp);
    if (w <= 0) break;         // combining and unprintable: the general path
    if (q == p) SnapCursor();  // as the first print's cursor advance would
    q += len;
    if (autowrap && d.next_print_will_wrap) {
      fb_.MutableRow(d.cursor_row)->set_wrap(true);
      MoveCol(0, false);
      Autoscroll(1);
      row = nullptr;
    } else if (w == 2 && d.cursor_col == width - 1) {
      PrintWide(cp, w);  // wraps first, or (without autowrap) drops it
      row = nullptr;
      continue;
    }
    if (row == nullptr) {
      row = fb_.MutableRow(d.cursor_row);
      // Until the row changes, every cell stored is at or after the cursor
      // column (which only advances) and none is plain ASCII.
      row->NoteWritten(d.cursor_col, d.cursor_col + 1, false);
    }
    const int col = d.cursor_col;
    Cell* const cells = row->cell_data();
    Cell cell(cp, rend);
    cell.set_wide(w == 2);
    cells[col] = cell;
    if (w == 2) {
      if (col + 1 < width) cells[col + 1] = blank;
      row->NoteUsed(std::min(col + 2, width));
      if (col + 2 >= width) row->set_wrap(false);
    } else {
      row->NoteUsed(col + 1);
      if (col + 1 == width) row->set_wrap(false);
    }
    d.combining_row = d.cursor_row;
    d.combining_col = col;
    d.last_graphic = cp;
    const int next = col + w;
    d.next_print_will_wrap = next >= width;
    d.cursor_col = next >= width ? width - 1 : next;
  }
  return static_cast<size_t>(q - p);
}

void Emulator::Print(char32_t c) {
  const DrawState& d = fb_.ds();
  if (c < 0x80) c = TranslateCharset(d.charsets[d.active_charset], c);
  int w = CharWidth(c);
  if (w < 0) return;
  if (w == 0) {
    PrintCombining(c);
  } else {
    PrintWide(c, w);
  }
}

void Emulator::PrintWide(char32_t c, int w) {
  DrawState& d = ds();
  d.last_graphic = c;
  if (!d.autowrap && w == 2 && d.cursor_col == d.width - 1) {
    // No room for both halves and no wrap: the character is not printed
    // and the cursor stays (xterm, tmux). Storing it in the last column
    // alone would be a half character.
    return;
  }
  if (d.autowrap && d.next_print_will_wrap) {
    fb_.MutableRow(d.cursor_row)->set_wrap(true);
    MoveCol(0, false);
    Autoscroll(1);
  } else if (d.autowrap && w == 2 && d.cursor_col == d.width - 1) {
    // A wide character never starts in the last column: clear it, no soft
    // wrap mark, continue on the next line.
    Row* row = fb_.MutableRow(d.cursor_row);
    row->ResetRange(d.cursor_col, d.cursor_col + 1, bg());
    row->set_wrap(false);
    MoveCol(0, false);
    Autoscroll(1);
  }
  Row* row = fb_.MutableRow(d.cursor_row);
  const int col = d.cursor_col;
  if (d.insert_mode) row->InsertCells(col, w, bg());
  Cell& cell = row->mutable_cell(col);
  cell = Cell(c, d.rend);
  cell.set_wide(w == 2);
  if (col == d.width - 1) row->set_wrap(false);
  if (w == 2 && col + 1 < d.width) row->ResetRange(col + 1, col + 2, bg());
  MoveColImplicit(w);
}

void Emulator::PrintCombining(char32_t c) {
  DrawState& d = ds();
  const int r = d.combining_row;
  const int col = d.combining_col;
  if (r < 0 || col < 0 || r >= d.height || col >= d.width) return;
  Row* row = fb_.MutableRow(r);
  if (row->cell(col).empty()) {
    // A combining character with nothing to combine with starts a
    // "fallback" cell of its own.
    row->mutable_cell(col).set_fallback(true);
    MoveColImplicit(1);
  }
  row->AppendCombining(col, c);
}

// ---- Controls ----

void Emulator::Execute(char32_t c) {
  DrawState& d = ds();
  switch (c) {
    case 0x07:  // BEL
      d.next_print_will_wrap = false;
      fb_.RingBell();
      return;
    case 0x08:  // BS
      MoveCol(-1, true);
      return;
    case 0x09:  // HT
      Tab(1);
      return;
    case 0x0A:  // LF
    case 0x0B:  // VT
    case 0x0C:  // FF
    case 0x84:  // IND
      LineFeed();
      return;
    case 0x0D:  // CR
      MoveCol(0, false);
      return;
    case 0x0E:  // SO (roam: select G1)
      d.next_print_will_wrap = false;
      d.active_charset = 1;
      return;
    case 0x0F:  // SI (roam: select G0)
      d.next_print_will_wrap = false;
      d.active_charset = 0;
      return;
    case 0x85:  // NEL
      MoveCol(0, false);
      Autoscroll(1);
      return;
    case 0x88:  // HTS
      d.next_print_will_wrap = false;
      d.tabs[static_cast<size_t>(d.cursor_col)] = true;
      return;
    case 0x8D:  // RI
      d.next_print_will_wrap = false;
      Autoscroll(-1);
      return;
    default:  // unknown controls are ignored but clear the pending wrap
      d.next_print_will_wrap = false;
      return;
  }
}

void Emulator::EscDispatch(const ParserState& s, char32_t final) {
  if (s.num_intermediates == 0 && final >= 0x40 && final <= 0x5F) {
    Execute(final + 0x40);  // ESC D = IND, ESC E = NEL, ESC H = HTS, ESC M = RI
    return;
  }
  DrawState& d = ds();
  d.next_print_will_wrap = false;
  if (s.num_intermediates == 0) {
    switch (final) {
      case '7':
        SaveCursor(&d.saved_decsc);
        return;
      case '8':
        RestoreCursor(d.saved_decsc);
        return;
      case 'c':
        FullReset();
        return;
      case '=':
        d.application_keypad = true;
        return;
      case '>':
        d.application_keypad = false;
        return;
      default:
        return;
    }
  }
  if (s.num_intermediates != 1) return;
  const char i = s.intermediates[0];
  if (i == '#' && final == '8') {  // DECALN
    const Color background = bg();
    for (int r = 0; r < d.height; ++r) {
      Row* row = fb_.MutableRow(r);
      row->Reset(background);
      for (int col = 0; col < d.width; ++col) {
        row->mutable_cell(col) = Cell('E', Rendition::Background(background));
      }
    }
  } else if (i == '(' || i == ')') {
    Charset cs = final == '0'   ? Charset::kDecSpecial
                 : final == 'A' ? Charset::kUnitedKingdom
                                : Charset::kAscii;
    d.charsets[i == '(' ? 0 : 1] = cs;
  }
}

// ---- OSC ----

namespace {

// Byte offset of the `n`th code point of UTF-8 `s` (s.size() if fewer).
size_t Utf8Offset(std::string_view s, size_t n) {
  size_t i = 0;
  for (; i < s.size() && n > 0; --n) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  }
  return i;
}

// xterm's OSC 52 selection letters: c (clipboard), p (primary), q
// (secondary), s (select) and cut buffers 0-7; empty means the default.
bool IsClipboardSelection(std::string_view s) {
  for (char c : s) {
    if (c != 'c' && c != 'p' && c != 'q' && c != 's' && (c < '0' || c > '7')) return false;
  }
  return true;
}

// RFC 4648 base64 with padding: groups of four characters from the standard
// alphabet, '=' only as the last one or two. Empty is valid (it clears).
bool IsStrictBase64(std::string_view s) {
  if (s.size() % 4 != 0) return false;
  size_t padding = 0;
  if (!s.empty() && s.back() == '=') padding = s.size() >= 2 && s[s.size() - 2] == '=' ? 2 : 1;
  for (size_t i = 0; i < s.size() - padding; ++i) {
    const char c = s[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/';
    if (!ok) return false;
  }
  return true;
}

// Parses a decimal number at the start of `s` up to ';'. Returns -1 if
// `s` does not start with digits followed by ';' or the end.
int OscNumber(std::string_view s, size_t* after) {
  size_t i = 0;
  int v = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i < 6) v = v * 10 + (s[i++] - '0');
  if (i == 0 || (i < s.size() && s[i] != ';')) return -1;
  *after = i < s.size() ? i + 1 : i;
  return v;
}

}  // namespace

void Emulator::OscDispatch(const ParserState& s) {
  std::string_view osc = s.osc;
  const char* terminator = s.osc_bel ? "\a" : "\x1b\\";
  // Titles exactly as Mosh: "0;t", "1;t", "2;t" or ";t"; at most the first
  // 256 characters of the whole string (prefix included) are kept.
  if (osc.empty()) return;
  int cmd = -1;
  size_t offset = 0;
  if (osc[0] == ';') {
    cmd = 0;
    offset = 1;
  } else if (osc.size() >= 2 && osc[1] == ';') {
    cmd = osc[0] - '0';
    offset = 2;
  }
  if (osc.rfind("52;", 0) == 0) {
    std::string_view rest = osc.substr(3);
    size_t semi = rest.find(';');
    if (semi == std::string_view::npos) return;
    std::string_view selection = rest.substr(0, semi);
    std::string_view data = rest.substr(semi + 1);
    // Only a write of strict base64 to known selections is stored (and so
    // forwarded); a read request ("?") or anything else is dropped.
    if (!IsClipboardSelection(selection) || !IsStrictBase64(data)) return;
    fb_.set_clipboard(std::string(data), std::string(selection));
    return;
  }
  if (cmd == 0 || cmd == 1 || cmd == 2) {
    fb_.set_title_initialized(true);
    size_t end = std::max(Utf8Offset(osc, 256), offset);
    std::string title(osc.substr(offset, end - offset));
    if (cmd != 2) fb_.set_icon_name(title);
    if (cmd != 1) fb_.set_title(std::move(title));
    return;
  }
  size_t after = 0;
  int code = OscNumber(osc, &after);
  std::string_view rest = osc.substr(after);
  switch (code) {
    case 8:
      OscHyperlink(rest);
      return;
    case 4:
    case 10:
    case 11:
      OscColorQuery(code, rest, terminator);
      return;
    default:
      return;
  }
}

void Emulator::OscHyperlink(std::string_view rest) {
  // "params;uri": params are key=value pairs separated by ':'.
  size_t semi = rest.find(';');
  if (semi == std::string_view::npos) return;
  std::string_view params = rest.substr(0, semi);
  std::string_view uri = rest.substr(semi + 1);
  DrawState& d = ds();
  if (uri.empty() || !options_.keep_links) {
    d.rend.link = 0;
    return;
  }
  Hyperlink link;
  while (!params.empty()) {
    size_t colon = params.find(':');
    std::string_view kv = params.substr(0, colon);
    if (kv.rfind("id=", 0) == 0) link.id = std::string(kv.substr(3));
    if (colon == std::string_view::npos) break;
    params.remove_prefix(colon + 1);
  }
  link.uri = std::string(uri);
  d.rend.link = fb_.InternLink(link);
}

namespace {

// xterm's 256-colour palette as 0xRRGGBB.
uint32_t PaletteRgb(int n) {
  static constexpr uint32_t kBase[16] = {
      0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
      0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
  };
  if (n < 16) return kBase[n];
  if (n < 232) {
    int i = n - 16;
    auto level = [](int v) { return v == 0 ? 0 : 55 + 40 * v; };
    return static_cast<uint32_t>(level(i / 36) << 16 | level((i / 6) % 6) << 8 | level(i % 6));
  }
  int g = 8 + 10 * (n - 232);
  return static_cast<uint32_t>(g << 16 | g << 8 | g);
}

std::string RgbSpec(uint32_t rgb) {
  char buf[32];
  unsigned r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
  std::snprintf(buf, sizeof buf, "rgb:%02x%02x/%02x%02x/%02x%02x", r, r, g, g, b, b);
  return buf;
}

}  // namespace

void Emulator::OscColorQuery(int code, std::string_view rest, const char* terminator) {
  // Only queries are handled; setting colours is ignored (the screen model
  // has no palette).
  if (code == 4) {
    // "n;?;m;?..."
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      if (semi == std::string_view::npos) return;
      std::string_view num = rest.substr(0, semi);
      rest.remove_prefix(semi + 1);
      size_t next = rest.find(';');
      std::string_view spec = rest.substr(0, next);
      rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
      int n = 0;
      if (num.empty() || num.size() > 3) continue;
      bool digits = true;
      for (char ch : num) {
        if (ch < '0' || ch > '9') digits = false;
        n = n * 10 + (ch - '0');
      }
      if (!digits || n > 255 || spec != "?") continue;
      replies_ += "\x1b]4;" + std::to_string(n) + ";" + RgbSpec(PaletteRgb(n)) + terminator;
    }
    return;
  }
  // 10;?[;?] and 11;?: each '?' queries the next dynamic colour.
  int current = code;
  while (!rest.empty() && current <= 11) {
    size_t semi = rest.find(';');
    std::string_view spec = rest.substr(0, semi);
    if (spec == "?") {
      uint32_t rgb =
          current == 10 ? options_.default_foreground_rgb : options_.default_background_rgb;
      replies_ += "\x1b]" + std::to_string(current) + ";" + RgbSpec(rgb) + terminator;
    }
    ++current;
    if (semi == std::string_view::npos) break;
    rest.remove_prefix(semi + 1);
  }
}

}  // namespace roam::term
