// Fuzz target: the whole server Transport<HostBytesState, UserStream> state
// machine driven by a fuzzer-chosen script (see TransportOp in
// fuzz_script.h): Instructions with fuzzer-chosen fields sealed under the
// right key (from changing addresses, fragmented, reordered, duplicated or
// partly lost), garbage, replays, damaged and wrong-key datagrams, time
// jumps, ticks, server output and shutdown. Checks that nothing crashes and
// that the queues stay within their documented bounds.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "base/check.h"
#include "base/clock.h"
#include "base/random.h"
#include "crypto/key.h"
#include "net/connection.h"
#include "ssp/fuzz_script.h"
#include "ssp/transport.h"
#include "state/user_stream.h"
#include "support/host_bytes_state.h"

namespace {

using roam::fuzz::FuzzScriptReader;
using ServerTransport = roam::ssp::Transport<roam::state::HostBytesState, roam::state::UserStream>;

roam::crypto::Key RightKey() { return roam::crypto::Key::FromBytes("fuzz-session-key"); }
roam::crypto::Key WrongKey() { return roam::crypto::Key::FromBytes("some-other-key!!"); }
roam::net::Address ServerAddr() { return *roam::net::Address::Parse("127.0.0.1", 60001); }
roam::net::Address FromAddr(uint8_t selector) {
  return *roam::net::Address::Parse(selector & 0x80 ? "127.0.0.2" : "127.0.0.1",
                                    static_cast<uint16_t>(40000 + (selector & 0x0F)));
}

std::string MakeDiff(uint8_t kind, const std::string& payload) {
  if (kind % 3 == 0) return payload;
  ClientBuffers::UserMessage message;
  if (kind % 3 == 1) {
    message.add_instruction()->MutableExtension(ClientBuffers::keystroke)->set_keys(payload);
  } else {
    auto* resize = message.add_instruction()->MutableExtension(ClientBuffers::resize);
    resize->set_width(payload.size() > 0 ? static_cast<uint8_t>(payload[0]) : 80);
    resize->set_height(payload.size() > 1 ? static_cast<uint8_t>(payload[1]) : 24);
  }
  return roam::wire::Serialize(message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzScriptReader script(std::string_view(reinterpret_cast<const char*>(data), size));
  roam::FakeClock clock;
  const roam::TimePoint start = clock.Now();
  roam::SeededRandom random(size);
  ServerTransport server(roam::net::Connection::Server(RightKey()), roam::state::HostBytesState(),
                         roam::state::UserStream(), &random, clock.Now());
  // Seeded counters, so that a crash replays exactly.
  roam::net::Connection peer = roam::net::Connection::Client(
      RightKey(), ServerAddr(), roam::crypto::OcbSession::kDefaultBlockLimit,
      roam::net::ClientFirstSeq(random));
  roam::net::Connection stranger = roam::net::Connection::Client(
      WrongKey(), ServerAddr(), roam::crypto::OcbSession::kDefaultBlockLimit,
      roam::net::ClientFirstSeq(random));
  roam::ssp::Fragmenter fragmenter;
  std::deque<std::pair<std::string, roam::net::Address>> sent;  // for replays
  uint64_t consumed_events = 0;

  auto deliver = [&](const std::string& bytes, const roam::net::Address& from) {
    server.Receive(bytes, from, 0, false, clock.Now());
    sent.emplace_back(bytes, from);
    if (sent.size() > 64) sent.pop_front();
  };

  for (int ops = 0; !script.empty() && ops < 5000; ++ops) {
    switch (script.U8() % roam::fuzz::kTransportOpCount) {
      case roam::fuzz::kOpInstruction: {
        roam::net::Address from = FromAddr(script.U8());
        TransportBuffers::Instruction instruction;
        instruction.set_old_num(script.U64());
        instruction.set_new_num(script.U64());
        instruction.set_ack_num(script.U64());
        instruction.set_throwaway_num(script.U64());
        uint8_t version = script.U8();
        instruction.set_protocol_version(version == 0 ? 2 : version);
        uint8_t kind = script.U8();
        uint8_t flags = script.U8();
        instruction.set_diff(MakeDiff(kind, script.Bytes()));
        instruction.set_chaff("");
        size_t mtu = (flags & 8) ? 60 : peer.mtu();
        auto fragments = fragmenter.Split(roam::wire::Serialize(instruction), mtu);
        if (!fragments.ok()) break;
        std::vector<roam::ssp::Fragment> order = *fragments;
        if ((flags & 1) && order.size() > 1) order.erase(order.begin());
        if (flags & 2) std::reverse(order.begin(), order.end());
        if (flags & 4) order.push_back(order.front());
        for (const roam::ssp::Fragment& fragment : order) {
          auto datagram = peer.Seal(fragment.Encode(), clock.Now());
          if (!datagram.ok()) break;
          deliver(datagram->bytes, from);
        }
        break;
      }
      case roam::fuzz::kOpGarbage: {
        roam::net::Address from = FromAddr(script.U8());
        deliver(script.Bytes(), from);
        break;
      }
      case roam::fuzz::kOpAdvance:
        clock.Advance(roam::Millis(script.U16()));
        break;
      case roam::fuzz::kOpTick: {
        for (const auto& datagram : server.Tick(clock.Now())) {
          ROAM_CHECK(datagram.bytes.size() <= 2048);
        }
        std::string diff = server.TakeRemoteDiff();
        auto events = roam::state::UserStream::EventsOfDiff(diff);
        if (events.ok()) consumed_events += events->size();
        uint64_t num = server.latest_remote_state_num();
        auto& screen = server.current_state();
        if (!server.shutdown_in_progress() && num != roam::wire::kShutdownStateNum &&
            num > screen.echo_ack()) {
          screen.SetEchoAck(num);
        }
        break;
      }
      case roam::fuzz::kOpReplay: {
        uint8_t index = script.U8();
        if (!sent.empty()) {
          auto copy = sent[index % sent.size()];
          deliver(copy.first, copy.second);
        }
        break;
      }
      case roam::fuzz::kOpServerOutput: {
        std::string bytes = script.Bytes();
        if (!server.shutdown_in_progress()) server.current_state().AppendBytes(bytes);
        break;
      }
      case roam::fuzz::kOpShutdown:
        server.StartShutdown(clock.Now());
        break;
      case roam::fuzz::kOpWrongKey: {
        std::string payload = script.Bytes();
        if (payload.size() < 10) payload.resize(10, '\0');
        if (payload.size() > 1200) payload.resize(1200);
        auto datagram = stranger.Seal(payload, clock.Now());
        if (datagram.ok()) deliver(datagram->bytes, FromAddr(0x8F));
        break;
      }
      case roam::fuzz::kOpCorrupt: {
        uint8_t index = script.U8();
        uint16_t pos = script.U16();
        uint8_t mask = script.U8();
        if (!sent.empty()) {
          auto copy = sent[index % sent.size()];
          if (!copy.first.empty())
            copy.first[pos % copy.first.size()] ^= static_cast<char>(mask | 1);
          deliver(copy.first, copy.second);
        }
        break;
      }
    }

    // Invariants: bounded queues, sane deadlines.
    const roam::TimePoint now = clock.Now();
    const uint64_t quench_windows =
        static_cast<uint64_t>((now - start) / roam::ssp::kReceiverQuenchTime) + 1;
    ROAM_CHECK(server.received_states_size() >= 1);
    ROAM_CHECK(server.received_states_size() <=
               roam::ssp::kReceivedStatesLimit + 1 + quench_windows);
    ROAM_CHECK(server.sender().sent_states_size() <= roam::ssp::kSentStatesLimit);
    ROAM_CHECK(server.NextWakeup(now) >= now);
  }
  (void)consumed_events;
  return 0;
}
