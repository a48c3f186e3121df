// DelayLine: packets that the link models let through, waiting for their
// delivery time, earliest first.
//
// The link models (link_model.h) decide when each copy of a packet leaves the
// link; the delay line holds the copies until then. Packets due at the same
// instant leave in the order they were pushed, so a link with no delay keeps
// the order packets arrived in, and a duplicate follows its original.
//
// Memory is bounded: beyond max_packets or max_bytes waiting, a new packet is
// refused and counted (as a router drops what its buffers cannot hold). Pure
// data structure: no clock, no I/O; the forwarder passes `now`.

#ifndef ROAM_NETSIM_DELAY_LINE_H_
#define ROAM_NETSIM_DELAY_LINE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "base/clock.h"

namespace roam::netsim {

// Which way a packet crosses the link.
enum class LinkDirection { kUp, kDown };  // client -> server, server -> client

class DelayLine {
 public:
  struct Packet {
    TimePoint at;
    LinkDirection direction = LinkDirection::kUp;
    std::string bytes;
  };

  // REQUIRES: max_packets > 0, max_bytes > 0.
  DelayLine(size_t max_packets, size_t max_bytes);

  // Holds `bytes` until `at`. Returns false, and counts an overflow, when
  // the packet would take the line past either bound.
  bool Push(TimePoint at, LinkDirection direction, std::string bytes);

  // When the earliest packet falls due; kNever when the line is empty.
  TimePoint NextDeadline() const;

  // Removes and returns the earliest packet if it is due at `now` (its time
  // <= now); nullopt otherwise.
  std::optional<Packet> PopDue(TimePoint now);

  size_t packets() const { return heap_.size(); }
  size_t bytes() const { return bytes_; }
  uint64_t overflows() const { return overflows_; }

 private:
  struct Entry {
    TimePoint at;
    uint64_t seq;
    LinkDirection direction;
    // mutable: priority_queue::top() is const, and the bytes are moved out
    // just before the entry is popped.
    mutable std::string bytes;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.at != b.at ? a.at > b.at : a.seq > b.seq;
    }
  };

  size_t max_packets_;
  size_t max_bytes_;
  std::priority_queue<Entry, std::vector<Entry>, Later> heap_;
  size_t bytes_ = 0;
  uint64_t next_seq_ = 0;
  uint64_t overflows_ = 0;
};

}  // namespace roam::netsim

#endif  // ROAM_NETSIM_DELAY_LINE_H_
