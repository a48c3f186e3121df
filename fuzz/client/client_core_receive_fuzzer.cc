// Fuzz target: the client core's receive path. A ClientCore is fed
// datagrams that a server-side Connection seals under the session key,
// built from a fuzzer-chosen script (ClientReceiveOp in
// fuzz/session/core_script.h): HostMessages with fuzzer bytes, resizes,
// echo acks and Welcome extensions (absurd windows included), raw diffs,
// channel packets, raw payloads, garbage, replays and damaged copies — mixed
// with the user's keys, window sizes, ticks, draws and channel calls.
// Nothing may crash, the deadline is never in the past, and the received
// states and the channel multiplexer keep their documented bounds.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "base/check.h"
#include "base/clock.h"
#include "base/random.h"
#include "channel/frame_script.h"
#include "client/client_core.h"
#include "crypto/key.h"
#include "net/connection.h"
#include "session/channel_app.h"
#include "session/core_script.h"
#include "ssp/fragment.h"
#include "ssp/fuzz_script.h"
#include "ssp/transport.h"
#include "state/roam_hello.h"
#include "wire/host_input.pb.h"
#include "wire/instruction_codec.h"
#include "wire/roam_extensions.pb.h"
#include "wire/transport_instruction.pb.h"

namespace {

using roam::fuzz::FuzzScriptReader;

roam::crypto::Key SessionKey() { return roam::crypto::Key::FromBytes("fuzz-client-key!"); }
roam::net::Address ServerAddr() { return *roam::net::Address::Parse("127.0.0.1", 60001); }
roam::net::Address ClientAddr(int socket_id) {
  return *roam::net::Address::Parse("127.0.0.1", static_cast<uint16_t>(40000 + socket_id % 1000));
}

constexpr int kMaxOps = 2000;
// Screens up to 100 x 100: with up to kReceivedStatesLimit states held, a
// run stays well within the fuzzer's memory limit. (A screen of the
// emulator's largest size, 4096 square, costs the client about a gigabyte
// and seconds to draw on its own.)
constexpr uint16_t kMaxFuzzDimension = 101;
constexpr size_t kMinPayload = 10;  // the datagram layer's minimum (net/connection.h)

// `budget`: host bytes the emulator may still be given in this run; past it
// they are left out, so that one input's work stays bounded.
std::string HostMessage(FuzzScriptReader& script, size_t* budget) {
  HostBuffers::HostMessage message;
  const int count = script.U8() % 8;
  for (int i = 0; i < count; ++i) {
    HostBuffers::Instruction* instruction = message.add_instruction();
    switch (script.U8() % roam::fuzz::kHostInstructionCount) {
      case roam::fuzz::kHostBytes: {
        std::string bytes = script.Bytes();
        if (bytes.size() > *budget) bytes.clear();
        *budget -= bytes.size();
        instruction->MutableExtension(HostBuffers::hostbytes)->set_hoststring(bytes);
        break;
      }
      case roam::fuzz::kHostResize: {
        auto* resize = instruction->MutableExtension(HostBuffers::resize);
        resize->set_width(script.U16() % kMaxFuzzDimension);
        resize->set_height(script.U16() % kMaxFuzzDimension);
        break;
      }
      case roam::fuzz::kHostEchoAck:
        instruction->MutableExtension(HostBuffers::echoack)->set_echo_ack_num(script.U64());
        break;
      default: {
        roam::state::RoamHello hello;
        hello.version = script.U8();
        hello.features = script.U64();
        hello.initial_max_data = script.U64();
        hello.initial_max_stream_data = script.U64();
        hello.initial_max_streams = script.U64();
        roam::state::ToProto(hello, instruction->MutableExtension(RoamBuffers::welcome));
        break;
      }
    }
  }
  return roam::wire::Serialize(message);
}

// Whether a raw diff stays within what one input may cost: if it reads as a
// HostMessage, its resizes within kMaxFuzzDimension and its host bytes
// within `budget` (which it then spends).
bool Affordable(const std::string& diff, size_t* budget) {
  HostBuffers::HostMessage message;
  if (!message.ParseFromString(diff)) return true;
  size_t bytes = 0;
  for (const HostBuffers::Instruction& instruction : message.instruction()) {
    if (instruction.HasExtension(HostBuffers::resize)) {
      const HostBuffers::ResizeMessage& r = instruction.GetExtension(HostBuffers::resize);
      if (r.width() >= kMaxFuzzDimension || r.height() >= kMaxFuzzDimension) return false;
    }
    if (instruction.HasExtension(HostBuffers::hostbytes)) {
      bytes += instruction.GetExtension(HostBuffers::hostbytes).hoststring().size();
    }
  }
  if (bytes > *budget) return false;
  *budget -= bytes;
  return true;
}

class Harness {
 public:
  Harness()
      : random_(1),
        client_(SessionKey(), Config(), &random_, clock_.Now()),
        server_(roam::net::Connection::Server(SessionKey())) {
    Tick();  // the client's first state: the server side learns where it is
  }

  void Run(FuzzScriptReader& script) {
    for (int ops = 0; !script.empty() && ops < kMaxOps; ++ops) {
      Step(script);
      CheckInvariants();
    }
  }

 private:
  static roam::client::ClientCoreConfig Config() {
    roam::client::ClientCoreConfig c;
    c.server = ServerAddr();
    c.cols = 40;
    c.rows = 10;
    c.channels = roam::fuzz::FuzzChannelConfig();
    return c;
  }

  roam::TimePoint now() const { return clock_.Now(); }

  void Deliver(const std::string& datagram) {
    client_.Receive(datagram, ServerAddr(), socket_, false, now());
    sent_.push_back(datagram);
    if (sent_.size() > 64) sent_.pop_front();
  }

  // Seals `payload` as the server would and delivers it.
  void SealAndDeliver(std::string payload) {
    if (payload.size() < kMinPayload) payload.resize(kMinPayload, '\0');
    roam::Result<roam::net::OutgoingDatagram> d = server_.Seal(payload, now());
    if (d.ok()) Deliver(d->bytes);
  }

  void SendInstruction(FuzzScriptReader& script, bool structured) {
    TransportBuffers::Instruction instruction;
    instruction.set_protocol_version(2);
    instruction.set_old_num(script.U64());
    instruction.set_new_num(script.U64());
    instruction.set_ack_num(script.U64());
    instruction.set_throwaway_num(script.U64());
    uint8_t flags = 0;
    if (structured) {
      flags = script.U8();
      instruction.set_diff(HostMessage(script, &host_bytes_budget_));
    } else {
      std::string diff = script.Bytes();
      if (!Affordable(diff, &host_bytes_budget_)) diff.clear();
      instruction.set_diff(diff);
    }
    instruction.set_chaff("");
    const size_t mtu = (flags & 8) ? 60 : 1280;
    auto fragments = fragmenter_.Split(roam::wire::Serialize(instruction), mtu);
    if (!fragments.ok()) return;
    std::vector<roam::ssp::Fragment> order = *fragments;
    if ((flags & 1) && order.size() > 1) order.erase(order.begin());
    if (flags & 2) std::reverse(order.begin(), order.end());
    if (flags & 4) order.push_back(order.front());
    for (const roam::ssp::Fragment& f : order) SealAndDeliver(f.Encode());
  }

  void Tick() {
    for (roam::net::OutgoingDatagram& d : client_.Tick(now())) {
      ROAM_CHECK(d.bytes.size() <= 2048);
      socket_ = d.socket_id;
      (void)server_.Receive(d.bytes, ClientAddr(d.socket_id), 0, false, now());
    }
    (void)client_.connection().TakeSocketsToClose(now());
    (void)client_.Draw(now(), /*with_bar=*/true);
  }

  void Step(FuzzScriptReader& script) {
    switch (script.U8() % roam::fuzz::kClientReceiveOpCount) {
      case roam::fuzz::kCrHostMessage:
        SendInstruction(script, /*structured=*/true);
        break;
      case roam::fuzz::kCrRawDiff:
        SendInstruction(script, /*structured=*/false);
        break;
      case roam::fuzz::kCrChannelPacket:
        SealAndDeliver(roam::fuzz::ReadPacket(script).Encode());
        break;
      case roam::fuzz::kCrSealed:
        SealAndDeliver(script.Bytes());
        break;
      case roam::fuzz::kCrGarbage:
        Deliver(script.Bytes());
        break;
      case roam::fuzz::kCrReplay: {
        const uint8_t index = script.U8();
        if (!sent_.empty()) Deliver(std::string(sent_[index % sent_.size()]));
        break;
      }
      case roam::fuzz::kCrCorrupt: {
        const uint8_t index = script.U8();
        const uint16_t position = script.U16();
        const uint8_t mask = script.U8();
        if (!sent_.empty()) {
          std::string copy = sent_[index % sent_.size()];
          if (!copy.empty()) copy[position % copy.size()] ^= static_cast<char>(mask | 1);
          Deliver(copy);
        }
        break;
      }
      case roam::fuzz::kCrAdvance:
        clock_.Advance(roam::Millis(script.U16()));
        break;
      case roam::fuzz::kCrTick:
        Tick();
        break;
      case roam::fuzz::kCrType:
        client_.OnUserInput(script.Bytes(), now());
        break;
      case roam::fuzz::kCrWindow: {
        const uint8_t cols = script.U8();
        const uint8_t rows = script.U8();
        client_.OnWindowSize(cols, rows, now());
        break;
      }
      default:
        app_.Call(client_.mux(), script, now());
        break;
    }
  }

  void CheckInvariants() {
    ROAM_CHECK(client_.NextWakeup(now()) >= now());
    const roam::TimePoint t = now();
    const uint64_t quench_windows =
        static_cast<uint64_t>((t - start_) / roam::ssp::kReceiverQuenchTime) + 1;
    ROAM_CHECK(client_.transport().received_states_size() <=
               roam::ssp::kReceivedStatesLimit + 1 + quench_windows);
    if (client_.mux()) app_.Check(*client_.mux(), roam::fuzz::FuzzChannelConfig(), now());
  }

  roam::FakeClock clock_;
  roam::TimePoint start_ = clock_.Now();
  roam::SeededRandom random_;
  roam::client::ClientCore client_;
  roam::net::Connection server_;
  roam::ssp::Fragmenter fragmenter_;
  roam::fuzz::ChannelApp app_;
  std::deque<std::string> sent_;
  int socket_ = 0;
  size_t host_bytes_budget_ = 2 << 20;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzScriptReader script(std::string_view(reinterpret_cast<const char*>(data), size));
  Harness harness;
  harness.Run(script);
  return 0;
}
