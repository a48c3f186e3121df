// Fuzz target: the whole roam <-> roam state machine. A real ClientCore and
// a real ServerCore (handshake, SSP, screen, prediction, echo-ack, channel
// multiplexer and test services) are joined by a link the fuzzer controls
// datagram by datagram (SessionOp in core_script.h): which queued datagram
// arrives next, which is dropped, duplicated or damaged, when time passes,
// when the client's NAT mapping moves; with typing, the program's output,
// window sizes and the client's channel calls. Nothing may crash, neither
// core may ask to be woken in the past, queues stay bounded, and both
// multiplexers keep their bounds.

#include <signal.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <vector>

#include "base/check.h"
#include "base/clock.h"
#include "base/random.h"
#include "client/client_core.h"
#include "crypto/key.h"
#include "net/address.h"
#include "session/channel_app.h"
#include "session/core_script.h"
#include "session/server_core.h"
#include "ssp/fuzz_script.h"

namespace {

using roam::fuzz::FuzzScriptReader;

roam::crypto::Key SessionKey() { return roam::crypto::Key::FromBytes("fuzz-cores-key!!"); }
roam::net::Address ServerAddr() { return *roam::net::Address::Parse("127.0.0.1", 60001); }

constexpr int kMaxOps = 800;
// Ticks of both cores in one run at most, however the script loops.
constexpr int kMaxTicks = 2000;
// Datagrams held on the link in each direction; beyond, the oldest is lost.
constexpr size_t kMaxQueued = 256;
constexpr size_t kMaxPendingPtyInput = 1 << 20;  // ServerCore's own bound

class Harness {
 public:
  Harness()
      : client_random_(3),
        server_random_(4),
        client_(SessionKey(), ClientConfig(), &client_random_, clock_.Now()),
        server_(SessionKey(), ServerConfig(), &server_random_, clock_.Now()) {}

  void Run(FuzzScriptReader& script) {
    for (int ops = 0; !script.empty() && ops < kMaxOps; ++ops) {
      Step(script);
      CheckInvariants();
    }
  }

 private:
  struct Datagram {
    std::string bytes;
    int socket_id = 0;      // the client's socket (to the server) ...
    roam::net::Address to;  // ... or where the server sent it (to the client)
  };

  static roam::client::ClientCoreConfig ClientConfig() {
    roam::client::ClientCoreConfig c;
    c.server = ServerAddr();
    c.cols = 30;
    c.rows = 8;
    c.channels = roam::fuzz::FuzzChannelConfig();
    return c;
  }
  static roam::session::ServerCoreConfig ServerConfig() {
    roam::session::ServerCoreConfig c;
    c.cols = 30;
    c.rows = 8;
    c.channels = roam::fuzz::FuzzChannelConfig();
    return c;
  }

  roam::TimePoint now() const { return clock_.Now(); }
  roam::net::Address ClientAddr(int socket_id) const {
    return *roam::net::Address::Parse(
        "127.0.0.1", static_cast<uint16_t>(40000 + 10 * (socket_id % 100) + nat_shift_));
  }

  void Enqueue(std::deque<Datagram>& queue, Datagram d) {
    queue.push_back(std::move(d));
    if (queue.size() > kMaxQueued) queue.pop_front();
  }

  void Tick() {
    if (ticks_ >= kMaxTicks) return;
    ++ticks_;
    for (roam::net::OutgoingDatagram& d : client_.Tick(now())) {
      open_sockets_.insert(d.socket_id);
      Enqueue(to_server_, Datagram{std::move(d.bytes), d.socket_id, d.to});
    }
    for (roam::net::OutgoingDatagram& d : server_.Tick(now())) {
      Enqueue(to_client_, Datagram{std::move(d.bytes), 0, d.to});
    }
    for (int closed : client_.connection().TakeSocketsToClose(now())) open_sockets_.erase(closed);
    RunProgram();
    (void)client_.Draw(now(), /*with_bar=*/true);
  }

  // The program on the pty echoes what it is given, after a prompt.
  void RunProgram() {
    if (!server_.release_child()) return;
    if (!program_started_) {
      program_started_ = true;
      server_.OnPtyOutput("$ ", now());
    }
    if (!server_.pty_input().empty()) {
      const std::string input = server_.pty_input();
      server_.ConsumePtyInput(input.size(), now());
      server_.OnPtyOutput(input, now());
    }
    (void)server_.TakePtyResize();
  }

  void Deliver(const Datagram& d, bool to_server) {
    if (to_server) {
      server_.Receive(d.bytes, ClientAddr(d.socket_id), 0, false, now());
    } else {
      // The server sent to an address; it reaches the client only if that
      // is one of the client's sockets as the NAT maps it now.
      for (int id : open_sockets_) {
        if (ClientAddr(id) == d.to) {
          client_.Receive(d.bytes, ServerAddr(), id, false, now());
          break;
        }
      }
    }
    RunProgram();
  }

  // The queued datagram a selector names (bit 0 the direction), if any.
  std::deque<Datagram>* Queue(uint8_t selector) { return selector & 1 ? &to_server_ : &to_client_; }

  void Step(FuzzScriptReader& script) {
    const uint8_t op = script.U8() % roam::fuzz::kSessionOpCount;
    switch (op) {
      case roam::fuzz::kSoTick:
        Tick();
        break;
      case roam::fuzz::kSoDeliver:
      case roam::fuzz::kSoDrop:
      case roam::fuzz::kSoDuplicate:
      case roam::fuzz::kSoCorrupt: {
        const uint8_t selector = script.U8();
        const uint16_t position = op == roam::fuzz::kSoCorrupt ? script.U16() : 0;
        const uint8_t mask = op == roam::fuzz::kSoCorrupt ? script.U8() : 0;
        std::deque<Datagram>& queue = *Queue(selector);
        if (queue.empty()) break;
        const size_t index = (selector >> 1) % queue.size();
        Datagram d = queue[index];
        if (op != roam::fuzz::kSoDuplicate) queue.erase(queue.begin() + static_cast<long>(index));
        if (op == roam::fuzz::kSoCorrupt && !d.bytes.empty()) {
          d.bytes[position % d.bytes.size()] ^= static_cast<char>(mask | 1);
        }
        if (op != roam::fuzz::kSoDrop) Deliver(d, (selector & 1) != 0);
        break;
      }
      case roam::fuzz::kSoAdvance:
        clock_.Advance(roam::Millis(script.U16()));
        break;
      case roam::fuzz::kSoNat:
        nat_shift_ = static_cast<uint16_t>((nat_shift_ + 1) % 10);
        break;
      case roam::fuzz::kSoType:
        client_.OnUserInput(script.Bytes(), now());
        break;
      case roam::fuzz::kSoOutput: {
        const std::string bytes = script.Bytes();
        if (bytes.size() <= output_budget_) {
          output_budget_ -= bytes.size();
          server_.OnPtyOutput(bytes, now());
        }
        break;
      }
      case roam::fuzz::kSoWindow: {
        const uint8_t cols = script.U8();
        const uint8_t rows = script.U8();
        client_.OnWindowSize(cols, rows, now());
        break;
      }
      case roam::fuzz::kSoChannel:
        app_.Call(client_.mux(), script, now());
        break;
      case roam::fuzz::kSoRun: {
        const int rounds = script.U8() % 16 + 1;
        for (int round = 0; round < rounds; ++round) {
          Tick();
          // Everything queued arrives, in order; what it provokes waits for
          // the next round.
          std::deque<Datagram> up = std::move(to_server_);
          std::deque<Datagram> down = std::move(to_client_);
          to_server_.clear();
          to_client_.clear();
          for (const Datagram& d : up) Deliver(d, true);
          for (const Datagram& d : down) Deliver(d, false);
          clock_.Advance(roam::Millis(10));
        }
        break;
      }
      default:
        client_.OnSignal(SIGTERM, now());
        break;
    }
  }

  void CheckInvariants() {
    ROAM_CHECK(client_.NextWakeup(now()) >= now());
    ROAM_CHECK(server_.NextWakeup(now()) >= now());
    ROAM_CHECK(to_server_.size() <= kMaxQueued && to_client_.size() <= kMaxQueued);
    ROAM_CHECK(server_.pty_input().size() <= kMaxPendingPtyInput);
    const roam::channel::MuxConfig config = roam::fuzz::FuzzChannelConfig();
    if (client_.mux()) app_.Check(*client_.mux(), config, now());
    if (roam::channel::Mux* mux = server_.mux()) {
      // The server opens no channels of its own; its services hold at most
      // what they read plus a send buffer per channel.
      ROAM_CHECK(mux->channel_count() <= config.max_incoming_channels);
      ROAM_CHECK(mux->buffered_bytes() <=
                 config.session_window + mux->channel_count() * config.stream_send_buffer);
      ROAM_CHECK(mux->NextDeadline(now()) >= now());
    }
  }

  roam::FakeClock clock_;
  roam::SeededRandom client_random_;
  roam::SeededRandom server_random_;
  roam::client::ClientCore client_;
  roam::session::ServerCore server_;
  roam::fuzz::ChannelApp app_;
  std::deque<Datagram> to_server_;
  std::deque<Datagram> to_client_;
  std::set<int> open_sockets_{0};
  uint16_t nat_shift_ = 0;
  bool program_started_ = false;
  int ticks_ = 0;
  // Bytes the program may print in one run (typed bytes echo besides).
  size_t output_budget_ = 2 << 20;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzScriptReader script(std::string_view(reinterpret_cast<const char*>(data), size));
  Harness harness;
  harness.Run(script);
  return 0;
}
