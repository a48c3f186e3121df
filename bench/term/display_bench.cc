// Display diff and state serialization costs: diffs of a 200x60 screen
// (unchanged, fully changed, scrolled by 3 lines, first frame) and the
// serialize / restore of a full state holding 10,000 lines of scrollback.

#include <benchmark/benchmark.h>

#include <string>

#include "base/random.h"
#include "term/display.h"
#include "term/emulator.h"
#include "term/terminal_state_codec.h"

namespace roam::term::bench {
namespace {

constexpr int kCols = 200;
constexpr int kRows = 60;

// One line of `cols` cells: words in a few colours.
std::string Line(SeededRandom* rng, int cols) {
  std::string s;
  int n = 0;
  while (n < cols - 12) {
    s += "\x1b[" + std::to_string(31 + rng->Uniform(7)) + "m";
    int len = 1 + static_cast<int>(rng->Uniform(10));
    for (int i = 0; i < len; ++i) s.push_back(static_cast<char>('a' + rng->Uniform(26)));
    s += "\x1b[0m ";
    n += len + 1;
  }
  return s;
}

void Fill(Emulator* e, uint64_t seed) {
  SeededRandom rng(seed);
  std::string all;
  for (int r = 0; r < kRows; ++r) all += "\r\n" + Line(&rng, kCols);
  e->Write(all);
}

const Display& Server() {
  static const Display d(DisplayCapabilities::Server());
  return d;
}

void BM_DiffUnchanged200x60(benchmark::State& state) {
  Emulator e(kCols, kRows);
  Fill(&e, 1);
  Framebuffer a = e.fb();
  Framebuffer b = e.fb();
  for (auto _ : state) benchmark::DoNotOptimize(Server().NewFrame(true, a, b));
}
BENCHMARK(BM_DiffUnchanged200x60);

void BM_DiffChanged200x60(benchmark::State& state) {
  Emulator ea(kCols, kRows);
  Emulator eb(kCols, kRows);
  Fill(&ea, 1);
  Fill(&eb, 2);
  size_t bytes = 0;
  for (auto _ : state) {
    std::string d = Server().NewFrame(true, ea.fb(), eb.fb());
    bytes = d.size();
    benchmark::DoNotOptimize(d);
  }
  state.counters["diff_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_DiffChanged200x60);

void BM_DiffScrolled3Lines200x60(benchmark::State& state) {
  Emulator e(kCols, kRows);
  Fill(&e, 1);
  Framebuffer a = e.fb();
  SeededRandom rng(3);
  e.Write("\r\n" + Line(&rng, kCols) + "\r\n" + Line(&rng, kCols) + "\r\n" + Line(&rng, kCols));
  size_t bytes = 0;
  for (auto _ : state) {
    std::string d = Server().NewFrame(true, a, e.fb());
    bytes = d.size();
    benchmark::DoNotOptimize(d);
  }
  state.counters["diff_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_DiffScrolled3Lines200x60);

void BM_FirstFrame200x60(benchmark::State& state) {
  Emulator e(kCols, kRows);
  Fill(&e, 1);
  Framebuffer blank(kCols, kRows);
  for (auto _ : state) benchmark::DoNotOptimize(Server().NewFrame(false, blank, e.fb()));
}
BENCHMARK(BM_FirstFrame200x60);

Emulator* FullState() {
  static Emulator* e = [] {
    EmulatorOptions opt;
    opt.scrollback_lines = 10000;
    auto* emu = new Emulator(kCols, kRows, opt);
    SeededRandom rng(4);
    std::string all;
    for (int i = 0; i < 10000 + kRows; ++i) all += Line(&rng, 100) + "\r\n";
    emu->Write(all);
    emu->Write("\x1b[?1049h");
    Fill(emu, 5);
    return emu;
  }();
  return e;
}

void BM_Serialize10kScrollback(benchmark::State& state) {
  const Emulator& e = *FullState();
  size_t bytes = 0;
  for (auto _ : state) {
    std::string s = SerializeTerminalState(e);
    bytes = s.size();
    benchmark::DoNotOptimize(s);
  }
  state.counters["state_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_Serialize10kScrollback);

void BM_Restore10kScrollback(benchmark::State& state) {
  const std::string s = SerializeTerminalState(*FullState());
  for (auto _ : state) {
    auto r = RestoreTerminalState(s);
    if (!r.ok()) state.SkipWithError("restore failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(s.size()));
}
BENCHMARK(BM_Restore10kScrollback);

}  // namespace
}  // namespace roam::term::bench

BENCHMARK_MAIN();
