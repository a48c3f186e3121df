// UserStream diff and apply costs: a burst of 1,000 keystrokes with a resize
// every 100 bytes (a paste into a resizing window), as the client's sender
// and the server's receiver handle it, plus the sender's per-tick subtract.

#include <benchmark/benchmark.h>

#include <string>

#include "state/user_stream.h"

namespace {

using roam::state::UserStream;

UserStream MakeBurst(int keystrokes, int resize_every) {
  UserStream stream;
  for (int i = 0; i < keystrokes; ++i) {
    stream.PushByte(static_cast<char>('a' + i % 26));
    if (resize_every > 0 && i % resize_every == resize_every - 1) {
      stream.PushResize(80 + i % 40, 24 + i % 10);
    }
  }
  return stream;
}

void BM_DiffFrom(benchmark::State& state) {
  const UserStream stream = MakeBurst(static_cast<int>(state.range(0)), 100);
  const UserStream empty;
  size_t bytes = 0;
  for (auto _ : state) {
    std::string diff = stream.DiffFrom(empty);
    bytes = diff.size();
    benchmark::DoNotOptimize(diff);
  }
  state.counters["diff_bytes"] = static_cast<double>(bytes);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(stream.size()));
}
BENCHMARK(BM_DiffFrom)->Arg(1000)->Arg(10000);

void BM_Apply(benchmark::State& state) {
  const std::string diff = MakeBurst(static_cast<int>(state.range(0)), 100).InitDiff();
  size_t events = 0;
  for (auto _ : state) {
    UserStream stream;
    benchmark::DoNotOptimize(stream.Apply(diff));
    events = stream.size();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(events));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(diff.size()));
}
BENCHMARK(BM_Apply)->Arg(1000)->Arg(10000);

// One keystroke after a 1,000-event acknowledged prefix: what every typed
// character costs the sender (diff of the unacknowledged suffix only).
void BM_DiffOneKeyAfterLongPrefix(benchmark::State& state) {
  const UserStream old = MakeBurst(1000, 100);
  UserStream now = old;
  now.PushByte('x');
  for (auto _ : state) {
    std::string diff = now.DiffFrom(old);
    benchmark::DoNotOptimize(diff);
  }
}
BENCHMARK(BM_DiffOneKeyAfterLongPrefix);

void BM_SubtractAckedPrefix(benchmark::State& state) {
  const UserStream acked = MakeBurst(1000, 100);
  UserStream full = acked;
  full.PushBytes("tail");
  for (auto _ : state) {
    UserStream copy = full;
    copy.Subtract(acked);
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(BM_SubtractAckedPrefix);

}  // namespace

BENCHMARK_MAIN();
