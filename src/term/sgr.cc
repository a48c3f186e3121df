// Emulator: SGR (CSI Pm m), Mosh's semantics plus roam's extensions
// (faint, strikethrough, double underline, colon forms; see emulator.h).

#include <algorithm>

#include "term/emulator.h"

namespace roam::term {
namespace {

// Applies one plain SGR value (no sub-parameters) to `r`.
void ApplyAttribute(int v, Rendition* r) {
  if (v == 0) {
    *r = Rendition{.fg = kDefaultColor, .bg = kDefaultColor, .attrs = 0, .link = r->link};
    return;
  }
  if (v >= 30 && v <= 37) {
    r->fg = PaletteColor(v - 30);
  } else if (v >= 40 && v <= 47) {
    r->bg = PaletteColor(v - 40);
  } else if (v >= 90 && v <= 97) {
    r->fg = PaletteColor(v - 90 + 8);
  } else if (v >= 100 && v <= 107) {
    r->bg = PaletteColor(v - 100 + 8);
  } else if (v == 39) {
    r->fg = kDefaultColor;
  } else if (v == 49) {
    r->bg = kDefaultColor;
  } else {
    switch (v) {
      case 1:
        r->Set(kBold, true);
        break;
      case 2:
        r->Set(kFaint, true);
        break;
      case 22:
        r->Set(kBold, false);
        r->Set(kFaint, false);
        break;
      case 3:
        r->Set(kItalic, true);
        break;
      case 23:
        r->Set(kItalic, false);
        break;
      case 4:
        r->set_underline(Underline::kSingle);
        break;
      case 21:
        r->set_underline(Underline::kDouble);
        break;
      case 24:
        r->set_underline(Underline::kNone);
        break;
      case 5:
        r->Set(kBlink, true);
        break;
      case 25:
        r->Set(kBlink, false);
        break;
      case 7:
        r->Set(kInverse, true);
        break;
      case 27:
        r->Set(kInverse, false);
        break;
      case 8:
        r->Set(kInvisible, true);
        break;
      case 28:
        r->Set(kInvisible, false);
        break;
      case 9:
        r->Set(kStrikethrough, true);
        break;
      case 29:
        r->Set(kStrikethrough, false);
        break;
      default:
        break;
    }
  }
}

void SetColor(int which, Color c, Rendition* r) {
  if (which == 38) {
    r->fg = c;
  } else if (which == 48) {
    r->bg = c;
  }  // 58: underline colour, not modelled
}

}  // namespace

void Emulator::SelectGraphicRendition(const ParserState& s) {
  Rendition& r = ds().rend;
  const int count = s.ParamCount();
  for (int i = 0; i < count;) {
    const int v = s.Param(i, 0);
    // Colon sub-parameters of this value (roam extension).
    int j = i + 1;
    while (j < count && s.IsSubParam(j)) ++j;
    if (j > i + 1) {
      const int nsub = j - i - 1;
      if (v == 38 || v == 48 || v == 58) {
        int kind = s.RawParam(i + 1);
        if (kind == 5 && nsub >= 2) {
          int n = s.RawParam(i + 2);
          if (n >= 0 && n <= 255) SetColor(v, PaletteColor(n), &r);
        } else if (kind == 2 && nsub >= 4) {
          // 38:2:<colourspace>:r:g:b, or the common 38:2:r:g:b.
          int first = nsub >= 5 ? i + 3 : i + 2;
          auto comp = [&](int k) { return static_cast<uint32_t>(std::max(s.RawParam(k), 0)); };
          SetColor(v, TrueColor(comp(first), comp(first + 1), comp(first + 2)), &r);
        }
      } else if (v == 4) {
        int style = s.RawParam(i + 1);
        if (style >= 0 && style <= static_cast<int>(Underline::kDashed)) {
          r.set_underline(static_cast<Underline>(style));
        }
      }
      i = j;
      continue;
    }
    // Mosh's semicolon forms; Ps of 0 here is a colour, not a reset.
    if ((v == 38 || v == 48 || v == 58) && count - i >= 3 && s.Param(i + 1, -1) == 5) {
      int n = s.Param(i + 2, 0);
      if (n <= 255) SetColor(v, PaletteColor(n), &r);
      i += 3;
      continue;
    }
    if ((v == 38 || v == 48 || v == 58) && count - i >= 5 && s.Param(i + 1, -1) == 2) {
      SetColor(v,
               TrueColor(static_cast<uint32_t>(s.Param(i + 2, 0)),
                         static_cast<uint32_t>(s.Param(i + 3, 0)),
                         static_cast<uint32_t>(s.Param(i + 4, 0))),
               &r);
      i += 5;
      continue;
    }
    ApplyAttribute(v, &r);
    ++i;
  }
}

}  // namespace roam::term
