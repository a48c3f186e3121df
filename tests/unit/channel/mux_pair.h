// MuxPair: a client and a server channel Mux joined by two seeded
// netsim::LinkModel directions (delay, jitter, loss, bursts, reordering,
// duplication, a rate-capped bottleneck queue, outages) on a FakeClock.
//
// The event loop always advances to the earliest of the two muxes'
// deadlines, the next packet arrival and the caller's limit; each turn it
// delivers what has arrived, runs the caller's application hook, and lets
// each side send what its pacer and window allow. No sleeps, no sockets:
// the same seed gives the same run.

#ifndef ROAM_TESTS_UNIT_CHANNEL_MUX_PAIR_H_
#define ROAM_TESTS_UNIT_CHANNEL_MUX_PAIR_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "base/clock.h"
#include "channel/mux.h"
#include "netsim/link_model.h"

namespace roam::channel::testing {

// The payload room of a channel packet in an IPv4 datagram (docs/protocol.md §3).
inline constexpr size_t kPacketRoom = 1252 - 28;

class MuxPair {
 public:
  MuxPair(MuxConfig client_config, MuxConfig server_config, netsim::LinkConfig up,
          netsim::LinkConfig down, uint64_t seed)
      : client_(Side::kClient, client_config, LocalParameters(server_config), clock_.Now()),
        server_(Side::kServer, server_config, LocalParameters(client_config), clock_.Now()),
        up_(std::move(up), seed * 2 + 1, clock_.Now()),
        down_(std::move(down), seed * 2 + 2, clock_.Now()) {}

  MuxPair(MuxConfig config, netsim::LinkConfig link, uint64_t seed)
      : MuxPair(config, config, link, link, seed) {}

  Mux& client() { return client_; }
  Mux& server() { return server_; }
  netsim::LinkModel& up() { return up_; }
  netsim::LinkModel& down() { return down_; }
  TimePoint Now() const { return clock_.Now(); }
  Duration Elapsed() const { return clock_.Now() - start_; }

  // Called once per loop turn after deliveries, before sending.
  std::function<void(TimePoint)> application;
  // Drops (true) a packet instead of putting it on the link, e.g. to cut
  // one direction for a while; `to_server` tells the direction.
  std::function<bool(bool to_server, const std::string&)> filter;
  // Rewrites a packet that `filter` let through before it goes on the
  // link, e.g. to add the frames a hostile peer would send.
  std::function<void(bool to_server, std::string* packet)> tamper;

  void Step(TimePoint until) {
    TimePoint now = clock_.Now();
    TimePoint next = std::min({client_.NextDeadline(now), server_.NextDeadline(now), until});
    if (!arrivals_.empty()) next = std::min(next, arrivals_.begin()->first.first);
    clock_.Set(std::max(now, next));
    now = clock_.Now();
    while (!arrivals_.empty() && arrivals_.begin()->first.first <= now) {
      auto node = arrivals_.extract(arrivals_.begin());
      (node.mapped().to_server ? server_ : client_).OnPacket(node.mapped().bytes, now);
    }
    if (application) application(now);
    Pump(client_, up_, true, now);
    Pump(server_, down_, false, now);
    ++steps_;
  }

  // Runs until `stop()` holds or `limit` of simulated time passed; returns
  // whether it held.
  bool RunUntil(const std::function<bool()>& stop, Duration limit) {
    const TimePoint end = clock_.Now() + limit;
    for (uint64_t guard = 0; guard < 50'000'000; ++guard) {
      if (stop()) return true;
      if (clock_.Now() >= end) return stop();
      Step(end);
    }
    ADD_FAILURE() << "event loop did not progress";
    return false;
  }

  void RunFor(Duration d) {
    RunUntil([] { return false; }, d);
  }

  uint64_t steps() const { return steps_; }
  uint64_t packets_to_server() const { return packets_[1]; }
  uint64_t packets_to_client() const { return packets_[0]; }

 private:
  struct Arrival {
    std::string bytes;
    bool to_server;
  };

  void Pump(Mux& mux, netsim::LinkModel& link, bool to_server, TimePoint now) {
    for (int i = 0; i < 4096; ++i) {
      std::optional<std::string> packet = mux.NextPacket(now, kPacketRoom);
      if (!packet) break;
      ++packets_[to_server ? 1 : 0];
      if (filter && filter(to_server, *packet)) continue;
      if (tamper) tamper(to_server, &*packet);
      // The datagram layer adds 28 bytes and IPv4/UDP 28 more.
      std::string wire = *packet;
      wire.resize(wire.size() + 56);
      for (netsim::Delivery& d : link.Send(wire, now)) {
        d.bytes.resize(d.bytes.size() - 56);
        arrivals_.emplace(std::make_pair(d.at, order_++), Arrival{std::move(d.bytes), to_server});
      }
    }
  }

  FakeClock clock_;
  TimePoint start_ = clock_.Now();
  Mux client_;
  Mux server_;
  netsim::LinkModel up_;
  netsim::LinkModel down_;
  std::map<std::pair<TimePoint, uint64_t>, Arrival> arrivals_;
  uint64_t order_ = 0;
  uint64_t steps_ = 0;
  uint64_t packets_[2] = {0, 0};
};

}  // namespace roam::channel::testing

#endif  // ROAM_TESTS_UNIT_CHANNEL_MUX_PAIR_H_
