// FakeLink: a seeded, lossy, delaying, duplicating and reordering datagram
// link for driving two sans-I/O Transports in one process on a fake clock.
//
// Datagrams are queued with an arrival time (delay + random jitter, so they
// reorder) and handed out by TakeDue(now). Each direction has its own loss,
// duplication and delay; a blackout drops everything. Nothing here sleeps or
// touches a socket.

#ifndef ROAM_TESTS_UNIT_SSP_FAKE_LINK_H_
#define ROAM_TESTS_UNIT_SSP_FAKE_LINK_H_

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "net/address.h"

namespace roam::ssp::testing {

struct LinkDirection {
  double loss = 0;       // probability a datagram is dropped
  double duplicate = 0;  // probability a datagram is delivered twice
  Millis delay{0};       // one-way delay
  Millis jitter{0};      // extra delay uniform in [0, jitter]
};

struct InFlight {
  std::string bytes;
  net::Address from;
  net::Address to;
};

class FakeLink {
 public:
  enum Side { kToServer = 0, kToClient = 1 };

  explicit FakeLink(Random* random) : random_(random) {}

  LinkDirection& direction(Side side) { return params_[side]; }
  void set_blackout(bool on) { blackout_ = on; }

  // Puts a datagram on the link at `now`.
  void Send(Side side, std::string bytes, const net::Address& from, const net::Address& to,
            TimePoint now) {
    ++sent_[side];
    if (blackout_ || random_->Chance(params_[side].loss)) {
      ++lost_[side];
      return;
    }
    int copies = random_->Chance(params_[side].duplicate) ? 2 : 1;
    for (int i = 0; i < copies; ++i) {
      Duration extra = Millis(static_cast<int64_t>(
          random_->Uniform(static_cast<uint64_t>(params_[side].jitter.count()) + 1)));
      queues_[side].emplace(std::make_pair(now + params_[side].delay + extra, order_++),
                            InFlight{bytes, from, to});
    }
  }

  // Earliest arrival on either side; kNever when nothing is in flight.
  TimePoint NextArrival() const {
    TimePoint next = kNever;
    for (const auto& q : queues_) {
      if (!q.empty()) next = std::min(next, q.begin()->first.first);
    }
    return next;
  }

  // Removes and returns the datagrams for `side` that have arrived by `now`,
  // in arrival order.
  std::vector<InFlight> TakeDue(Side side, TimePoint now) {
    std::vector<InFlight> out;
    auto& q = queues_[side];
    while (!q.empty() && q.begin()->first.first <= now) {
      out.push_back(std::move(q.begin()->second));
      q.erase(q.begin());
    }
    return out;
  }

  uint64_t sent(Side side) const { return sent_[side]; }
  uint64_t lost(Side side) const { return lost_[side]; }

 private:
  Random* random_;
  LinkDirection params_[2];
  bool blackout_ = false;
  std::map<std::pair<TimePoint, uint64_t>, InFlight> queues_[2];
  uint64_t order_ = 0;
  uint64_t sent_[2] = {0, 0};
  uint64_t lost_[2] = {0, 0};
};

}  // namespace roam::ssp::testing

#endif  // ROAM_TESTS_UNIT_SSP_FAKE_LINK_H_
