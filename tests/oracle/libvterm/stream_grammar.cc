#include "oracle/libvterm/stream_grammar.h"

#include <iterator>

#include "oracle/common/screen_grid.h"

namespace roam::oracle {

namespace {

int Pick(Random& random, int lo, int hi) {
  return lo + static_cast<int>(random.Uniform(static_cast<uint64_t>(hi - lo + 1)));
}

constexpr const char* kDefaultBackground = "\x1b[49m";
// DIFFERENCES.md D8: after a print in the last column (pending wrap), roam
// (Mosh) clears the pending wrap on ED, EL, ECH, SU, SD, SM, RM, DECSC,
// DECRC, DECALN, LF, IND, RI and HTS and keeps it on CBT; libvterm does the
// opposite. Pieces using them start with CUF 1, which clears it in both.
constexpr const char* kClearPendingWrap = "\x1b[C";

std::string Csi(const std::string& params, char final) { return "\x1b[" + params + final; }

// A count parameter: usually small, sometimes omitted, 0, or large.
std::string Count(Random& random, int limit) {
  switch (random.Uniform(8)) {
    case 0:
      return "";
    case 1:
      return "0";
    case 2:
      return std::to_string(Pick(random, limit, limit + 20));
    default:
      return std::to_string(Pick(random, 1, 5));
  }
}

// Code points of the UTF-8 pieces, chosen so that libvterm's width table
// and roam's agree on them (see DIFFERENCES.md).
constexpr char32_t kNarrow[] = {U'\u00e9', U'\u00df', U'\u03bb', U'\u0416',
                                U'\u2500', U'\u2192', U'\u00a3', U'\u0101'};
constexpr char32_t kWide[] = {U'\u4e2d', U'\u6587', U'\u65e5', U'\uac00', U'\u3042', U'\uff21'};
constexpr char32_t kCombining[] = {U'\u0301', U'\u0308', U'\u0323', U'\u0300'};

std::string Text(Random& random, int max_len) {
  std::string s;
  int n = Pick(random, 1, max_len);
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>(Pick(random, 0x21, 0x7e)));
  return s;
}

std::string Sgr(Random& random) {
  static const char* const kSimple[] = {"0",  "1",  "3",  "4",  "5",  "7",  "22",
                                        "23", "24", "25", "27", "39", "49", ""};
  switch (random.Uniform(6)) {
    case 0:
      return Csi(kSimple[random.Uniform(std::size(kSimple))], 'm');
    case 1:
      return Csi(std::to_string(Pick(random, 30, 37)) + ";" + std::to_string(Pick(random, 40, 47)),
                 'm');
    case 2:
      return Csi(std::to_string(random.Chance(0.5) ? Pick(random, 90, 97) : Pick(random, 100, 107)),
                 'm');
    case 3:
      return Csi(std::string(random.Chance(0.5) ? "38" : "48") + ";5;" +
                     std::to_string(Pick(random, 0, 255)),
                 'm');
    case 4:
      return Csi(std::string(random.Chance(0.5) ? "38" : "48") + ";2;" +
                     std::to_string(Pick(random, 0, 255)) + ";" +
                     std::to_string(Pick(random, 0, 255)) + ";" +
                     std::to_string(Pick(random, 0, 255)),
                 'm');
    default:
      return Csi(std::string(kSimple[random.Uniform(std::size(kSimple))]) + ";" +
                     std::to_string(Pick(random, 30, 37)),
                 'm');
  }
}

std::string Piece(Random& random, const GrammarOptions& o) {
  std::string s;
  switch (random.Uniform(35)) {
    case 0:
    case 1:
    case 2:
    case 3:
      return Text(random, 12);
    case 4:  // A run long enough to wrap at the margin.
      return Text(random, o.cols + 10);
    case 5:
      AppendUtf8(kNarrow[random.Uniform(std::size(kNarrow))], &s);
      return s;
    case 6:
      // DIFFERENCES.md D7: a wide character that does not fit in the last
      // column clears that cell in roam (Mosh), not in libvterm, and one that
      // ends in the last column leaves the cursor on a different cell; the
      // piece moves to a column where it fits with room to spare.
      s = Csi(std::to_string(Pick(random, 1, o.cols - 2)), 'G');
      AppendUtf8(kWide[random.Uniform(std::size(kWide))], &s);
      return s;
    case 7:  // A base character with a combining mark.
      s = Text(random, 1);
      AppendUtf8(kCombining[random.Uniform(std::size(kCombining))], &s);
      return s;
    case 8: {
      // D8: LF is preceded by CUF 1.
      static const char* const kC0[] = {"\r", "\x1b[C\n", "\b", "\t", "\r\n"};
      return kC0[random.Uniform(std::size(kC0))];
    }
    case 9:
      return Csi(std::to_string(Pick(random, 0, o.rows + 2)) + ";" +
                     std::to_string(Pick(random, 0, o.cols + 2)),
                 random.Chance(0.8) ? 'H' : 'f');
    case 10:
    case 11: {
      static const char kMoves[] = {'A', 'B', 'C', 'D'};
      return Csi(Count(random, o.cols), kMoves[random.Uniform(4)]);
    }
    case 12:
      return Csi(Count(random, o.cols), 'G');
    case 13:
      return Csi(Count(random, o.rows), 'd');
    case 14:
      return kClearPendingWrap +
             Csi(random.Chance(0.3) ? "" : std::to_string(Pick(random, 0, 2)), 'J');
    case 15:
      return kClearPendingWrap +
             Csi(random.Chance(0.3) ? "" : std::to_string(Pick(random, 0, 2)), 'K');
    case 16:
      return kClearPendingWrap + Csi(Count(random, o.cols), 'X');
    // DIFFERENCES.md D2: cells opened by insert/delete/scroll carry the
    // current background in roam, the default one in libvterm, so these
    // pieces first reset the background.
    // DIFFERENCES.md D6: libvterm ignores ICH/DCH on rows outside the
    // scroll region, so these pieces reset the region and place the cursor.
    case 17:
    case 18:
      return kDefaultBackground + Csi("", 'r') +
             Csi(std::to_string(Pick(random, 1, o.rows)) + ";" +
                     std::to_string(Pick(random, 1, o.cols)),
                 'H') +
             Csi(Count(random, o.cols), random.Chance(0.5) ? '@' : 'P');
    // DIFFERENCES.md D1: IL/DL move the cursor to column 0 in roam (Mosh)
    // and not in libvterm; a CR after them puts both at column 0.
    case 19:
      return kDefaultBackground + Csi(Count(random, o.rows), 'L') + "\r";
    case 20:
      return kDefaultBackground + Csi(Count(random, o.rows), 'M') + "\r";
    case 21:
      return kDefaultBackground + std::string(kClearPendingWrap) +
             Csi(Count(random, o.rows), random.Chance(0.5) ? 'S' : 'T');
    case 22: {
      if (random.Chance(0.25)) return Csi("", 'r');
      int top = Pick(random, 1, o.rows - 1);
      int bottom = Pick(random, top + 1, o.rows);
      return Csi(std::to_string(top) + ";" + std::to_string(bottom), 'r');
    }
    case 23:
    case 24:
      return Sgr(random);
    case 25:  // DECSC / DECRC, both preceded by CUF 1 (D8).
      return std::string(kClearPendingWrap) + "\x1b" + (random.Chance(0.5) ? "7" : "8");
    case 26: {
      static const char* const kTabs[] = {"\x1b[C\x1bH", "\x1b[g",  "\x1b[3g",
                                          "\x1b[I",      "\x1b[2I", "\x1b[C\x1b[Z"};
      return kTabs[random.Uniform(std::size(kTabs))];
    }
    case 27: {
      // IND, RI, NEL; D8: IND and RI are preceded by CUF 1.
      static const char* const kIndex[] = {
          "\x1b[C\x1b"
          "D",
          "\x1b[C\x1b"
          "M",
          "\x1b"
          "E"};
      return kIndex[random.Uniform(std::size(kIndex))];
    }
    case 28:  // Fill to the last column, then one more print: deferred wrap.
      return Csi(std::to_string(Pick(random, 1, o.rows)) + ";" + std::to_string(o.cols - 1), 'H') +
             Text(random, 3);
    case 30: {
      // Origin mode, as a closed episode (DIFFERENCES.md D16: libvterm's
      // DECSC/DECRC do not save/restore origin mode and autowrap, so
      // DECSC/DECRC never meet a non-default one):
      // set a region, turn origin mode on (homes to the region top), move
      // and print relative to it, turn it off again.
      int top = Pick(random, 1, o.rows - 1);
      int bottom = Pick(random, top + 1, o.rows);
      return Csi(std::to_string(top) + ";" + std::to_string(bottom), 'r') + "\x1b[?6h" +
             Csi(std::to_string(Pick(random, 1, bottom - top + 3)) + ";" +
                     std::to_string(Pick(random, 1, o.cols)),
                 'H') +
             Text(random, 5) + Csi(Count(random, o.rows), random.Chance(0.5) ? 'A' : 'B') +
             Text(random, 3) + "\x1b[?6l";
    }
    case 31:
      // Autowrap off, as a closed episode for the same reason (D16): text
      // printed past the margin overwrites the last column; then autowrap
      // back on. CUF 1 before both mode changes (D8: a pending wrap survives
      // DECRST 7 in libvterm and wraps the next character; Mosh only wraps
      // while autowrap is on).
      return kClearPendingWrap + std::string("\x1b[?7l") + Text(random, o.cols) +
             kClearPendingWrap + "\x1b[?7h";
    case 32:
      // DECALN: fill the screen with E. D17: libvterm draws the E's with the
      // current pen, roam with the default rendition; SGR 0 comes first,
      // after CUF 1 (D8: DECALN clears a pending wrap in roam only).
      return random.Chance(0.2) ? "\x1b[C\x1b[m\x1b#8" : Text(random, 3);
    case 33:  // CNL / CPL.
      return Csi(Count(random, o.rows), random.Chance(0.5) ? 'E' : 'F');
    case 34:  // HPA.
      return Csi(Count(random, o.cols), '`');
    default:
      return random.Chance(0.5) ? kClearPendingWrap + Csi("4", 'h') + Text(random, 4) +
                                      Csi("4", 'l') + kClearPendingWrap
                                : Csi(std::to_string(Pick(random, 1, o.rows)), 'd');
  }
}

}  // namespace

std::vector<std::string> GenerateStream(Random& random, int count, const GrammarOptions& options) {
  std::vector<std::string> pieces;
  pieces.reserve(static_cast<size_t>(count) + 1);
  // DIFFERENCES.md D3: DECRC with nothing saved restores a zeroed pen
  // (black on black) in libvterm; every stream saves the cursor first.
  pieces.push_back(
      "\x1b"
      "7");
  for (int i = 0; i < count; ++i) pieces.push_back(Piece(random, options));
  return pieces;
}

}  // namespace roam::oracle
