// MuxBed: a MuxPair (client and server Mux over a seeded link model on a
// fake clock) with the verbs the multiplexer's story tests speak: open,
// answer, write, read, close, inject hostile frames, capture packets — and
// a record of every event each side saw.
//
// The application verbs are standing orders carried out on every loop turn:
// Write keeps writing until the channel took every byte, Read keeps reading,
// and the server answers complete open requests as its answer mode says.

#ifndef ROAM_TESTS_UNIT_CHANNEL_MUX_BED_H_
#define ROAM_TESTS_UNIT_CHANNEL_MUX_BED_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/byte_writer.h"
#include "channel/frame.h"
#include "channel/mux.h"
#include "unit/channel/mux_pair.h"

namespace roam::channel::testing {

// A clean link with a 10 ms one-way delay.
inline netsim::LinkConfig CleanLink() {
  netsim::LinkConfig link;
  link.delay = std::chrono::milliseconds(10);
  return link;
}

// The bytes of `frames`, to append to a packet.
inline std::string EncodeFrames(const std::vector<Frame>& frames) {
  std::string out;
  ByteWriter w(&out);
  for (const Frame& f : frames) EncodeFrame(f, &w);
  return out;
}

// A whole packet: header and frames.
inline std::string EncodePacket(uint64_t pn, const std::vector<Frame>& frames) {
  std::string out;
  ByteWriter w(&out);
  EncodePacketHeader(pn, &w);
  for (const Frame& f : frames) EncodeFrame(f, &w);
  return out;
}

// Bytes whose value tells their offset (mod 251), `seed` shifting the start.
inline std::string Pattern(size_t n, uint64_t seed = 0) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>((seed * 7 + i) % 251);
  return out;
}

class MuxBed {
 public:
  enum class Answer { kAccept, kRefuse, kHold };

  MuxBed(MuxConfig client_config, MuxConfig server_config, netsim::LinkConfig link = CleanLink(),
         uint64_t seed = 1)
      : pair_(client_config, server_config, link, link, seed) {
    pair_.application = [this](TimePoint) { Turn(); };
    pair_.tamper = [this](bool to_server, std::string* packet) {
      std::vector<std::string>& queue = injections_[to_server ? 1 : 0];
      if (!queue.empty()) {
        packet->append(queue.front());
        queue.erase(queue.begin());
      }
      captured_[to_server ? 1 : 0].push_back(*packet);
    };
  }
  explicit MuxBed(MuxConfig config = MuxConfig{}) : MuxBed(config, config) {}

  Mux& client() { return pair_.client(); }
  Mux& server() { return pair_.server(); }
  Mux& mux(Side side) { return side == Side::kClient ? client() : server(); }
  MuxPair& pair() { return pair_; }
  TimePoint Now() const { return pair_.Now(); }

  // ---- application verbs ----

  // The client opens a channel with `request`.
  uint64_t Open(std::string_view request = "test") {
    Result<uint64_t> id = client().Open(request, Now());
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : ~uint64_t{0};
  }
  // How the server answers complete open requests from now on.
  void set_answer(Answer answer, std::string reason = "") {
    answer_ = answer;
    reason_ = std::move(reason);
  }
  // `side` writes `bytes` on `id` as fast as the channel takes them, then
  // closes its write side when `close`.
  void Write(Side side, uint64_t id, std::string bytes, bool close = false) {
    Writer& w = writers_[{side, id}];
    w.pending += bytes;
    w.close = w.close || close;
  }
  // `side` reads everything that arrives on `id` (or stops reading).
  void Read(Side side, uint64_t id, bool on = true) { readers_[{side, id}] = on; }
  // Bytes still waiting in a Write order.
  size_t Unwritten(Side side, uint64_t id) {
    auto it = writers_.find({side, id});
    return it == writers_.end() ? 0 : it->second.pending.size();
  }
  const std::string& Received(Side side, uint64_t id) { return received_[{side, id}]; }
  // Every event kind `side` saw for `id`, ORed.
  uint32_t Events(Side side, uint64_t id) const {
    auto it = events_.find({side, id});
    return it == events_.end() ? 0 : it->second;
  }
  bool Saw(Side side, uint64_t id, MuxEvent::Kind kind) const {
    return (Events(side, id) & kind) != 0;
  }
  // Channel ids the server was asked to open, in order.
  const std::vector<uint64_t>& incoming() const { return incoming_; }

  // ---- network verbs ----

  // Appends `frames` to the next packet going to the server (or client).
  void Inject(bool to_server, const std::vector<Frame>& frames) {
    injections_[to_server ? 1 : 0].push_back(EncodeFrames(frames));
  }
  bool injections_pending() const { return !injections_[0].empty() || !injections_[1].empty(); }
  // Every packet that went on the link, in order.
  const std::vector<std::string>& captured(bool to_server) const {
    return captured_[to_server ? 1 : 0];
  }

  // ---- time ----

  // Both run one turn at the current time first, so that orders given
  // since the last run take effect before the clock moves.
  bool RunUntil(const std::function<bool()>& stop, Duration limit = std::chrono::seconds(30)) {
    pair_.Step(Now());
    return pair_.RunUntil(stop, limit);
  }
  void Run(Duration d) {
    pair_.Step(Now());
    pair_.RunFor(d);
  }

 private:
  struct Writer {
    std::string pending;
    bool close = false;
  };
  using Key = std::pair<Side, uint64_t>;

  void Turn() {
    for (Side side : {Side::kClient, Side::kServer}) {
      for (const MuxEvent& e : mux(side).TakeEvents()) {
        events_[{side, e.id}] |= e.kinds;
        if (side == Side::kServer && (e.kinds & MuxEvent::kIncoming)) {
          incoming_.push_back(e.id);
          if (answer_ == Answer::kAccept) {
            EXPECT_TRUE(server().Accept(e.id).ok());
          } else if (answer_ == Answer::kRefuse) {
            EXPECT_TRUE(server().Refuse(e.id, reason_).ok());
          }
        }
      }
    }
    for (auto& [key, w] : writers_) {
      if (!w.pending.empty()) w.pending.erase(0, mux(key.first).Write(key.second, w.pending));
      if (w.pending.empty() && w.close) {
        mux(key.first).CloseWrite(key.second);
        w.close = false;
      }
    }
    for (const auto& [key, on] : readers_) {
      if (on) mux(key.first).Read(key.second, &received_[key], size_t{1} << 30);
    }
  }

  MuxPair pair_;
  Answer answer_ = Answer::kAccept;
  std::string reason_;
  std::map<Key, Writer> writers_;
  std::map<Key, bool> readers_;
  std::map<Key, std::string> received_;
  std::map<Key, uint32_t> events_;
  std::vector<uint64_t> incoming_;
  std::vector<std::string> injections_[2];
  std::vector<std::string> captured_[2];
};

}  // namespace roam::channel::testing

#endif  // ROAM_TESTS_UNIT_CHANNEL_MUX_BED_H_
