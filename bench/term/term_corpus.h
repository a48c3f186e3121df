// Deterministic terminal-output corpora for benchmarks and the replay
// tool's tests: `seq` output, C-like source text, SGR-heavy colour output,
// CJK/emoji text and cursor-addressed full-screen redraws.

#ifndef ROAM_BENCH_TERM_TERM_CORPUS_H_
#define ROAM_BENCH_TERM_TERM_CORPUS_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace roam::term::bench {

// Small deterministic generator (no dependence on the platform's rand).
class Lcg {
 public:
  explicit Lcg(uint32_t seed) : s_(seed) {}
  uint32_t Next() {
    s_ = s_ * 1664525u + 1013904223u;
    return s_ >> 8;
  }
  uint32_t Below(uint32_t n) { return Next() % n; }

 private:
  uint32_t s_;
};

// "1\r\n2\r\n..." as a terminal receives `seq` output, at least `bytes` long.
inline std::string SeqOutput(size_t bytes) {
  std::string out;
  for (uint64_t i = 1; out.size() < bytes; ++i) out += std::to_string(i) + "\r\n";
  return out;
}

// C-like source text: indentation, keywords, identifiers, punctuation.
inline std::string SourceText(size_t bytes) {
  static const char* const kWords[] = {
      "int",    "return", "if",     "else",  "for",    "while",  "const",  "static",
      "struct", "buffer", "length", "index", "result", "status", "cursor", "width",
      "height", "row",    "column", "cell",  "value",  "size_t", "char",   "void",
  };
  static const char* const kPunct[] = {" = ", "(", ")", "; ", " + ", ", ", "->", "[i]", " < "};
  Lcg rng(42);
  std::string out;
  int depth = 0;
  while (out.size() < bytes) {
    uint32_t kind = rng.Below(10);
    out.append(static_cast<size_t>(depth) * 2, ' ');
    if (kind == 0 && depth < 6) {
      out += "if (" + std::string(kWords[rng.Below(24)]) + " < " + kWords[rng.Below(24)] + ") {";
      ++depth;
    } else if (kind == 1 && depth > 0) {
      out.resize(out.size() - 2);
      out += "}";
      --depth;
    } else if (kind == 2) {
      out += "// " + std::string(kWords[rng.Below(24)]) + " the " + kWords[rng.Below(24)] +
             " before it is used";
    } else {
      int n = 2 + static_cast<int>(rng.Below(8));
      for (int i = 0; i < n; ++i) {
        out += kWords[rng.Below(24)];
        out += kPunct[rng.Below(9)];
      }
      out += ";";
    }
    out += "\r\n";
  }
  return out;
}

// Colourised output: most words wrapped in SGR sequences (ls --color,
// compiler diagnostics, syntax highlighting).
inline std::string SgrHeavy(size_t bytes) {
  Lcg rng(7);
  std::string out;
  int col = 0;
  while (out.size() < bytes) {
    switch (rng.Below(5)) {
      case 0:
        out += "\x1b[1;" + std::to_string(31 + rng.Below(7)) + "m";
        break;
      case 1:
        out += "\x1b[38;5;" + std::to_string(rng.Below(256)) + "m";
        break;
      case 2:
        out += "\x1b[38;2;" + std::to_string(rng.Below(256)) + ";" +
               std::to_string(rng.Below(256)) + ";" + std::to_string(rng.Below(256)) + "m";
        break;
      default:
        out += "\x1b[0m";
        break;
    }
    int len = 3 + static_cast<int>(rng.Below(8));
    for (int i = 0; i < len; ++i) out.push_back(static_cast<char>('a' + rng.Below(26)));
    out += ' ';
    col += len + 1;
    if (col > 70) {
      out += "\x1b[0m\r\n";
      col = 0;
    }
  }
  return out;
}

// CJK text with emoji and some ASCII, wide characters throughout.
inline std::string CjkEmoji(size_t bytes) {
  static const char32_t kChars[] = {0x4E00,  0x4E8C, 0x4E09, 0x65E5, 0x672C,  0x8A9E,
                                    0x3042,  0x30AB, 0xAC00, 0xD55C, 0x1F600, 0x1F680,
                                    0x1F44D, 0x2764, 'a',    ' '};
  Lcg rng(99);
  std::string out;
  int col = 0;
  while (out.size() < bytes) {
    char32_t c = kChars[rng.Below(16)];
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
    col += 2;
    if (col >= 76) {
      out += "\r\n";
      col = 0;
    }
  }
  return out;
}

// Full-screen repaints of an 80x24 screen: home, then every row addressed
// and rewritten with a few colour changes (what full-screen apps emit).
inline std::string FullScreenRedraws(size_t bytes) {
  Lcg rng(2024);
  std::string out;
  while (out.size() < bytes) {
    out += "\x1b[H";
    for (int r = 1; r <= 24; ++r) {
      out += "\x1b[" + std::to_string(r) + ";1H";
      for (int seg = 0; seg < 4; ++seg) {
        out += "\x1b[" + std::to_string(30 + rng.Below(8)) + ";" +
               std::to_string(40 + rng.Below(8)) + "m";
        for (int i = 0; i < 20; ++i) out.push_back(static_cast<char>('!' + rng.Below(90)));
      }
      out += "\x1b[0m\x1b[K";
    }
  }
  return out;
}

}  // namespace roam::term::bench

#endif  // ROAM_BENCH_TERM_TERM_CORPUS_H_
