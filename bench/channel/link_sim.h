// LinkSim: two channel Muxes joined by a netsim profile's two LinkModels on
// a FakeClock, plus a "keystroke" probe: a tiny datagram put into the
// server->client link every kKeystrokeInterval, through the same bottleneck
// queue as the channel data, whose one-way delay is recorded.
//
// The keystroke probe stands for what a user feels while a channel fills
// the link: the screen update that echoes a key waits behind whatever
// channel data the congestion controller has parked in the bottleneck
// queue. The probe is not a Mux packet; the link model computes its
// delivery time when it enters, so it costs nothing to simulate.
//
// Deterministic: the same profile, config and seed give the same run.

#ifndef ROAM_BENCH_CHANNEL_LINK_SIM_H_
#define ROAM_BENCH_CHANNEL_LINK_SIM_H_

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "channel/mux.h"
#include "netsim/link_model.h"
#include "netsim/profile.h"

namespace roam::channel::bench {

// The payload room of a channel packet in an IPv4 datagram
// (docs/protocol.md §3), and what the datagram layer and IPv4/UDP add.
inline constexpr size_t kPacketRoom = 1252 - 28;
inline constexpr size_t kWireOverhead = 28 + 28;
// A keystroke's echo: one small sealed datagram.
inline constexpr size_t kKeystrokeBytes = 100;
inline constexpr Duration kKeystrokeInterval = std::chrono::milliseconds(100);

class LinkSim {
 public:
  LinkSim(const MuxConfig& config, const netsim::Profile& profile, uint64_t seed)
      : client_(Side::kClient, config, LocalParameters(config), clock_.Now()),
        server_(Side::kServer, config, LocalParameters(config), clock_.Now()),
        up_(profile.up, seed * 2 + 1, clock_.Now()),
        down_(profile.down, seed * 2 + 2, clock_.Now()) {}

  Mux& client() { return client_; }
  Mux& server() { return server_; }
  TimePoint Now() const { return clock_.Now(); }

  // Called every loop turn after deliveries, before sending.
  std::function<void(TimePoint)> application;

  // Starts (or stops) sending keystroke probes; delays recorded from now on
  // go to a fresh list.
  void SetKeystrokes(bool on) {
    keystrokes_ = on;
    next_keystroke_ = clock_.Now();
    keystroke_delays_.clear();
    keystrokes_lost_ = 0;
  }
  const std::vector<Duration>& keystroke_delays() const { return keystroke_delays_; }
  uint64_t keystrokes_lost() const { return keystrokes_lost_; }
  // Bytes waiting in the server->client bottleneck queue now.
  uint64_t down_backlog() const { return down_.BacklogBytes(clock_.Now()); }

  // Runs until `stop()` holds or `limit` of simulated time passed; returns
  // whether it held.
  bool RunUntil(const std::function<bool()>& stop, Duration limit) {
    const TimePoint end = clock_.Now() + limit;
    while (!stop()) {
      if (clock_.Now() >= end) return false;
      Step(end);
    }
    return true;
  }

 private:
  struct Arrival {
    std::string bytes;
    bool to_server;
  };

  void Step(TimePoint until) {
    TimePoint now = clock_.Now();
    TimePoint next = std::min({client_.NextDeadline(now), server_.NextDeadline(now), until});
    if (!arrivals_.empty()) next = std::min(next, arrivals_.begin()->first.first);
    if (keystrokes_) next = std::min(next, next_keystroke_);
    clock_.Set(std::max(now, next));
    now = clock_.Now();
    while (!arrivals_.empty() && arrivals_.begin()->first.first <= now) {
      auto node = arrivals_.extract(arrivals_.begin());
      (node.mapped().to_server ? server_ : client_).OnPacket(node.mapped().bytes, now);
    }
    if (keystrokes_ && now >= next_keystroke_) {
      const std::vector<netsim::Delivery> d = down_.Send(std::string(kKeystrokeBytes, 'k'), now);
      if (d.empty()) {
        ++keystrokes_lost_;
      } else {
        keystroke_delays_.push_back(d.front().at - now);
      }
      next_keystroke_ += kKeystrokeInterval;
    }
    if (application) application(now);
    Pump(client_, up_, true, now);
    Pump(server_, down_, false, now);
  }

  void Pump(Mux& mux, netsim::LinkModel& link, bool to_server, TimePoint now) {
    for (int i = 0; i < 4096; ++i) {
      std::optional<std::string> packet = mux.NextPacket(now, kPacketRoom);
      if (!packet) break;
      const size_t size = packet->size();
      packet->resize(size + kWireOverhead);
      for (netsim::Delivery& d : link.Send(*packet, now)) {
        d.bytes.resize(size);
        arrivals_.emplace(std::make_pair(d.at, order_++), Arrival{std::move(d.bytes), to_server});
      }
    }
  }

  FakeClock clock_;
  Mux client_;
  Mux server_;
  netsim::LinkModel up_;
  netsim::LinkModel down_;
  std::map<std::pair<TimePoint, uint64_t>, Arrival> arrivals_;
  uint64_t order_ = 0;
  bool keystrokes_ = false;
  TimePoint next_keystroke_{};
  std::vector<Duration> keystroke_delays_;
  uint64_t keystrokes_lost_ = 0;
};

}  // namespace roam::channel::bench

#endif  // ROAM_BENCH_CHANNEL_LINK_SIM_H_
