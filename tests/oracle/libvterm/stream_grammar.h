// StreamGrammar: random host-output streams built from meaningful pieces
// (printable ASCII, UTF-8 including wide CJK and combining marks, C0
// controls, cursor movement, erasing, insert/delete, scrolling, scroll
// regions, SGR, save/restore cursor, tab stops), for differential testing
// of two terminal emulators.
//
// A stream is a list of pieces, each a complete control sequence or a run
// of text, so a report can show which piece made two emulators diverge.
// The generator is driven by a seeded Random, so a seed names a stream.
// Constructs listed in DIFFERENCES.md as intentional differences are
// produced only when the matching GrammarOptions flag allows them.

#ifndef ROAM_TESTS_ORACLE_LIBVTERM_STREAM_GRAMMAR_H_
#define ROAM_TESTS_ORACLE_LIBVTERM_STREAM_GRAMMAR_H_

#include <string>
#include <vector>

#include "base/random.h"

namespace roam::oracle {

struct GrammarOptions {
  int cols = 80;
  int rows = 24;
};

// Returns `count` pieces drawn from the grammar.
std::vector<std::string> GenerateStream(Random& random, int count, const GrammarOptions& options);

}  // namespace roam::oracle

#endif  // ROAM_TESTS_ORACLE_LIBVTERM_STREAM_GRAMMAR_H_
