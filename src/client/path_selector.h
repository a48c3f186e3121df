// PathSelector: which way the client's datagrams go — straight over UDP, or
// over a stream (an ssh connection or a TCP connection to the server) when
// UDP does not get through (docs/protocol.md §10). Sans-I/O: the adapter
// reports what arrived on which path and whether a stream is up, and asks
// where to send and whether to probe.
//
// kAuto starts on UDP. Nothing heard over UDP within kFallbackAfter of the
// start, or for kUdpSilence once it worked, means UDP is blocked: the
// client wants a stream and sends on it while it is up. On a stream it
// probes UDP every kProbeInterval by sending one datagram that way instead
// (a copy would be a replay to a server that got the stream's first); the
// server follows the client to whichever address brought its newest
// datagram, so if UDP works again replies come back over UDP, and the first
// one moves the client back. kUdp, kTcp and kSsh stay on one path.

#ifndef ROAM_CLIENT_PATH_SELECTOR_H_
#define ROAM_CLIENT_PATH_SELECTOR_H_

#include <chrono>
#include <string_view>

#include "base/clock.h"
#include "base/status.h"

namespace roam::client {

enum class TransportMode { kAuto, kUdp, kTcp, kSsh };

// "auto", "udp", "tcp" or "ssh". Errors: kInvalidArgument.
Result<TransportMode> ParseTransportMode(std::string_view text);
std::string_view TransportModeName(TransportMode mode);

class PathSelector {
 public:
  enum class Path { kUdp, kStream };

  // UDP gets this long to answer at the start ...
  static constexpr Duration kFallbackAfter = std::chrono::milliseconds(1500);
  // ... and this long of silence once it worked (the peers' heartbeats come
  // every 3 s).
  static constexpr Duration kUdpSilence = std::chrono::seconds(7);
  static constexpr Duration kProbeInterval = std::chrono::seconds(2);

  PathSelector(TransportMode mode, TimePoint start) : mode_(mode), start_(start) {}

  // An authentic datagram arrived on `via` at `now`.
  void OnReceived(Path via, TimePoint now);
  // The stream came up or went down.
  void OnStreamUp(TimePoint now);
  void OnStreamDown(TimePoint now);

  // Where datagrams go now.
  Path SendPath(TimePoint now) const;
  // Whether the adapter should have a stream (opening one if it has none).
  bool WantStream(TimePoint now) const;
  // While on the stream: true when a datagram should go over UDP instead now
  // (at most once per kProbeInterval); then the probe counts as sent.
  bool TakeUdpProbe(TimePoint now);
  // When a decision may change without new events.
  TimePoint NextWakeup(TimePoint now) const;

  TransportMode mode() const { return mode_; }
  // "UDP", or the stream kind ("TCP", "ssh") while datagrams go that way.
  std::string_view Describe(TimePoint now) const;

 private:
  bool UdpBlocked(TimePoint now) const;

  TransportMode mode_;
  TimePoint start_;
  TimePoint last_udp_{};  // {} until UDP answered
  bool udp_ever_ = false;
  bool stream_up_ = false;
  TimePoint last_probe_{};
};

}  // namespace roam::client

#endif  // ROAM_CLIENT_PATH_SELECTOR_H_
