// Fuzz target: the channel multiplexer's state machine. A server Mux (the
// target) and a real client Mux (its peer) are driven by a fuzzer-chosen
// script (see MuxOp in mux_script.h): honest packets delivered, dropped or
// duplicated, forged packets, raw bytes and replays to the target, every
// application call on either side, path changes and the passing of time.
// After every step the target must keep its documented bounds: buffers
// within the session window plus a send buffer per channel, no more peer
// channels than it allows, and a deadline never in the past.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <vector>

#include "base/check.h"
#include "base/clock.h"
#include "channel/frame.h"
#include "channel/frame_script.h"
#include "channel/loss_recovery.h"
#include "channel/mux.h"
#include "channel/mux_script.h"
#include "ssp/fuzz_script.h"

namespace {

using roam::TimePoint;
using roam::channel::Mux;
using roam::channel::MuxConfig;
using roam::fuzz::FuzzScriptReader;

// Small windows and few channels, so that a short script reaches every
// limit. The send buffer holds the longest open request.
MuxConfig FuzzConfig() {
  MuxConfig c;
  c.stream_window = 16 * 1024;
  c.session_window = 40 * 1024;
  c.stream_send_buffer = 80 * 1024;
  c.max_incoming_channels = 6;
  return c;
}

constexpr size_t kPacketRoom = 1224;
constexpr int kMaxOps = 3000;
constexpr int kMaxExchangePackets = 64;

class Harness {
 public:
  Harness()
      : target_(roam::channel::Side::kServer, FuzzConfig(),
                roam::channel::LocalParameters(FuzzConfig()), clock_.Now()),
        peer_(roam::channel::Side::kClient, FuzzConfig(),
              roam::channel::LocalParameters(FuzzConfig()), clock_.Now()) {}

  void Run(FuzzScriptReader& script) {
    for (int ops = 0; !script.empty() && ops < kMaxOps; ++ops) {
      Step(script);
      CheckInvariants();
    }
  }

 private:
  Mux& side(uint8_t selector) { return selector & 1 ? peer_ : target_; }
  TimePoint now() const { return clock_.Now(); }

  void ToTarget(std::string packet) {
    target_.OnPacket(packet, now());
    ++received_calls_;
    delivered_.push_back(std::move(packet));
    if (delivered_.size() > 64) delivered_.pop_front();
  }

  // One packet from `from` to the other side, if it has one.
  void SendOne(Mux& from, bool to_target, uint8_t flags) {
    if (packet_budget_ == 0) return;
    --packet_budget_;
    std::optional<std::string> packet = from.NextPacket(now(), kPacketRoom);
    if (!packet || (flags & 1)) return;
    for (int copy = 0; copy < ((flags & 2) ? 2 : 1); ++copy) {
      if (to_target) {
        ToTarget(*packet);
      } else {
        peer_.OnPacket(*packet, now());
      }
    }
  }

  // The channels `mux` knows: those it holds, and those events named.
  uint64_t Pick(Mux& mux, uint8_t selector) {
    for (const roam::channel::MuxEvent& e : mux.TakeEvents()) {
      heard_[&mux == &peer_].insert(e.id);
    }
    std::vector<uint64_t> ids = mux.ChannelIds();
    for (uint64_t id : heard_[&mux == &peer_]) ids.push_back(id);
    return ids.empty() ? selector : ids[selector % ids.size()];
  }

  void Step(FuzzScriptReader& script) {
    switch (script.U8() % roam::fuzz::kMuxOpCount) {
      case roam::fuzz::kMuxOpPeerSend:
        SendOne(peer_, true, script.U8());
        break;
      case roam::fuzz::kMuxOpTargetSend:
        SendOne(target_, false, script.U8());
        break;
      case roam::fuzz::kMuxOpForged:
        ToTarget(roam::fuzz::ReadPacket(script).Encode());
        break;
      case roam::fuzz::kMuxOpRaw:
        ToTarget(script.Bytes());
        break;
      case roam::fuzz::kMuxOpReplay: {
        const uint8_t index = script.U8();
        if (!delivered_.empty()) ToTarget(std::string(delivered_[index % delivered_.size()]));
        break;
      }
      case roam::fuzz::kMuxOpAdvance:
        clock_.Advance(roam::Millis(script.U16()));
        break;
      case roam::fuzz::kMuxOpOpen: {
        Mux& mux = side(script.U8());
        roam::Result<uint64_t> id = mux.Open(script.Bytes(), now());
        if (id.ok()) ++opened_[&mux == &peer_];
        break;
      }
      case roam::fuzz::kMuxOpWrite: {
        Mux& mux = side(script.U8());
        const uint64_t id = Pick(mux, script.U8());
        const std::string bytes(script.U16(), static_cast<char>(id));
        const size_t n = mux.Write(id, bytes);
        ROAM_CHECK(n <= bytes.size());
        break;
      }
      case roam::fuzz::kMuxOpRead: {
        Mux& mux = side(script.U8());
        const uint64_t id = Pick(mux, script.U8());
        const size_t max = script.U16();
        std::string out;
        const size_t n = mux.Read(id, &out, max);
        ROAM_CHECK(n == out.size() && n <= max);
        break;
      }
      case roam::fuzz::kMuxOpCloseWrite: {
        Mux& mux = side(script.U8());
        mux.CloseWrite(Pick(mux, script.U8()));
        break;
      }
      case roam::fuzz::kMuxOpReset: {
        Mux& mux = side(script.U8());
        const uint64_t id = Pick(mux, script.U8());
        mux.Reset(id, script.U64() & roam::kVarintMax);
        break;
      }
      case roam::fuzz::kMuxOpRelease: {
        Mux& mux = side(script.U8());
        mux.Release(Pick(mux, script.U8()));
        break;
      }
      case roam::fuzz::kMuxOpAnswer: {
        Mux& mux = side(script.U8());
        const uint64_t id = Pick(mux, script.U8());
        const bool accept = script.U8() & 1;
        const std::string reason = script.Bytes();
        const bool waiting =
            mux.Info(id) && mux.Info(id)->phase == roam::channel::ChannelPhase::kIncoming;
        const roam::Status status = accept ? mux.Accept(id) : mux.Refuse(id, reason);
        if (!waiting) ROAM_CHECK(!status.ok());
        break;
      }
      case roam::fuzz::kMuxOpPathChange:
        target_.OnPathChange(now());
        break;
      case roam::fuzz::kMuxOpExchange: {
        const int rounds = script.U8() % 8 + 1;
        for (int round = 0; round < rounds; ++round) {
          for (int i = 0; i < kMaxExchangePackets; ++i) SendOne(peer_, true, 0);
          for (int i = 0; i < kMaxExchangePackets; ++i) SendOne(target_, false, 0);
          clock_.Advance(roam::Millis(5));
        }
        break;
      }
    }
  }

  void CheckInvariants() {
    const MuxConfig config = FuzzConfig();
    for (Mux* mux : {&target_, &peer_}) {
      const uint64_t local = opened_[mux == &peer_];
      ROAM_CHECK(mux->channel_count() <= config.max_incoming_channels + local);
      ROAM_CHECK(mux->buffered_bytes() <=
                 config.session_window + mux->channel_count() * config.stream_send_buffer);
      ROAM_CHECK(mux->NextDeadline(now()) >= now());
      ROAM_CHECK(mux->loss_stats().packets_sent >= mux->loss_stats().packets_lost);
    }
    const roam::channel::MuxStats& s = target_.stats();
    // Every packet the target got is received, malformed or a duplicate.
    ROAM_CHECK(s.packets_received + s.packets_malformed + s.packets_duplicate == received_calls_);
  }

  roam::FakeClock clock_;
  Mux target_;
  Mux peer_;
  std::deque<std::string> delivered_;
  std::set<uint64_t> heard_[2];
  uint64_t opened_[2] = {0, 0};
  uint64_t received_calls_ = 0;
  // Packets the two sides may send in one run, however the script loops.
  int packet_budget_ = 20000;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzScriptReader script(std::string_view(reinterpret_cast<const char*>(data), size));
  Harness harness;
  harness.Run(script);
  return 0;
}
