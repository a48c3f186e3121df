// Connection cost per datagram: a client seals a full IPv4-sized fragment
// (MTU 1252 - 28 bytes of overhead = 1224 bytes) and the server receives it,
// including framing, timestamps and the receive rules on top of OCB.

#include <benchmark/benchmark.h>

#include <string>

#include "base/clock.h"
#include "crypto/key.h"
#include "net/address.h"
#include "net/connection.h"

namespace roam::net {
namespace {

void BM_ClientSealServerReceive(benchmark::State& state) {
  const crypto::Key key = crypto::Key::Generate();
  const Address server_addr = *Address::Parse("127.0.0.1", 60001);
  const Address client_addr = *Address::Parse("127.0.0.1", 40000);
  Connection client = Connection::Client(key, server_addr);
  Connection server = Connection::Server(key);
  const std::string fragment(static_cast<size_t>(state.range(0)), 'f');
  FakeClock clock;
  for (auto _ : state) {
    clock.Advance(Millis(1));
    // Keep the port-hop rule quiet: a round trip "just succeeded".
    client.set_last_roundtrip_success(clock.Now());
    Result<OutgoingDatagram> out = client.Seal(fragment, clock.Now());
    std::optional<std::string> got = server.Receive(out->bytes, client_addr, 0, false, clock.Now());
    benchmark::DoNotOptimize(got->data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_ClientSealServerReceive)->Arg(1224)->Arg(10);

}  // namespace
}  // namespace roam::net

BENCHMARK_MAIN();
