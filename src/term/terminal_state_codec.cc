// TerminalStateCodec: full emulator state to bytes and back (format in
// terminal_state_codec.h).

#include "term/terminal_state_codec.h"

#include <utility>
#include <vector>

#include "base/byte_reader.h"
#include "base/byte_writer.h"

namespace roam::term {
namespace {

// Every field of these is written and read below. A size change means a
// field was added or removed: extend the format (and the version) first.
// (Sizes are those of 64-bit libstdc++, which both supported compilers use.)
static_assert(sizeof(void*) != 8 || sizeof(DrawState) == 232, "DrawState changed");
static_assert(sizeof(SavedCursor) == 28, "SavedCursor changed");
static_assert(sizeof(void*) != 8 || sizeof(ParserState) == 576, "ParserState changed");
static_assert(sizeof(Utf8Decoder::State) == 8, "Utf8Decoder::State changed");
static_assert(sizeof(void*) != 8 || sizeof(EmulatorOptions) == 24, "EmulatorOptions changed");

constexpr size_t kMagicLength = 8;
// Smallest encodings, for count checks before allocation.
constexpr size_t kMinCellBytes = 5;   // u32 bits + u8 same-rendition flag
constexpr size_t kMinRowBytes = 9;    // u8 wrap + u32 cluster count + u32 cell count
constexpr size_t kMinStrBytes = 4;    // u32 length
constexpr size_t kMinParamBytes = 5;  // i32 + u8
constexpr uint16_t kKnownAttrs =
    kBold | kFaint | kItalic | kBlink | kInverse | kInvisible | kStrikethrough | kUnderlineMask;
constexpr uint32_t kKnownCellFlags = Cell::kWideBit | Cell::kFallbackBit | Cell::kClusterBit;

// ---- Writing ----

class Out {
 public:
  explicit Out(std::string* s) : w_(s) {}
  void U8(uint8_t v) { w_.WriteU8(v); }
  void Bool(bool v) { w_.WriteU8(v ? 1 : 0); }
  void U16(uint16_t v) { w_.WriteU16(v); }
  void U32(uint32_t v) { w_.WriteU32(v); }
  void I32(int v) { w_.WriteU32(static_cast<uint32_t>(v)); }
  void U64(uint64_t v) { w_.WriteU64(v); }
  void Str(std::string_view s) {
    w_.WriteU32(static_cast<uint32_t>(s.size()));
    w_.WriteBytes(s);
  }
  void Rend(const Rendition& r) {
    U32(r.fg);
    U32(r.bg);
    U16(r.attrs);
    U16(r.link);
  }
  void Saved(const SavedCursor& s) {
    I32(s.row);
    I32(s.col);
    Rend(s.rend);
    Bool(s.autowrap);
    Bool(s.origin_mode);
    U8(static_cast<uint8_t>(s.charsets[0]));
    U8(static_cast<uint8_t>(s.charsets[1]));
    I32(s.active_charset);
  }
  void RowData(const Row& row) {
    Bool(row.wrap());
    // Only the clusters cells refer to, renumbered.
    std::vector<uint32_t> remap(row.clusters().size(), UINT32_MAX);
    std::vector<const std::string*> used;
    for (const Cell& c : row.cells()) {
      if (c.is_cluster() && remap[c.cluster_index()] == UINT32_MAX) {
        remap[c.cluster_index()] = static_cast<uint32_t>(used.size());
        used.push_back(&row.clusters()[c.cluster_index()]);
      }
    }
    U32(static_cast<uint32_t>(used.size()));
    for (const std::string* s : used) Str(*s);
    // Trailing pristine cells are implied.
    int n = row.width();
    while (n > 0 && row.cell(n - 1).pristine()) --n;
    U32(static_cast<uint32_t>(n));
    const Rendition* prev = nullptr;
    for (int i = 0; i < n; ++i) {
      const Cell& c = row.cell(i);
      uint32_t bits = c.raw_bits();
      if (c.is_cluster()) bits = (bits & Cell::kFlagMask) | remap[c.cluster_index()];
      U32(bits);
      if (prev != nullptr && *prev == c.rend) {
        U8(1);
      } else {
        U8(0);
        Rend(c.rend);
      }
      prev = &c.rend;
    }
  }

 private:
  ByteWriter w_;
};

void EncodeDrawState(const DrawState& d, Out* o) {
  o->I32(d.cursor_row);
  o->I32(d.cursor_col);
  o->Bool(d.next_print_will_wrap);
  o->I32(d.combining_row);
  o->I32(d.combining_col);
  o->Bool(d.cursor_visible);
  o->I32(d.cursor_shape);
  o->Rend(d.rend);
  o->Bool(d.insert_mode);
  o->Bool(d.origin_mode);
  o->Bool(d.autowrap);
  o->I32(d.scroll_top);
  o->I32(d.scroll_bottom);
  o->U32(static_cast<uint32_t>(d.tabs.size()));
  for (bool t : d.tabs) o->Bool(t);
  o->Bool(d.default_tabs);
  o->Bool(d.reverse_video);
  o->Bool(d.application_cursor_keys);
  o->Bool(d.application_keypad);
  o->Bool(d.bracketed_paste);
  o->I32(d.mouse_reporting);
  o->Bool(d.mouse_focus_events);
  o->I32(d.mouse_encoding);
  o->Bool(d.mouse_alternate_scroll);
  o->Saved(d.saved_decsc);
  o->Saved(d.saved_csi);
  o->Saved(d.saved_1049);
  o->U8(static_cast<uint8_t>(d.charsets[0]));
  o->U8(static_cast<uint8_t>(d.charsets[1]));
  o->I32(d.active_charset);
  o->Bool(d.alternate_screen);
  o->U32(static_cast<uint32_t>(d.last_graphic));
}

// ---- Reading ----

// A reader that remembers the first failure; every read after it returns
// zeros, and Finish() reports it.
class In {
 public:
  explicit In(std::string_view s) : r_(s) {}
  bool ok() const { return ok_; }
  void Fail() { ok_ = false; }
  void Check(bool cond) {
    if (!cond) ok_ = false;
  }
  size_t remaining() const { return ok_ ? r_.remaining() : 0; }

  uint8_t U8() {
    uint8_t v = 0;
    if (ok_ && !r_.ReadU8(&v)) ok_ = false;
    return ok_ ? v : 0;
  }
  bool Bool() {
    uint8_t v = U8();
    Check(v <= 1);
    return v == 1;
  }
  uint16_t U16() {
    uint16_t v = 0;
    if (ok_ && !r_.ReadU16(&v)) ok_ = false;
    return ok_ ? v : 0;
  }
  uint32_t U32() {
    uint32_t v = 0;
    if (ok_ && !r_.ReadU32(&v)) ok_ = false;
    return ok_ ? v : 0;
  }
  int I32() { return static_cast<int>(static_cast<int32_t>(U32())); }
  // A signed value that must lie in [lo, hi].
  int I32In(int lo, int hi) {
    int v = I32();
    Check(v >= lo && v <= hi);
    return ok_ ? v : lo;
  }
  uint64_t U64() {
    uint64_t v = 0;
    if (ok_ && !r_.ReadU64(&v)) ok_ = false;
    return ok_ ? v : 0;
  }
  std::string_view Bytes(size_t n) {
    std::string_view v;
    if (ok_ && !r_.ReadBytes(n, &v)) ok_ = false;
    return ok_ ? v : std::string_view();
  }
  std::string Str() {
    uint32_t n = U32();
    return std::string(Bytes(n));
  }
  // A count of items each at least `min_bytes` long.
  uint32_t Count(size_t min_bytes) {
    uint32_t n = U32();
    Check(static_cast<uint64_t>(n) * min_bytes <= remaining());
    return ok_ ? n : 0;
  }

  Color Colour() {
    Color c = U32();
    Check(c == kDefaultColor || (c & ~0xFFu) == kPaletteFlag || (c & ~0xFFFFFFu) == kTrueColorFlag);
    return ok_ ? c : kDefaultColor;
  }
  Rendition Rend(size_t num_links) {
    Rendition r;
    r.fg = Colour();
    r.bg = Colour();
    r.attrs = U16();
    r.link = U16();
    Check((r.attrs & ~kKnownAttrs) == 0 && r.underline() <= Underline::kDashed);
    Check(r.link <= num_links);
    return ok_ ? r : Rendition();
  }
  Charset Cs() {
    uint8_t v = U8();
    Check(v <= static_cast<uint8_t>(Charset::kUnitedKingdom));
    return ok_ ? static_cast<Charset>(v) : Charset::kAscii;
  }
  SavedCursor Saved(size_t num_links) {
    SavedCursor s;
    s.row = I32In(0, Emulator::kMaxDimension - 1);
    s.col = I32In(0, Emulator::kMaxDimension - 1);
    s.rend = Rend(num_links);
    s.autowrap = Bool();
    s.origin_mode = Bool();
    s.charsets[0] = Cs();
    s.charsets[1] = Cs();
    s.active_charset = I32In(0, 1);
    return s;
  }

 private:
  ByteReader r_;
  bool ok_ = true;
};

// True when `s` is well-formed UTF-8 whose every code point passes `ok`.
template <typename Pred>
bool ValidUtf8(std::string_view s, Pred ok) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    size_t len = b < 0x80                  ? 1
                 : (b >= 0xC2 && b < 0xE0) ? 2
                 : (b >= 0xE0 && b < 0xF0) ? 3
                 : (b >= 0xF0 && b < 0xF5) ? 4
                                           : 0;
    if (len == 0 || i + len > s.size()) return false;
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (size_t k = 1; k < len; ++k) {
      unsigned char c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (!ok(cp)) return false;
    i += len;
  }
  return true;
}

// What a cell's text may be: 1-32 bytes of UTF-8.
bool ValidClusterText(std::string_view s) {
  return !s.empty() && s.size() <= Row::kMaxCellBytes &&
         ValidUtf8(s, [](char32_t) { return true; });
}

// What the parser collects into an OSC string (titles, clipboard, links):
// UTF-8 of 0x20-0x7F and >= U+00A0, never a control that would end or
// break the string when the display sends it again.
bool ValidOscText(std::string_view s) {
  return ValidUtf8(s, [](char32_t c) { return (c >= 0x20 && c <= 0x7F) || c >= 0xA0; });
}

bool ValidCodePoint(uint32_t cp) { return cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF); }

// Reads one row of `width` cells. Returns null on failure (in->ok() false).
RowPtr ReadRow(In* in, int width, size_t num_links) {
  const bool wrap = in->Bool();
  const uint32_t nclusters = in->Count(kMinStrBytes);
  // Each cluster is used by a cell, so there are at most `width`.
  in->Check(nclusters <= static_cast<uint32_t>(width));
  if (!in->ok()) return nullptr;
  std::vector<std::string> clusters;
  clusters.reserve(nclusters);
  for (uint32_t i = 0; i < nclusters && in->ok(); ++i) {
    std::string s = in->Str();
    in->Check(ValidClusterText(s));
    clusters.push_back(std::move(s));
  }
  if (!in->ok()) return nullptr;
  // Cells [ncells, width) are pristine; the last encoded one is not.
  const uint32_t ncells = in->Count(kMinCellBytes);
  in->Check(ncells <= static_cast<uint32_t>(width));
  if (!in->ok()) return nullptr;
  auto row = std::make_shared<Row>(width, kDefaultColor);
  std::vector<Cell>& cells = row->mutable_cells();
  // The encoding is canonical (one state, one byte string): clusters are
  // numbered in order of first use and all used, and "same rendition" is
  // used exactly when the rendition repeats.
  Rendition prev;
  uint32_t next_cluster = 0;
  for (int c = 0; c < static_cast<int>(ncells) && in->ok(); ++c) {
    uint32_t bits = in->U32();
    in->Check((bits & Cell::kFlagMask & ~kKnownCellFlags) == 0);
    if (bits & Cell::kClusterBit) {
      const uint32_t index = bits & Cell::kPayloadMask;
      in->Check(index <= next_cluster && index < nclusters);
      if (index == next_cluster) ++next_cluster;
    } else {
      in->Check(ValidCodePoint(bits & Cell::kPayloadMask));
    }
    uint8_t same = in->U8();
    in->Check(same <= 1 && !(same == 1 && c == 0));
    Rendition r = same == 1 ? prev : in->Rend(num_links);
    in->Check(same == 1 || c == 0 || !(r == prev));
    Cell& cell = cells[static_cast<size_t>(c)];
    cell.set_raw_bits(bits);
    cell.rend = r;
    prev = r;
  }
  in->Check(next_cluster == nclusters);
  in->Check(ncells == 0 || !cells[ncells - 1].pristine());
  if (!in->ok()) return nullptr;
  row->mutable_clusters() = std::move(clusters);
  row->set_wrap(wrap);
  return row;
}

Status Bad(const char* what) { return Malformed(std::string("terminal state: ") + what); }

}  // namespace

std::string SerializeTerminalState(const Emulator& emu) {
  std::string s;
  const Framebuffer& fb = emu.fb();
  const DrawState& d = fb.ds();
  s.reserve(64 + static_cast<size_t>(fb.width()) * static_cast<size_t>(fb.height()) * 12);
  Out o(&s);
  s.append(kTerminalStateMagic, kMagicLength);
  o.U32(kTerminalStateVersion);

  const EmulatorOptions& opt = emu.options();
  o.U64(opt.scrollback_lines);
  o.U32(opt.default_foreground_rgb);
  o.U32(opt.default_background_rgb);
  o.Bool(opt.keep_links);
  o.Bool(opt.mosh_wide_erase);

  o.U32(static_cast<uint32_t>(d.width));
  o.U32(static_cast<uint32_t>(d.height));
  // The link table comes first in the reader's checks, so write its size
  // before anything that refers to it.
  const std::vector<Hyperlink>& links = fb.links();
  o.U32(static_cast<uint32_t>(links.size()));
  for (const Hyperlink& h : links) {
    o.Str(h.id);
    o.Str(h.uri);
  }
  EncodeDrawState(d, &o);
  for (int r = 0; r < fb.height(); ++r) o.RowData(fb.row(r));
  for (const RowPtr& row : fb.inactive_rows()) o.RowData(*row);

  o.Str(fb.title());
  o.Str(fb.icon_name());
  o.Bool(fb.title_initialized());
  o.Str(fb.clipboard());
  o.Str(fb.clipboard_selection());
  o.U64(fb.bell_count());

  const Scrollback& sb = emu.scrollback();
  o.U64(sb.max_lines());
  o.U32(static_cast<uint32_t>(sb.size()));
  for (size_t i = 0; i < sb.size(); ++i) o.Str(sb.EncodedLine(i));

  const ParserState& p = emu.parser().state();
  o.U8(static_cast<uint8_t>(p.state));
  o.U32(static_cast<uint32_t>(p.num_params));
  for (int i = 0; i < p.num_params; ++i) {
    o.I32(p.params[i]);
    o.Bool(p.sub_param[i]);
  }
  o.U32(static_cast<uint32_t>(p.param_chars));
  o.Bool(p.has_colon);
  o.U32(static_cast<uint32_t>(p.num_intermediates));
  s.append(p.intermediates, static_cast<size_t>(p.num_intermediates));
  o.Str(p.osc);
  o.U32(static_cast<uint32_t>(p.osc_chars));
  o.Bool(p.osc_bel);

  Utf8Decoder::State u = emu.decoder().state();
  o.U32(u.cp);
  o.U8(u.need);
  o.U8(u.lower);
  o.U8(u.upper);

  o.U32(static_cast<uint32_t>(emu.input_state()));
  return s;
}

Result<std::unique_ptr<Emulator>> RestoreTerminalState(std::string_view bytes) {
  In in(bytes);
  if (in.Bytes(kMagicLength) != std::string_view(kTerminalStateMagic, kMagicLength)) {
    return Bad("bad magic");
  }
  if (in.U32() != kTerminalStateVersion) return Bad("unknown version");

  EmulatorOptions opt;
  opt.scrollback_lines = static_cast<size_t>(in.U64());
  opt.default_foreground_rgb = in.U32();
  opt.default_background_rgb = in.U32();
  opt.keep_links = in.Bool();
  opt.mosh_wide_erase = in.Bool();
  in.Check(opt.default_foreground_rgb <= 0xFFFFFF && opt.default_background_rgb <= 0xFFFFFF);
  // Scrollback lines are stored, so a larger limit than the input could
  // fill is still just a number; but keep it sane.
  in.Check(opt.scrollback_lines <= (size_t{1} << 32));
  const uint32_t width = in.U32();
  const uint32_t height = in.U32();
  in.Check(width >= 1 && height >= 1 && width <= Emulator::kMaxDimension &&
           height <= Emulator::kMaxDimension);
  // Two screens of `height` rows each must follow. (Rows of pristine cells
  // take 9 bytes whatever their width: memory is bounded by the emulator's
  // dimension limit, as for constructing an Emulator.)
  in.Check(static_cast<uint64_t>(height) * 2 * kMinRowBytes <= in.remaining());
  if (!in.ok()) return Bad("bad size");
  const int w = static_cast<int>(width);
  const int h = static_cast<int>(height);

  const uint32_t nlinks = in.Count(2 * kMinStrBytes);
  in.Check(nlinks <= Framebuffer::kMaxLinks);
  std::vector<Hyperlink> links;
  if (in.ok()) links.reserve(nlinks);
  for (uint32_t i = 0; i < nlinks && in.ok(); ++i) {
    Hyperlink link;
    link.id = in.Str();
    link.uri = in.Str();
    in.Check(ValidOscText(link.id) && ValidOscText(link.uri));
    links.push_back(std::move(link));
  }
  if (!in.ok()) return Bad("bad link table");

  DrawState d;
  d.width = w;
  d.height = h;
  d.cursor_row = in.I32In(0, h - 1);
  d.cursor_col = in.I32In(0, w - 1);
  d.next_print_will_wrap = in.Bool();
  d.combining_row = in.I32In(-1, h - 1);
  d.combining_col = in.I32In(-1, w - 1);
  in.Check((d.combining_row < 0) == (d.combining_col < 0));
  d.cursor_visible = in.Bool();
  d.cursor_shape = in.I32In(kCursorDefault, kCursorSteadyBar);
  d.rend = in.Rend(nlinks);
  d.insert_mode = in.Bool();
  d.origin_mode = in.Bool();
  d.autowrap = in.Bool();
  d.scroll_top = in.I32In(0, h - 1);
  d.scroll_bottom = in.I32In(d.scroll_top, h - 1);
  const uint32_t ntabs = in.Count(1);
  in.Check(ntabs == width);
  if (!in.ok()) return Bad("bad draw state");
  d.tabs.assign(ntabs, false);
  for (uint32_t i = 0; i < ntabs; ++i) d.tabs[i] = in.Bool();
  d.default_tabs = in.Bool();
  d.reverse_video = in.Bool();
  d.application_cursor_keys = in.Bool();
  d.application_keypad = in.Bool();
  d.bracketed_paste = in.Bool();
  d.mouse_reporting = in.I32();
  in.Check(d.mouse_reporting == kMouseNone || d.mouse_reporting == kMouseX10 ||
           (d.mouse_reporting >= kMouseVt200 && d.mouse_reporting <= kMouseAnyEvent));
  d.mouse_focus_events = in.Bool();
  d.mouse_encoding = in.I32();
  in.Check(d.mouse_encoding == kMouseEncodingDefault || d.mouse_encoding == kMouseEncodingUtf8 ||
           d.mouse_encoding == kMouseEncodingSgr || d.mouse_encoding == kMouseEncodingUrxvt);
  d.mouse_alternate_scroll = in.Bool();
  d.saved_decsc = in.Saved(nlinks);
  d.saved_csi = in.Saved(nlinks);
  d.saved_1049 = in.Saved(nlinks);
  d.charsets[0] = in.Cs();
  d.charsets[1] = in.Cs();
  d.active_charset = in.I32In(0, 1);
  d.alternate_screen = in.Bool();
  d.last_graphic = in.U32();
  in.Check(ValidCodePoint(d.last_graphic));
  if (!in.ok()) return Bad("bad draw state");

  auto emu = std::make_unique<Emulator>(w, h, opt);
  Framebuffer* fb = emu->mutable_fb();
  *fb->mutable_ds() = d;
  fb->set_links(std::move(links));
  for (int r = 0; r < h; ++r) {
    RowPtr row = ReadRow(&in, w, nlinks);
    if (!row) return Bad("bad row");
    fb->SetRow(r, std::move(row));
  }
  std::vector<RowPtr>& inactive = *fb->mutable_inactive_rows();
  for (int r = 0; r < h; ++r) {
    RowPtr row = ReadRow(&in, w, nlinks);
    if (!row) return Bad("bad row");
    inactive[static_cast<size_t>(r)] = std::move(row);
  }

  std::string title = in.Str();
  std::string icon = in.Str();
  in.Check(ValidOscText(title) && ValidOscText(icon));
  fb->set_title(std::move(title));
  fb->set_icon_name(std::move(icon));
  fb->set_title_initialized(in.Bool());
  std::string clip = in.Str();
  std::string selection = in.Str();
  in.Check(ValidOscText(clip) && ValidOscText(selection));
  fb->set_clipboard(std::move(clip), std::move(selection));
  fb->set_bell_count(in.U64());
  if (!in.ok()) return Bad("bad texts");

  Scrollback* sb = emu->mutable_scrollback();
  const uint64_t max_lines = in.U64();
  in.Check(max_lines <= (uint64_t{1} << 32));
  const uint32_t nlines = in.Count(kMinStrBytes);
  in.Check(nlines <= max_lines);
  if (!in.ok()) return Bad("bad scrollback");
  sb->set_max_lines(static_cast<size_t>(max_lines));
  for (uint32_t i = 0; i < nlines; ++i) {
    std::string_view line = in.Bytes(in.U32());
    if (!in.ok() || !sb->PushEncoded(line)) return Bad("bad scrollback line");
  }

  ParserState* p = emu->mutable_parser()->mutable_state();
  const uint8_t state = in.U8();
  in.Check(state <= static_cast<uint8_t>(ParserStateId::kSosPmApcString));
  p->state = static_cast<ParserStateId>(state);
  const uint32_t nparams = in.Count(kMinParamBytes);
  in.Check(nparams <= ParserState::kMaxParams);
  for (uint32_t i = 0; i < nparams && in.ok(); ++i) {
    p->params[i] = in.I32In(-1, ParserState::kParamMax + 1);
    p->sub_param[i] = in.Bool();
  }
  p->num_params = static_cast<int>(nparams);
  p->param_chars = static_cast<int>(in.U32());
  in.Check(p->param_chars >= 0 && p->param_chars <= ParserState::kMaxParamChars);
  p->has_colon = in.Bool();
  const uint32_t ninter = in.U32();
  in.Check(ninter <= ParserState::kMaxIntermediates);
  std::string_view inter = in.Bytes(in.ok() ? ninter : 0);
  for (size_t i = 0; i < inter.size(); ++i) p->intermediates[i] = inter[i];
  p->num_intermediates = static_cast<int>(inter.size());
  p->osc = in.Str();
  in.Check(ValidOscText(p->osc));
  p->osc_chars = static_cast<int>(in.U32());
  in.Check(p->osc_chars >= 0 && p->osc_chars <= ParserState::kMaxOscChars &&
           p->osc.size() <= static_cast<size_t>(p->osc_chars) * 4);
  p->osc_bel = in.Bool();
  if (!in.ok()) return Bad("bad parser state");

  Utf8Decoder::State u;
  u.cp = in.U32();
  u.need = in.U8();
  u.lower = in.U8();
  u.upper = in.U8();
  in.Check(u.need <= 3 && u.lower >= 0x80 && u.upper <= 0xBF && u.lower <= u.upper &&
           u.cp <= (0x10FFFFu >> (6 * u.need)));
  emu->mutable_decoder()->set_state(u);
  const uint32_t input_state = in.U32();
  in.Check(input_state <= 2);
  emu->set_input_state(static_cast<int>(input_state));
  if (!in.ok()) return Bad("bad decoder state");
  if (in.remaining() != 0) return Bad("trailing bytes");
  return emu;
}

}  // namespace roam::term
