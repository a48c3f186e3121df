// OcbSession throughput: sealing and opening datagrams of the size roam sends
// most (a full IPv4 fragment is about 1,400 bytes on the wire at most; 1,400
// bytes of plaintext is used here). Reports ns per operation and bytes/s of
// plaintext.

#include <benchmark/benchmark.h>

#include <string>

#include "crypto/key.h"
#include "crypto/nonce.h"
#include "crypto/ocb_session.h"

namespace roam::crypto {
namespace {

void BM_SealThenOpen(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  OcbSession session(Key::Generate());
  const std::string plaintext(size, 'p');
  uint64_t seq = 0;
  for (auto _ : state) {
    Result<std::string> sealed = session.Seal(MakeNonce(Direction::kToServer, seq++), plaintext);
    Result<OcbSession::Opened> opened = session.Open(*sealed);
    benchmark::DoNotOptimize(opened->plaintext.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(size));
}
BENCHMARK(BM_SealThenOpen)->Arg(1400)->Arg(100)->Arg(16);

void BM_Seal(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  OcbSession session(Key::Generate());
  const std::string plaintext(size, 'p');
  uint64_t seq = 0;
  for (auto _ : state) {
    Result<std::string> sealed = session.Seal(MakeNonce(Direction::kToServer, seq++), plaintext);
    benchmark::DoNotOptimize(sealed->data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(size));
}
BENCHMARK(BM_Seal)->Arg(1400);

void BM_Open(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  OcbSession session(Key::Generate());
  const std::string sealed =
      *session.Seal(MakeNonce(Direction::kToServer, 0), std::string(size, 'p'));
  for (auto _ : state) {
    Result<OcbSession::Opened> opened = session.Open(sealed);
    benchmark::DoNotOptimize(opened->plaintext.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(size));
}
BENCHMARK(BM_Open)->Arg(1400);

// Opening garbage: what a flood of forged datagrams costs the receiver.
void BM_OpenForged(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  OcbSession session(Key::Generate());
  const std::string forged(size + OcbSession::kOverhead, 'f');
  for (auto _ : state) {
    Result<OcbSession::Opened> opened = session.Open(forged);
    benchmark::DoNotOptimize(opened.ok());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(size));
}
BENCHMARK(BM_OpenForged)->Arg(1400);

}  // namespace
}  // namespace roam::crypto

BENCHMARK_MAIN();
