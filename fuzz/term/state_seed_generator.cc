// Writes the seed corpus of the term_state_restore fuzz target: serialized
// states of emulators that went through meaningful input, one file per
// state, named after what it holds. Usage: term_state_seeds <corpus dir>
// (the directory that holds term_state_restore/).

#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "term/emulator.h"
#include "term/terminal_state_codec.h"

namespace {

using roam::term::Emulator;
using roam::term::EmulatorOptions;

struct Seed {
  const char* name;
  int cols;
  int rows;
  size_t scrollback;
  std::string input;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus dir>\n", argv[0]);
    return 2;
  }
  std::string lines;
  for (int i = 0; i < 40; ++i) lines += "line " + std::to_string(i) + " of the scrollback\r\n";
  const std::vector<Seed> seeds = {
      {"blank_80x24", 80, 24, 100, ""},
      {"prompt_and_output", 80, 24, 100, "bash$ ls\r\nfile1  file2\r\nbash$ "},
      {"scrollback_with_wrapped_lines", 20, 5, 30, lines + "a line long enough to wrap twice over"},
      {"wide_combining_fallback", 10, 3, 10,
       "\xe4\xb8\xad"
       "e\xcc\x81\x1b[2;1H\xcc\x88x"},
      {"renditions_and_links", 30, 4, 0,
       "\x1b[1;3;4:3;9;38;2;1;2;3;48;5;200mstyled\x1b]8;id=a;http://x\aL\x1b]8;;\a\x1b[0m"},
      {"modes_margins_tabs_charsets", 16, 6, 0,
       "\x1b[2;5r\x1b[?6h\x1b[?7l\x1b[4h\x1b[?1h\x1b=\x1b[?1002h\x1b[?1006h\x1b[?1004h\x1b[?2004h"
       "\x1b[?5h\x1b[?25l\x1b[3 q\x1b[3g\x1b[5G\x1bH\x1b(0\x1b)A\x0e\x1b"
       "7\x1b[s"},
      {"alternate_screen_shown", 12, 4, 20, "main text\x1b[?1049h\x1b[Halt text"},
      {"titles_clipboard_bells", 10, 2, 0, "\x1b]1;icon\a\x1b]2;title\a\x1b]52;c;Zm9v\a\a\a"},
      {"partial_csi", 10, 2, 0, "ab\x1b[12;3"},
      {"partial_osc", 10, 2, 0, "\x1b]0;half a tit"},
      {"partial_utf8", 10, 2, 0, "x\xf0\x9f\x98"},
      {"pending_wrap", 5, 2, 0, "abcde"},
  };
  for (const Seed& s : seeds) {
    EmulatorOptions opt;
    opt.scrollback_lines = s.scrollback;
    Emulator emu(s.cols, s.rows, opt);
    emu.Write(s.input);
    std::string path = std::string(argv[1]) + "/term_state_restore/" + s.name;
    std::ofstream out(path, std::ios::binary);
    out << roam::term::SerializeTerminalState(emu);
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return 1;
    }
  }
  return 0;
}
