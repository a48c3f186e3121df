// DatagramPaths: how the client's datagrams travel — over UDP, or over a
// stream when UDP does not get through (docs/protocol.md §10) — the
// client adapters' pump between the ClientCore and the network.
//
// It reads every UDP socket of the core's connection and the stream (if
// any), hands authentic datagrams to the core and tells the PathSelector
// which way they came; it sends what the core has due the way the selector
// says, sending one datagram by UDP instead now and then as a probe while
// on the stream. It opens a stream (through `opener`) when the selector wants one,
// with a growing pause between failed attempts, and closes it once UDP has
// worked for kStreamIdleClose.

#ifndef ROAM_CLIENT_DATAGRAM_PATHS_H_
#define ROAM_CLIENT_DATAGRAM_PATHS_H_

#include <poll.h>

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "client/client_core.h"
#include "client/path_selector.h"
#include "net/stream_link.h"
#include "net/udp_endpoint.h"

namespace roam::client {

// A stream to the server, and how to let it go (end the process behind it).
struct OpenedStream {
  std::unique_ptr<net::StreamLink> link;
  std::function<void()> close;  // may be empty
};

class DatagramPaths {
 public:
  static constexpr Duration kStreamIdleClose = std::chrono::seconds(5);
  static constexpr Duration kFirstRetry = std::chrono::seconds(1);
  static constexpr Duration kMaxRetry = std::chrono::seconds(30);
  // A stream that brought nothing for this long while datagrams went over
  // it is given up and opened anew: a TCP connection whose client address
  // went away, or a path in an outage, never reports an error by itself
  // (both sides send heartbeats every 3 s).
  static constexpr Duration kStreamSilence = std::chrono::seconds(8);

  // Opens a new stream; nullopt when it cannot (tried again later).
  using Opener = std::function<std::optional<OpenedStream>()>;

  // REQUIRES: `core` and `udp` outlive this object.
  DatagramPaths(ClientCore* core, net::UdpEndpoint* udp, TransportMode mode, Opener opener,
                std::optional<OpenedStream> initial, TimePoint now);
  ~DatagramPaths();

  void AddPollFds(std::vector<pollfd>* fds) const;
  void OnPolled(const std::vector<pollfd>& fds, TimePoint now);
  // Sends what the core has due at `now` (core->Tick) and manages the
  // stream. Returns kIoError only if a UDP socket could not be opened at all.
  Status Flush(TimePoint now);
  TimePoint NextWakeup(TimePoint now) const;

  uint64_t datagram_send_failures() const { return datagram_send_failures_; }
  const Status& last_send_error() const { return last_send_error_; }
  // "UDP", "ssh" or "TCP": where datagrams go now.
  std::string_view Describe(TimePoint now) const { return selector_.Describe(now); }
  const PathSelector& selector() const { return selector_; }
  // What happened to streams since the last call ("stream opened", "stream
  // closed: end of stream"), for -v.
  std::vector<std::string> TakeEvents() { return std::exchange(events_, {}); }

 private:
  void CloseStream();
  void ReceiveOne(const std::string& bytes, const net::Address& from, int socket_id, bool ecn_ce,
                  PathSelector::Path via, TimePoint now);

  ClientCore* core_;
  net::UdpEndpoint* udp_;
  PathSelector selector_;
  Opener opener_;
  std::optional<OpenedStream> stream_;
  TimePoint next_attempt_{};
  Duration retry_ = kFirstRetry;
  std::optional<TimePoint> udp_since_;  // UDP carried the session since, with a stream up
  TimePoint stream_heard_{};
  std::vector<std::string> events_;  // the stream last brought a datagram (or opened)
  uint64_t datagram_send_failures_ = 0;
  Status last_send_error_;
};

}  // namespace roam::client

#endif  // ROAM_CLIENT_DATAGRAM_PATHS_H_
