// RandomTerminalInput: seeded, meaningful host output for property tests of
// the display diff and state serialization: text (ASCII, wide, combining,
// fallback), cursor motion, SGR (Mosh's and roam's forms), erasing, scroll
// regions, insert/delete, modes, titles, clipboard, bells, links, charsets,
// the alternate screen, and (through Apply) resizes.

#ifndef ROAM_TESTS_UNIT_TERM_RANDOM_TERMINAL_INPUT_H_
#define ROAM_TESTS_UNIT_TERM_RANDOM_TERMINAL_INPUT_H_

#include <initializer_list>
#include <string>

#include "base/random.h"
#include "term/emulator.h"

namespace roam::term::testing {

class RandomTerminalInput {
 public:
  explicit RandomTerminalInput(Random* random) : rng_(random) {}

  // Feeds `steps` random operations to `emu`; resizes stay within
  // [2, max_cols] x [1, max_rows] (0 = no resizes).
  void Apply(Emulator* emu, int steps, int max_cols = 0, int max_rows = 0) {
    for (int i = 0; i < steps; ++i) {
      if (max_cols >= 2 && max_rows >= 1 && Pick(40) == 0) {
        const int cols = 2 + Pick(max_cols - 1);
        const int rows = 1 + Pick(max_rows);
        emu->Resize(cols, rows);
        continue;
      }
      emu->Write(Chunk(emu->fb().width(), emu->fb().height()));
    }
  }

  // One random operation's bytes for a screen of the given size.
  std::string Chunk(int cols, int rows) {
    std::string s;
    switch (Pick(24)) {
      case 0:
      case 1:
      case 2:
      case 3:
        s = Text(1 + Pick(cols + 4));
        break;
      case 4:
        s = "\r\n";
        break;
      case 5: {
        const std::string row = Count(rows);
        s = Csi(row + ";" + Count(cols) + "H");
        break;
      }
      case 6:
      case 7:
        s = Sgr();
        break;
      case 8:
        s = Csi(std::to_string(Pick(3)) + "K");
        break;
      case 9:
        s = Pick(4) == 0 ? Csi(std::to_string(Pick(3)) + "J")
                         : Csi(std::to_string(1 + Pick(8)) + "X");
        break;
      case 10: {
        int top = 1 + Pick(rows);
        int bottom = top + Pick(rows);
        s = Csi(std::to_string(top) + ";" + std::to_string(bottom) + "r");
        break;
      }
      case 11:
        s = OneOf({"\n", "\n\n\n", "\x1bM",
                   "\x1b"
                   "D",
                   "\x1b"
                   "E",
                   "\b", "\t", "\r"});
        break;
      case 12: {
        const std::string n = Count(3);
        s = Csi(n + "LMST"[Pick(4)]);
        break;
      }
      case 13: {
        const std::string n = Count(4);
        s = Csi(n + "@P"[Pick(2)]);
        break;
      }
      case 14:
        s = Mode();
        break;
      case 15:
        s = Osc();
        break;
      case 16:
        s = "\a";
        break;
      case 17: {
        const std::string n = Count(5);
        s = Csi(n + "ABCDGd"[Pick(6)]);
        break;
      }
      case 18:
        // A line that wraps.
        s = Text(cols + Pick(cols + 1));
        break;
      case 19:
        s = OneOf({"\x1b(0", "\x1b(B", "\x0e", "\x0f", "\x1b)0",
                   "\x1b"
                   "7",
                   "\x1b"
                   "8",
                   "\x1b[s", "\x1b[u"});
        break;
      case 20:
        s = Pick(30) == 0 ? std::string(
                                "\x1b"
                                "c")
                          : Csi("!p");
        break;
      case 21:
        // An escape sequence split before its end, completed by later chunks
        // or interrupted (partial parser states).
        s = OneOf({"\x1b[", "\x1b]0;par", "\x1b", "\xe4\xb8", "\xcc", "\x1bP1$q"});
        break;
      case 22:
        s = Csi(std::to_string(Pick(7)) + " q");
        break;
      default:
        s = Text(1 + Pick(6));
        break;
    }
    return s;
  }

 private:
  int Pick(int n) { return static_cast<int>(rng_->Uniform(static_cast<uint64_t>(n))); }
  std::string OneOf(std::initializer_list<const char*> options) {
    return *(options.begin() + Pick(static_cast<int>(options.size())));
  }
  // "1".."n" as text. Every draw is its own statement, so the order of
  // draws never depends on the compiler's order of evaluation.
  std::string Count(int n) { return std::to_string(1 + Pick(n)); }
  static std::string Csi(const std::string& body) { return "\x1b[" + body; }

  std::string Text(int n) {
    static const char* const kPieces[] = {
        "\xe4\xb8\xad",      // U+4E2D, wide
        "\xf0\x9f\x98\x80",  // U+1F600, wide emoji
        "e\xcc\x81",         // e + combining acute
        "\xcc\x88",          // a lone combining diaeresis (fallback cell if nothing before)
        "\xc3\xa9",          // U+00E9
        "\xe2\x94\x80",      // box drawing
        " ",
        "  ",
    };
    std::string s;
    for (int i = 0; i < n; ++i) {
      int k = Pick(12);
      if (k < 8) {
        s.push_back(static_cast<char>('a' + Pick(26)));
      } else {
        s += kPieces[Pick(8)];
      }
    }
    return s;
  }

  std::string Sgr() {
    static const char* const kSgr[] = {
        "0",  "1",     "2",           "3",      "4",        "4:3",    "5",          "7",
        "8",  "9",     "21",          "22",     "24",       "27",     "39",         "49",
        "31", "44",    "93",          "105",    "38;5;200", "48;5;9", "38;2;1;2;3", "48;2;250;0;9",
        "",   "1;4;7", "38:2::9:8:7", "58;5;3",
    };
    return Csi(std::string(kSgr[Pick(28)]) + "m");
  }

  std::string Mode() {
    static const char* const kModes[] = {"5",    "25",   "2004", "1000", "1002", "1003",
                                         "1004", "1006", "1015", "1007", "1049", "47",
                                         "6",    "7",    "1",    "1005", "9",    "1047"};
    std::string m = kModes[Pick(18)];
    if (Pick(10) == 0) return Csi(std::string("4") + (Pick(2) ? "h" : "l"));
    return Csi("?" + m + (Pick(2) ? "h" : "l"));
  }

  std::string Osc() {
    switch (Pick(6)) {
      case 0:
        return "\x1b]0;title " + Text(Pick(6)) + "\a";
      case 1:
        return "\x1b]1;icon" + std::to_string(Pick(3)) + "\x1b\\";
      case 2:
        return "\x1b]2;win" + std::to_string(Pick(3)) + "\a";
      case 3: {
        const std::string selection = Pick(2) ? "c" : "p";
        return "\x1b]52;" + selection + ";aGVsbG8=" + std::to_string(Pick(9)) + "\a";
      }
      case 4: {
        const std::string id = std::to_string(Pick(3));
        return "\x1b]8;id=" + id + ";http://x/" + std::to_string(Pick(3)) + "\x1b\\";
      }
      default:
        return "\x1b]8;;\x1b\\";
    }
  }

  Random* rng_;
};

}  // namespace roam::term::testing

#endif  // ROAM_TESTS_UNIT_TERM_RANDOM_TERMINAL_INPUT_H_
