// UdpPump: moves datagrams between a sans-I/O Transport and a UdpEndpoint.
//
// This is the one place where the SSP stack meets real sockets. An event
// loop owns the poll() call; each round it asks the pump for the socket
// descriptors to watch, hands the readable ones back, and lets the pump send
// whatever the transport has due. The pump also performs the socket work the
// Connection decides on (opening sockets for a port hop, closing old ones,
// the EMSGSIZE fallback). Time is still a parameter: the loop reads the clock.

#ifndef ROAM_SSP_UDP_PUMP_H_
#define ROAM_SSP_UDP_PUMP_H_

#include <poll.h>

#include <algorithm>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "net/udp_endpoint.h"

namespace roam::ssp {

template <typename TransportT>
class UdpPump {
 public:
  // REQUIRES: both outlive the pump.
  UdpPump(TransportT* transport, net::UdpEndpoint* endpoint)
      : transport_(transport), endpoint_(endpoint) {}

  // Appends one pollfd (POLLIN) per open socket to *fds.
  void AddPollFds(std::vector<pollfd>* fds) const {
    for (int fd : endpoint_->fds()) fds->push_back(pollfd{fd, POLLIN, 0});
  }

  // Reads every pending datagram from the sockets that poll() reported
  // readable in `fds` (other entries are ignored) and feeds the transport.
  // Returns the number of datagrams read.
  int OnPolled(const std::vector<pollfd>& fds, TimePoint now) {
    int count = 0;
    const std::vector<int> ours = endpoint_->fds();
    for (const pollfd& p : fds) {
      if (!(p.revents & (POLLIN | POLLERR))) continue;
      if (std::find(ours.begin(), ours.end(), p.fd) == ours.end()) continue;
      // Bounded: at most this many per socket per round, so one busy socket
      // cannot starve the loop.
      for (int i = 0; i < kMaxReadsPerRound; ++i) {
        std::optional<net::Received> r = endpoint_->Receive(p.fd);
        if (!r) break;
        transport_->Receive(r->bytes, r->from, r->socket_id, r->ecn_ce, now);
        ++count;
      }
    }
    return count;
  }

  // Sends what the transport has due at `now` and applies the Connection's
  // socket decisions. Transient send errors are counted and otherwise
  // ignored (SSP resends); returns kIoError only if a socket could not be
  // opened at all.
  Status Flush(TimePoint now) {
    Status result;
    for (const net::OutgoingDatagram& d : transport_->Tick(now)) {
      Status s = endpoint_->Send(d);
      if (s.ok()) continue;
      ++datagram_send_failures_;
      last_send_error_ = s;
      if (s.code() == StatusCode::kOutOfRange) {
        transport_->connection().OnMessageTooBig();
      } else if (s.code() == StatusCode::kIoError) {
        result = s;
      }
    }
    std::vector<int> to_close = transport_->connection().TakeSocketsToClose(now);
    if (!to_close.empty()) endpoint_->Close(to_close);
    return result;
  }

  // Milliseconds until the transport wants to run (for poll), capped at
  // `cap_ms`; 0 if due now. Rounded up, and one more: a loop that can wait
  // with sub-millisecond precision should use PollFor with WaitUntil
  // (base/poll_wait.h).
  int PollTimeoutMs(TimePoint now, int cap_ms) const {
    TimePoint wake = transport_->NextWakeup(now);
    if (wake == kNever) return cap_ms;
    if (wake <= now) return 0;
    auto ms = std::chrono::duration_cast<Millis>(wake - now).count() + 1;
    return static_cast<int>(std::min<int64_t>(ms, cap_ms));
  }

  uint64_t datagram_send_failures() const { return datagram_send_failures_; }
  const Status& last_send_error() const { return last_send_error_; }

 private:
  static constexpr int kMaxReadsPerRound = 64;

  TransportT* transport_;
  net::UdpEndpoint* endpoint_;
  uint64_t datagram_send_failures_ = 0;
  Status last_send_error_;
};

}  // namespace roam::ssp

#endif  // ROAM_SSP_UDP_PUMP_H_
