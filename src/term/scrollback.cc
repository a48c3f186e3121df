// Scrollback: compact bounded line history (see scrollback.h).
//
// Line format (all integers LEB128 varints):
//   width, flags (bit 0: wrapped), cell count n, text length, text, run
//   count, runs (cells, fg, bg, attrs, link).
// Text holds the n cells in order: a code point >= U+0020 with no flags is
// its UTF-8 bytes; anything else is a marker byte 0x10 | bits (1 wide,
// 2 fallback, 4 cluster, 8 empty) followed by, for a cluster, its byte
// length and bytes, or, for a non-empty cell, its code point as a varint.
// Runs cover cells 0..n-1 in order; no runs means all default renditions.

#include "term/scrollback.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "base/check.h"

namespace roam::term {
namespace {

constexpr uint8_t kMarker = 0x10;
constexpr uint8_t kMarkWide = 1;
constexpr uint8_t kMarkFallback = 2;
constexpr uint8_t kMarkCluster = 4;
constexpr uint8_t kMarkEmpty = 8;
static_assert(Cell::kWideBit >> 24 == kMarkWide && Cell::kFallbackBit >> 24 == kMarkFallback &&
              Cell::kClusterBit >> 24 == kMarkCluster);

struct Reader {
  const unsigned char* p;
  const unsigned char* end;
  bool ok = true;

  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p == end) break;
      unsigned char b = *p++;
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return v;
    }
    ok = false;
    return 0;
  }
  unsigned char Byte() {
    if (p == end) {
      ok = false;
      return 0;
    }
    return *p++;
  }
};

// Decodes one UTF-8 code point starting at r->p (input produced by
// AppendUtf8, but checked anyway).
char32_t Utf8At(Reader* r) {
  unsigned char b = r->Byte();
  int extra = b < 0x80 ? 0 : b < 0xE0 ? 1 : b < 0xF0 ? 2 : 3;
  char32_t cp = extra == 0 ? b : extra == 1 ? (b & 0x1F) : extra == 2 ? (b & 0x0F) : (b & 0x07);
  for (int i = 0; i < extra; ++i) cp = (cp << 6) | (r->Byte() & 0x3F);
  return cp;
}

char* PutVarintRaw(uint64_t v, char* p) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

char* PutUtf8Raw(char32_t cp, char* p) {
  if (cp < 0x80) {
    *p++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *p++ = static_cast<char>(0xC0 | (cp >> 6));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *p++ = static_cast<char>(0xE0 | (cp >> 12));
    *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *p++ = static_cast<char>(0xF0 | (cp >> 18));
    *p++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  return p;
}

// Cells of `row` worth keeping: trailing pristine cells are dropped.
int TrimmedCells(const Row& row) {
  int n = std::min(row.used(), row.width());
  while (n > 0 && row.cell(n - 1).pristine()) --n;
  return n;
}

// Rendition equality as one 12-byte compare (Rendition is four integers
// with no padding, so this is exactly operator==).
bool SameRendition(const Rendition& a, const Rendition& b) {
  static_assert(sizeof(Rendition) == 2 * sizeof(Color) + 2 * sizeof(uint16_t));
  return std::memcmp(&a, &b, sizeof(Rendition)) == 0;
}

// Zero exactly when r.IsDefault(), in two loads: a Rendition is four
// integers with no padding and the default one is all zero bytes.
uint64_t RenditionBits(const Rendition& r) {
  static_assert(sizeof(Rendition) == 12 && kDefaultColor == 0);
  uint64_t colors;
  uint32_t rest;
  std::memcpy(&colors, &r, sizeof(colors));
  std::memcpy(&rest, reinterpret_cast<const char*>(&r) + sizeof(colors), sizeof(rest));
  return colors | rest;
}

// Whether a cell is plain ASCII: "0x20 <= bits < 0x80" (bits >= 0x80:
// non-ASCII or flags; bits < 0x20: empty) and a default rendition.
bool PlainAscii(const Cell& c) { return c.raw_bits() - 0x20 < 0x60 && RenditionBits(c.rend) == 0; }

// Writes the code points of cells[0, n) as bytes to out[0, n) and returns
// true when every one of these cells is PlainAscii; otherwise returns false
// (out[0, n) then holds unspecified bytes). Cells up to cells[readable - 1]
// may be read, and out[0, n + 8) written (REQUIRES: readable >= n). With
// kKnownPlain the caller knows they are all PlainAscii: nothing is checked.
template <bool kKnownPlain>
bool CopyPlainAscii(const Cell* cells, int n, [[maybe_unused]] int readable, char* out) {
  // Most lines that are not plain show it in their first cell.
  if (!kKnownPlain && n > 0 && !PlainAscii(cells[0])) return false;
  int i = 0;
#if defined(__SSE2__)
  // Eight cells at a time, without a branch per cell: the renditions are
  // ORed together, the code points packed to bytes with saturation (so
  // that anything >= 0x80 stays >= 0x80) and checked as signed bytes.
  static_assert(
      std::bit_cast<std::array<uint32_t, 4>>(Cell(0x41, Rendition{1, 2, 3, 4}))[0] == 0x41,
      "the code point bits are the first 32 bits of a Cell");
  const __m128i* v = reinterpret_cast<const __m128i*>(cells);
  const __m128i zero = _mm_setzero_si128();
  const __m128i below = _mm_set1_epi8(0x20);
  const __m128i rend_mask = _mm_set_epi32(-1, -1, -1, 0);
  // A last block of fewer than eight cells is read whole when the row has
  // the cells: those beyond n are then only ORed into the rendition check
  // (a false "not plain" is harmless, the general path encodes the line)
  // and their bytes are not checked.
  for (; i < n && i + 8 <= readable; i += 8, v += 8) {
    if constexpr (kKnownPlain) {
      // Only the code points: pack lane 0 of each cell to a byte.
      const __m128i codes0 =
          _mm_unpacklo_epi64(_mm_unpacklo_epi32(_mm_loadu_si128(v), _mm_loadu_si128(v + 1)),
                             _mm_unpacklo_epi32(_mm_loadu_si128(v + 2), _mm_loadu_si128(v + 3)));
      const __m128i codes1 =
          _mm_unpacklo_epi64(_mm_unpacklo_epi32(_mm_loadu_si128(v + 4), _mm_loadu_si128(v + 5)),
                             _mm_unpacklo_epi32(_mm_loadu_si128(v + 6), _mm_loadu_si128(v + 7)));
      _mm_storel_epi64(reinterpret_cast<__m128i*>(out + i),
                       _mm_packus_epi16(_mm_packs_epi32(codes0, codes1), zero));
      continue;
    }
    const __m128i c0 = _mm_loadu_si128(v);
    const __m128i c1 = _mm_loadu_si128(v + 1);
    const __m128i c2 = _mm_loadu_si128(v + 2);
    const __m128i c3 = _mm_loadu_si128(v + 3);
    const __m128i c4 = _mm_loadu_si128(v + 4);
    const __m128i c5 = _mm_loadu_si128(v + 5);
    const __m128i c6 = _mm_loadu_si128(v + 6);
    const __m128i c7 = _mm_loadu_si128(v + 7);
    const __m128i rend_or = _mm_or_si128(_mm_or_si128(_mm_or_si128(c0, c1), _mm_or_si128(c2, c3)),
                                         _mm_or_si128(_mm_or_si128(c4, c5), _mm_or_si128(c6, c7)));
    const __m128i codes0 =
        _mm_unpacklo_epi64(_mm_unpacklo_epi32(c0, c1), _mm_unpacklo_epi32(c2, c3));
    const __m128i codes1 =
        _mm_unpacklo_epi64(_mm_unpacklo_epi32(c4, c5), _mm_unpacklo_epi32(c6, c7));
    // The saturating packs keep bits >= 0x80 at >= 0x80 and turn negative
    // ones (bit 31 set) into 0, so "every byte >= 0x20 as a signed byte" is
    // exactly "every bits value in 0x20..0x7F".
    const __m128i bytes = _mm_packus_epi16(_mm_packs_epi32(codes0, codes1), zero);
    // Only the lower eight bytes are cells (the upper eight are zero).
    const int checked = n - i >= 8 ? 0xFF : (1 << (n - i)) - 1;
    // Lanes 1-3 of rend_or are the ORed renditions (lane 0 the code points).
    const __m128i rend_lanes = _mm_and_si128(rend_or, rend_mask);
    if ((_mm_movemask_epi8(_mm_cmplt_epi8(bytes, below)) & checked) != 0 ||
        _mm_movemask_epi8(_mm_cmpeq_epi32(rend_lanes, zero)) != 0xFFFF) {
      return false;
    }
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + i), bytes);
  }
#endif
  for (; i < n; ++i) {
    if (!kKnownPlain && !PlainAscii(cells[i])) return false;
    out[i] = static_cast<char>(cells[i].raw_bits());
  }
  return true;
}

// An upper bound of the encoded size of the first `n` cells of `row`.
size_t EncodedBound(const Row& row, int n) {
  size_t bound = 48 + static_cast<size_t>(n) * 24;
  if (!row.clusters().empty()) {
    for (int i = 0; i < n; ++i) {
      const Cell& c = row.cell(i);
      if (c.is_cluster()) bound += row.clusters()[c.cluster_index()].size() + 5;
    }
  }
  return bound;
}

// EncodeTo() for a row whose first `n` cells are known plain ASCII
// (REQUIRES: row.plain_ascii() >= n): the header, the text, no runs.
[[gnu::always_inline]] inline size_t EncodeKnownPlainTo(const Row& row, int n, char* out) {
  char* p = PutVarintRaw(static_cast<uint64_t>(row.width()), out);
  *p++ = row.wrap() ? 1 : 0;
  p = PutVarintRaw(static_cast<uint64_t>(n), p);
  p = PutVarintRaw(static_cast<uint64_t>(n), p);  // text length: one byte a cell
  CopyPlainAscii<true>(row.cells().data(), n, row.width(), p);
  p[n] = 0;  // no runs
  return static_cast<size_t>(p + n + 1 - out);
}

// Encodes the first `n` cells of `row` at `out`, which has room for
// EncodedBound(row, n) bytes. Returns the encoded length.
size_t EncodeTo(const Row& row, int n, char* out) {
  if (row.plain_ascii() >= n) return EncodeKnownPlainTo(row, n, out);
  char* p = out;
  p = PutVarintRaw(static_cast<uint64_t>(row.width()), p);
  *p++ = row.wrap() ? 1 : 0;
  p = PutVarintRaw(static_cast<uint64_t>(n), p);
  const Cell* cells = row.cells().data();
  // Fast path: plain ASCII with default renditions (most scrolled lines),
  // copied optimistically in one pass.
  {
    char* q = PutVarintRaw(static_cast<uint64_t>(n), p);
    if (CopyPlainAscii<false>(cells, n, row.width(), q)) {
      q[n] = 0;  // no runs
      return static_cast<size_t>(q + n + 1 - out);
    }
  }
  int i = 0;
  // General path. The text length goes in a fixed 4-byte varint.
  char* len_pos = p;
  p += 4;
  char* text_start = p;
  uint64_t rend_bits = 0;  // stays 0 while every rendition is the default
  for (i = 0; i < n; ++i) {
    const Cell& c = cells[i];
    uint32_t bits = c.raw_bits();
    rend_bits |= RenditionBits(c.rend);
    if (bits - 0x20 < 0x60) {  // ASCII, no flags: PutUtf8Raw's one-byte case
      *p++ = static_cast<char>(bits);
      continue;
    }
    if ((bits & Cell::kFlagMask) == 0 && bits >= 0x20) {
      p = PutUtf8Raw(static_cast<char32_t>(bits), p);
      continue;
    }
    // The wide, fallback and cluster flag bits are the kMarkWide,
    // kMarkFallback and kMarkCluster bits shifted; a cluster is never empty.
    uint8_t mark = static_cast<uint8_t>(kMarker | ((bits >> 24) & 7));
    if (c.empty()) mark |= kMarkEmpty;
    *p++ = static_cast<char>(mark);
    if (c.is_cluster()) {
      const std::string& text = row.clusters()[c.cluster_index()];
      p = PutVarintRaw(text.size(), p);
      std::memcpy(p, text.data(), text.size());
      p += text.size();
    } else if (!c.empty()) {
      p = PutVarintRaw(c.code_point(), p);
    }
  }
  size_t text_len = static_cast<size_t>(p - text_start);
  len_pos[0] = static_cast<char>(0x80 | (text_len & 0x7F));
  len_pos[1] = static_cast<char>(0x80 | ((text_len >> 7) & 0x7F));
  len_pos[2] = static_cast<char>(0x80 | ((text_len >> 14) & 0x7F));
  len_pos[3] = static_cast<char>((text_len >> 21) & 0x7F);
  if (rend_bits == 0) {  // all default renditions: no runs
    *p++ = 0;
    return static_cast<size_t>(p - out);
  }
  // Runs, in one pass: they are written kRunGap bytes further on (room for
  // the run count's varint, n <= 65535 needs at most 3 bytes) and moved
  // back once the count is known; EncodedBound's fixed 48 bytes cover the
  // gap. The output equals counting the runs first and writing them after.
  constexpr size_t kRunGap = 3;
  char* runs = p + kRunGap;
  char* q = runs;
  uint64_t nruns = 0;
  for (int start = 0; start < n;) {
    const Rendition& r = cells[start].rend;
    int end = start + 1;
    while (end < n && SameRendition(cells[end].rend, r)) ++end;
    q = PutVarintRaw(static_cast<uint64_t>(end - start), q);
    q = PutVarintRaw(r.fg, q);
    q = PutVarintRaw(r.bg, q);
    q = PutVarintRaw(r.attrs, q);
    q = PutVarintRaw(r.link, q);
    ++nruns;
    start = end;
  }
  p = PutVarintRaw(nruns, p);
  const size_t runs_len = static_cast<size_t>(q - runs);
  if (p != runs) std::memmove(p, runs, runs_len);
  return static_cast<size_t>(p + runs_len - out);
}

}  // namespace

void EncodeScrollbackLine(const Row& row, std::string* out) {
  int n = TrimmedCells(row);
  out->resize(EncodedBound(row, n));
  out->resize(EncodeTo(row, n, out->data()));
}

bool DecodeScrollbackLine(std::string_view in, Row* out) {
  Reader r{reinterpret_cast<const unsigned char*>(in.data()),
           reinterpret_cast<const unsigned char*>(in.data()) + in.size()};
  uint64_t width = r.Varint();
  uint8_t flags = r.Byte();
  uint64_t n = r.Varint();
  uint64_t text_len = r.Varint();
  if (!r.ok || width == 0 || width > 65535 || n > width ||
      text_len > static_cast<uint64_t>(r.end - r.p)) {
    return false;
  }
  Row row(static_cast<int>(width), kDefaultColor);
  Reader text{r.p, r.p + text_len};
  r.p += text_len;
  for (int i = 0; i < static_cast<int>(n); ++i) {
    if (text.p == text.end) return false;
    unsigned char b = *text.p;
    Cell& c = row.mutable_cell(i);
    if (b >= 0x20) {
      char32_t cp = Utf8At(&text);
      if (cp > 0x10FFFF) return false;
      c.set_code_point(cp);
      continue;
    }
    ++text.p;
    if ((b & 0xF0) != kMarker) return false;
    if (b & kMarkCluster) {
      uint64_t len = text.Varint();
      if (!text.ok || len == 0 || len > Row::kMaxCellBytes + 4 ||
          len > static_cast<uint64_t>(text.end - text.p)) {
        return false;
      }
      row.SetCellText(i, std::string_view(reinterpret_cast<const char*>(text.p), len));
      text.p += len;
    } else if (!(b & kMarkEmpty)) {
      uint64_t cp = text.Varint();
      if (!text.ok || cp > 0x10FFFF || cp == 0) return false;
      c.set_code_point(static_cast<char32_t>(cp));
    }
    Cell& cc = row.mutable_cell(i);
    cc.set_wide(b & kMarkWide);
    cc.set_fallback(b & kMarkFallback);
  }
  if (!text.ok || text.p != text.end) return false;
  uint64_t nruns = r.Varint();
  int col = 0;
  for (uint64_t k = 0; k < nruns && r.ok; ++k) {
    uint64_t count = r.Varint();
    Rendition rend;
    rend.fg = static_cast<Color>(r.Varint());
    rend.bg = static_cast<Color>(r.Varint());
    rend.attrs = static_cast<uint16_t>(r.Varint());
    rend.link = static_cast<uint16_t>(r.Varint());
    if (!r.ok || count > n - static_cast<uint64_t>(col)) return false;
    for (uint64_t j = 0; j < count; ++j) row.mutable_cell(col++).rend = rend;
  }
  if (!r.ok || r.p != r.end) return false;
  row.set_wrap(flags & 1);
  *out = std::move(row);
  return true;
}

Scrollback::Scrollback(size_t max_lines) : max_lines_(max_lines) {}

void Scrollback::set_max_lines(size_t max_lines) {
  while (count_ > max_lines) DropOldest();
  // Re-lay the ring in order so it can be resized.
  std::vector<LineRef> ordered;
  ordered.reserve(std::min(max_lines, count_ + 1024));
  for (size_t i = 0; i < count_; ++i) ordered.push_back(Ref(i));
  ring_ = std::move(ordered);
  head_ = 0;
  max_lines_ = max_lines;
}

const Scrollback::LineRef& Scrollback::Ref(size_t i) const {
  size_t idx = head_ + i;
  if (idx >= ring_.size()) idx -= ring_.size();
  return ring_[idx];
}

void Scrollback::Push(const Row& row) {
  ++pushed_;
  if (max_lines_ == 0) return;
  const int n = TrimmedCells(row);
  const size_t bound = EncodedBound(row, n);
  if (count_ == max_lines_ && count_ >= 2 && count_ == ring_.size() &&
      chunk_bytes_ + bound <= kMaxBytes) {
    Chunk& c = chunks_.back();
    if (c.capacity - c.used >= bound) {
      // The steady state of a full scrollback, in one step: what
      // Reserve() and Commit() do when dropping the oldest line frees no
      // chunk space that matters and the newest chunk has room. The new
      // line takes the oldest line's ring slot.
      LineRef& slot = ring_[head_];
      --chunks_[slot.chunk - first_chunk_].live;
      char* const dest = c.data.get() + c.used;
      const size_t length =
          row.plain_ascii() >= n ? EncodeKnownPlainTo(row, n, dest) : EncodeTo(row, n, dest);
      slot = LineRef{first_chunk_ + static_cast<uint32_t>(chunks_.size() - 1),
                     static_cast<uint32_t>(c.used), static_cast<uint32_t>(length)};
      c.used += length;
      ++c.live;
      head_ = head_ + 1 == count_ ? 0 : head_ + 1;
      if (chunks_.front().live == 0) ReleaseDropped();
      return;
    }
  }
  char* dest = Reserve(bound);
  Commit(EncodeTo(row, n, dest));
}

bool Scrollback::PushEncoded(std::string_view encoded) {
  Row row(1, kDefaultColor);
  if (!DecodeScrollbackLine(encoded, &row)) return false;
  ++pushed_;
  if (max_lines_ == 0) return true;
  Store(encoded);
  return true;
}

void Scrollback::Store(std::string_view encoded) {
  char* dest = Reserve(encoded.size());
  std::memcpy(dest, encoded.data(), encoded.size());
  Commit(encoded.size());
}

[[gnu::always_inline]] inline char* Scrollback::Reserve(size_t bytes) {
  if (count_ == max_lines_) DropOldest();
  while (count_ > 0 && chunk_bytes_ + bytes > kMaxBytes) DropOldest();
  if (chunks_.empty() || chunks_.back().capacity - chunks_.back().used < bytes) {
    Chunk c;
    c.capacity = std::max(kChunkBytes, bytes);
    c.data = std::make_unique<char[]>(c.capacity);
    chunk_bytes_ += c.capacity;
    chunks_.push_back(std::move(c));
  }
  Chunk& c = chunks_.back();
  return c.data.get() + c.used;
}

[[gnu::always_inline]] inline void Scrollback::Commit(size_t length) {
  Chunk& c = chunks_.back();
  LineRef ref{first_chunk_ + static_cast<uint32_t>(chunks_.size() - 1),
              static_cast<uint32_t>(c.used), static_cast<uint32_t>(length)};
  c.used += length;
  ++c.live;
  // Append to the ring.
  if (count_ == ring_.size()) {
    if (head_ != 0) {
      std::rotate(ring_.begin(), ring_.begin() + static_cast<std::ptrdiff_t>(head_), ring_.end());
      head_ = 0;
    }
    ring_.push_back(ref);
  } else {
    size_t idx = head_ + count_;
    if (idx >= ring_.size()) idx -= ring_.size();
    ring_[idx] = ref;
  }
  ++count_;
}

[[gnu::always_inline]] inline void Scrollback::DropOldest() {
  ROAM_CHECK(count_ > 0);
  const LineRef& ref = ring_[head_];
  Chunk& c = chunks_[ref.chunk - first_chunk_];
  --c.live;
  head_ = head_ + 1 == ring_.size() ? 0 : head_ + 1;
  --count_;
  // Unless the scrollback emptied or its oldest chunk holds no live line
  // any more, ReleaseDropped() would change nothing.
  if (count_ == 0 || chunks_.front().live == 0) ReleaseDropped();
}

void Scrollback::ReleaseDropped() {
  if (count_ == 0) {
    head_ = 0;
    ring_.clear();
  }
  while (chunks_.size() > 1 && chunks_.front().live == 0) {
    chunk_bytes_ -= chunks_.front().capacity;
    chunks_.erase(chunks_.begin());
    ++first_chunk_;
  }
  if (count_ == 0 && !chunks_.empty() && chunks_.front().live == 0) chunks_.front().used = 0;
}

std::string_view Scrollback::EncodedLine(size_t i) const {
  ROAM_CHECK(i < count_);
  const LineRef& ref = Ref(i);
  const Chunk& c = chunks_[ref.chunk - first_chunk_];
  return std::string_view(c.data.get() + ref.offset, ref.length);
}

Row Scrollback::Line(size_t i) const {
  Row row(1, kDefaultColor);
  bool ok = DecodeScrollbackLine(EncodedLine(i), &row);
  ROAM_CHECK(ok);
  return row;
}

std::string Scrollback::LineText(size_t i) const {
  Row row = Line(i);
  std::string out;
  int n = row.width();
  while (n > 0 && row.cell(n - 1).empty()) --n;
  for (int c = 0; c < n; ++c) {
    if (row.cell(c).empty()) {
      if (c > 0 && row.cell(c - 1).wide()) continue;
      out.push_back(' ');
    } else {
      row.AppendCellText(c, &out);
    }
  }
  return out;
}

bool Scrollback::LineWrapped(size_t i) const { return Line(i).wrap(); }

void Scrollback::Clear() {
  ring_.clear();
  head_ = 0;
  count_ = 0;
  chunks_.clear();
  first_chunk_ = 0;
  chunk_bytes_ = 0;
}

size_t Scrollback::MemoryBytes() const { return chunk_bytes_ + ring_.capacity() * sizeof(LineRef); }

}  // namespace roam::term
