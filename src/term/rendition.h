// Rendition: the drawing attributes of one cell (colours, bold, underline,
// ..., and the OSC 8 hyperlink the cell belongs to).
//
// Colours use one encoding for foreground and background (Color below):
//   0                        default colour
//   kPaletteFlag | n         palette index n (0-255); ANSI 30-37/40-47 are
//                            n = 0-7, the bright 90-97/100-107 are n = 8-15
//   kTrueColorFlag | RGB     24-bit colour (the same flag value Mosh uses)
// Mosh stores palette colours as 30+n (fg) / 40+n (bg); MoshForeground() and
// MoshBackground() convert to that form for code that must match Mosh output.
//
// A Rendition is a 12-byte POD, compared bitwise.

#ifndef ROAM_TERM_RENDITION_H_
#define ROAM_TERM_RENDITION_H_

#include <cstdint>

namespace roam::term {

using Color = uint32_t;

inline constexpr Color kDefaultColor = 0;
inline constexpr uint32_t kTrueColorFlag = 0x1000000;
inline constexpr uint32_t kPaletteFlag = 0x2000000;

// Returns the palette colour n. REQUIRES: 0 <= n <= 255.
constexpr Color PaletteColor(int n) { return kPaletteFlag | static_cast<uint32_t>(n); }
// Returns a 24-bit colour; each component is taken modulo 256.
constexpr Color TrueColor(uint32_t r, uint32_t g, uint32_t b) {
  return kTrueColorFlag | ((r & 0xFF) << 16) | ((g & 0xFF) << 8) | (b & 0xFF);
}
constexpr bool IsPaletteColor(Color c) { return (c & kPaletteFlag) != 0; }
constexpr bool IsTrueColor(Color c) { return (c & kTrueColorFlag) != 0; }
// REQUIRES: IsPaletteColor(c).
constexpr int PaletteIndex(Color c) { return static_cast<int>(c & 0xFF); }
// REQUIRES: IsTrueColor(c). Returns 0xRRGGBB.
constexpr uint32_t TrueColorRgb(Color c) { return c & 0xFFFFFF; }

// Mosh's integer for a colour: 0 default, 30+n / 40+n palette, or
// 0x1000000|RGB.
constexpr uint32_t MoshForeground(Color c) {
  return IsPaletteColor(c) ? 30 + static_cast<uint32_t>(PaletteIndex(c)) : c;
}
constexpr uint32_t MoshBackground(Color c) {
  return IsPaletteColor(c) ? 40 + static_cast<uint32_t>(PaletteIndex(c)) : c;
}

// Attribute bits of Rendition::attrs.
enum Attr : uint16_t {
  kBold = 1 << 0,
  kFaint = 1 << 1,
  kItalic = 1 << 2,
  kBlink = 1 << 3,
  kInverse = 1 << 4,
  kInvisible = 1 << 5,
  kStrikethrough = 1 << 6,
};

// Underline style, stored in bits 8-10 of Rendition::attrs. SGR 4 is
// kSingle; SGR 4:n selects n; SGR 21 is kDouble; SGR 24 and 4:0 are kNone.
enum class Underline : uint16_t {
  kNone = 0,
  kSingle = 1,
  kDouble = 2,
  kCurly = 3,
  kDotted = 4,
  kDashed = 5,
};
inline constexpr int kUnderlineShift = 8;
inline constexpr uint16_t kUnderlineMask = 7 << kUnderlineShift;

struct Rendition {
  Color fg = kDefaultColor;
  Color bg = kDefaultColor;
  uint16_t attrs = 0;  // Attr bits | underline style << kUnderlineShift
  uint16_t link = 0;   // OSC 8 hyperlink id; 0 = none (see Framebuffer links)

  bool Has(Attr a) const { return (attrs & a) != 0; }
  void Set(Attr a, bool on) { attrs = static_cast<uint16_t>(on ? (attrs | a) : (attrs & ~a)); }
  Underline underline() const {
    return static_cast<Underline>((attrs & kUnderlineMask) >> kUnderlineShift);
  }
  void set_underline(Underline u) {
    attrs = static_cast<uint16_t>((attrs & ~kUnderlineMask) |
                                  (static_cast<uint16_t>(u) << kUnderlineShift));
  }
  bool IsDefault() const { return fg == 0 && bg == 0 && attrs == 0 && link == 0; }

  // The rendition of erased cells (BCE): this background, nothing else.
  static Rendition Background(Color background) {
    Rendition r;
    r.bg = background;
    return r;
  }

  friend bool operator==(const Rendition&, const Rendition&) = default;
};

static_assert(sizeof(Rendition) == 12);

}  // namespace roam::term

#endif  // ROAM_TERM_RENDITION_H_
