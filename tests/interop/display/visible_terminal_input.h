// VisibleTerminalInput: seeded random host output for the display-diff
// interop test, limited to what ends up visible in a tmux pane behind a
// stock Mosh client and can be read back from it: text (ASCII, Latin-1,
// box drawing, CJK and emoji wide characters, combining characters, lone
// combining characters that make fallback cells), line wraps, SGR colours
// and attributes (including forms the display diff must rewrite: faint,
// strikethrough, underline styles, colon forms), cursor motion, erasing,
// scroll regions, scrolling, insert/delete of cells and lines, insert mode,
// autowrap off, origin mode, tabs, cursor save/restore and visibility, the
// alternate screen, DEC graphics, REP, soft reset and titles.
//
// Left out on purpose, because the pane would not show them or a capture
// cannot read them back: bells, reverse video (DECSCNM), clipboard,
// mouse/paste modes, queries, and resizes (the pane has a fixed size).

#ifndef ROAM_TESTS_INTEROP_DISPLAY_VISIBLE_TERMINAL_INPUT_H_
#define ROAM_TESTS_INTEROP_DISPLAY_VISIBLE_TERMINAL_INPUT_H_

#include <initializer_list>
#include <string>

#include "base/random.h"

namespace roam::interop {

class VisibleTerminalInput {
 public:
  // `random` is borrowed and must outlive this object.
  explicit VisibleTerminalInput(Random* random) : rng_(random) {}

  // `ops` random operations' bytes for a cols x rows screen.
  std::string Ops(int ops, int cols, int rows) {
    std::string s;
    for (int i = 0; i < ops; ++i) s += Op(cols, rows);
    return s;
  }

  // One random operation's bytes.
  std::string Op(int cols, int rows) {
    switch (Pick(30)) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 4:
        return Text(1 + Pick(cols / 2));
      case 5:
        // A line that wraps (once or twice).
        return Text(cols + Pick(cols + 8));
      case 6:
      case 7:
        return "\r\n";
      case 8:
      case 9: {
        const std::string row = Count(rows);
        return Csi(row + ";" + Count(cols) + "H");
      }
      case 10:
      case 11:
      case 12:
        return Sgr();
      case 13:
        return Csi(std::to_string(Pick(3)) + "K");
      case 14:
        return Pick(4) == 0 ? Csi(std::to_string(Pick(3)) + "J")
                            : Csi(std::to_string(1 + Pick(12)) + "X");
      case 15: {
        if (Pick(3) == 0) return Csi("r");
        const int top = 1 + Pick(rows);
        const int bottom = top + 1 + Pick(rows);
        return Csi(std::to_string(top) + ";" + std::to_string(bottom) + "r");
      }
      case 16:
        return OneOf({"\n", "\n\n\n", "\x1bM",
                      "\x1b"
                      "D",
                      "\x1b"
                      "E",
                      "\b", "\t", "\r", "\x1b[2I", "\x1b[Z"});
      case 17: {
        const std::string n = Count(4);
        return Csi(n + "LMST"[Pick(4)]);
      }
      case 18: {
        const std::string n = Count(6);
        return Csi(n + "@P"[Pick(2)]);
      }
      case 19: {
        const std::string n = Count(8);
        return Csi(n + "ABCDGdEF"[Pick(8)]);
      }
      case 20:
        // Modes the server emulator uses but never sends: insert, autowrap,
        // origin; plus cursor visibility, which is sent.
        return OneOf({"\x1b[4h", "\x1b[4l", "\x1b[4l", "\x1b[?7l", "\x1b[?7h", "\x1b[?7h",
                      "\x1b[?6h", "\x1b[?6l", "\x1b[?6l", "\x1b[?25l", "\x1b[?25h", "\x1b[?25h"});
      case 21:
        return OneOf(
            {"\x1b"
             "7",
             "\x1b"
             "8",
             "\x1b[s", "\x1b[u"});
      case 22:
        return OneOf({"\x1b(0lqqk\x1b(B", "\x1b(0x\x1b(B", "\x1b)0\x0eqn\x0f", "\x1b(B"});
      case 23:
        return Pick(4) == 0 ? OneOf({"\x1b[?1049h", "\x1b[?1049l", "\x1b[?47h", "\x1b[?47l"})
                            : Text(1);
      case 24:
        return Title();
      case 25: {
        // REP: repeat the last printed character.
        return Text(1) + Csi(Count(10) + "b");
      }
      case 26:
        return Pick(8) == 0 ? Csi("!p") : Sgr();
      default:
        return Text(1 + Pick(8));
    }
  }

 private:
  int Pick(int n) { return static_cast<int>(rng_->Uniform(static_cast<uint64_t>(n))); }
  std::string OneOf(std::initializer_list<const char*> options) {
    return *(options.begin() + Pick(static_cast<int>(options.size())));
  }
  // "1".."n" as text. Every draw is its own statement, so the order of draws
  // never depends on the compiler's order of evaluation.
  std::string Count(int n) { return std::to_string(1 + Pick(n)); }
  static std::string Csi(const std::string& body) { return "\x1b[" + body; }

  std::string Text(int n) {
    static const char* const kPieces[] = {
        "\xe4\xb8\xad",      // U+4E2D, wide
        "\xef\xbc\xa1",      // U+FF21 fullwidth A, wide
        "\xf0\x9f\x98\x80",  // U+1F600, wide emoji
        "e\xcc\x81",         // e + combining acute
        "\xcc\x88",          // a combining diaeresis (a fallback cell if nothing precedes)
        "\xc3\xa9",          // U+00E9
        "\xe2\x94\x80",      // U+2500 box drawing
        "\xc3\x9f",          // U+00DF
        " ",
        "   ",
    };
    std::string s;
    for (int i = 0; i < n; ++i) {
      const int k = Pick(14);
      if (k < 9) {
        s.push_back(static_cast<char>(Pick(3) == 0 ? '0' + Pick(10) : 'a' + Pick(26)));
      } else {
        s += kPieces[Pick(10)];
      }
    }
    return s;
  }

  std::string Sgr() {
    static const char* const kSgr[] = {
        "0",
        "1",
        "2",
        "3",
        "4",
        "4:3",
        "5",
        "7",
        "8",
        "9",
        "21",
        "22",
        "23",
        "24",
        "25",
        "27",
        "28",
        "39",
        "49",
        "31",
        "44",
        "93",
        "105",
        "38;5;200",
        "48;5;9",
        "38;5;3",
        "48;5;232",
        "",
        "1;4;7",
        "38;2;1;2;3",
        "48;2;250;0;9",
        "38:2::9:8:7",
        "38:5:77",
        "0;36;41",
        "4:0",
        "58;5;3",
        "1;2",
        "30;47",
    };
    constexpr int kCount = static_cast<int>(sizeof(kSgr) / sizeof(kSgr[0]));
    return Csi(std::string(kSgr[Pick(kCount)]) + "m");
  }

  std::string Title() {
    switch (Pick(3)) {
      case 0:
        return "\x1b]0;title-" + std::to_string(Pick(1000)) + "\a";
      case 1:
        return "\x1b]2;win-" + std::to_string(Pick(1000)) + "\x1b\\";
      default:
        return "\x1b]1;icon-" + std::to_string(Pick(1000)) + "\a";
    }
  }

  Random* rng_;
};

}  // namespace roam::interop

#endif  // ROAM_TESTS_INTEROP_DISPLAY_VISIBLE_TERMINAL_INPUT_H_
