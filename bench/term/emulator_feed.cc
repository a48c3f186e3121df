// Feeds one corpus of term_corpus.h through an 80x24 Emulator (scrollback
// capture on) exactly once, for instruction counting under
// `valgrind --tool=callgrind --toggle-collect=*FeedOnce*`, where a loaded
// machine makes wall-clock benchmarks unreliable.
// Usage: term_emulator_feed seq|source|sgr|cjk|redraw [bytes]

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "term/emulator.h"
#include "term/term_corpus.h"

namespace roam::term::bench {
namespace {

// Kept out of line so callgrind can count just this call.
[[gnu::noinline]] int FeedOnce(Emulator* emu, const std::string& corpus) {
  emu->Write(corpus);
  return emu->fb().ds().cursor_row;
}

}  // namespace
}  // namespace roam::term::bench

int main(int argc, char** argv) {
  using namespace roam::term::bench;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s seq|source|sgr|cjk|redraw [bytes]\n", argv[0]);
    return 2;
  }
  const size_t bytes = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : (1u << 20);
  const std::string which = argv[1];
  std::string corpus;
  if (which == "seq") {
    corpus = SeqOutput(bytes);
  } else if (which == "source") {
    corpus = SourceText(bytes);
  } else if (which == "sgr") {
    corpus = SgrHeavy(bytes);
  } else if (which == "cjk") {
    corpus = CjkEmoji(bytes);
  } else if (which == "redraw") {
    corpus = FullScreenRedraws(bytes);
  } else {
    std::fprintf(stderr, "unknown corpus %s\n", argv[1]);
    return 2;
  }
  roam::term::Emulator emu(80, 24);
  const int row = FeedOnce(&emu, corpus);
  std::printf("%s %zu bytes, cursor row %d\n", which.c_str(), corpus.size(), row);
  return 0;
}
