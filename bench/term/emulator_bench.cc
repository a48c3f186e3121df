// Parse + emulate throughput of roam's terminal engine on typical output
// (80x24 screen, 10,000-line scrollback capture on). Reports bytes/s.

#include <benchmark/benchmark.h>

#include <string>

#include "term/emulator.h"
#include "term/term_corpus.h"

namespace roam::term::bench {
namespace {

// 50 MiB per corpus: large enough that caches and the scrollback ring are
// in their steady state (the ring wraps many times over).
constexpr size_t kCorpusBytes = size_t{50} << 20;

void Run(benchmark::State& state, const std::string& corpus) {
  Emulator emu(80, 24);
  for (auto _ : state) {
    emu.Write(corpus);
    benchmark::DoNotOptimize(emu.fb().ds().cursor_row);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(corpus.size()));
}

void BM_Seq(benchmark::State& state) {
  static const std::string corpus = SeqOutput(kCorpusBytes);
  Run(state, corpus);
}
void BM_SourceText(benchmark::State& state) {
  static const std::string corpus = SourceText(kCorpusBytes);
  Run(state, corpus);
}
void BM_SgrHeavy(benchmark::State& state) {
  static const std::string corpus = SgrHeavy(kCorpusBytes);
  Run(state, corpus);
}
void BM_CjkEmoji(benchmark::State& state) {
  static const std::string corpus = CjkEmoji(kCorpusBytes);
  Run(state, corpus);
}
void BM_FullScreenRedraw(benchmark::State& state) {
  static const std::string corpus = FullScreenRedraws(kCorpusBytes);
  Run(state, corpus);
}

BENCHMARK(BM_Seq)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SourceText)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SgrHeavy)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CjkEmoji)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FullScreenRedraw)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace roam::term::bench

BENCHMARK_MAIN();
