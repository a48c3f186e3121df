// TcpRelay: relays TCP byte streams (ssh and the like) on loopback through a
// pair of stream-mode LinkModels per connection.
//
// Each accepted connection gets a connection to the target and two pipes
// (client->server uses the profile's "up" settings, server->client "down").
// Bytes are read in chunks; the link model gives each chunk a delivery time
// and the chunk is written when it falls due. A stream is never reordered,
// duplicated or cut: loss becomes extra delay (a simulated retransmission,
// see link_model.h), an outage stalls the stream until it ends (chunks due
// during an outage wait too), and the bandwidth cap paces the chunks. When a
// pipe's bottleneck backlog reaches the queue limit, or too many bytes are in
// flight, the relay stops reading that side and TCP flow control pushes back
// on the sender. EOF is passed on (shutdown for writing) after the last chunk
// is delivered; a connection closes when both directions are done or either
// side fails.

#ifndef ROAM_NETSIM_TCP_RELAY_H_
#define ROAM_NETSIM_TCP_RELAY_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "base/unique_fd.h"
#include "netsim/control_command.h"
#include "netsim/link_model.h"
#include "netsim/loopback_endpoint.h"
#include "netsim/profile.h"

namespace roam::netsim {

struct TcpRelayConfig {
  LoopbackEndpoint listen;  // where clients connect (port 0 = any free port)
  LoopbackEndpoint target;  // the real server
  Profile profile;
  uint64_t seed = 1;
  size_t max_connections = 64;  // more are accepted and closed at once
};

struct TcpRelayStats {
  LinkCounters up;    // summed over connections, client -> server
  LinkCounters down;  // server -> client
  uint64_t accepted = 0;
  uint64_t refused = 0;         // over max_connections
  uint64_t connect_failed = 0;  // target unreachable
  uint64_t closed = 0;
  uint64_t bytes_up = 0;    // bytes written to the target
  uint64_t bytes_down = 0;  // bytes written to clients
};

class TcpRelay {
 public:
  // Chunk size read from a socket at once.
  static constexpr size_t kChunkBytes = 16 * 1024;
  // Bytes a pipe holds in flight before it stops reading its source.
  static constexpr size_t kMaxInFlightBytes = 4u << 20;

  // Binds and listens. `clock` must outlive the relay.
  // Errors: kIoError (bind/listen failed), kInvalidArgument (families differ).
  static Result<std::unique_ptr<TcpRelay>> Create(TcpRelayConfig config, const Clock& clock);
  ~TcpRelay();

  uint16_t listen_port() const { return listen_addr_.port(); }
  size_t open_connections() const { return connections_.size(); }

  // Waits at most `max_wait` for socket readiness or the next due chunk, then
  // accepts, reads, and writes everything due. `extra_fd` as in
  // UdpRelay::RunOnce. Errors: kIoError if poll fails (EINTR returns OK).
  Status RunOnce(Duration max_wait, int extra_fd = -1, bool* extra_ready = nullptr);

  // Stalls every stream, both directions, for `duration` from now (and any
  // connection accepted during it).
  void StartOutage(Duration duration);
  // Switches both directions of every connection (and future ones) to `profile`.
  void SetProfile(const Profile& profile);
  // Applies one control-channel command; "rebind" is not meaningful for a
  // stream and returns kInvalidArgument, as does an unknown profile.
  Status Apply(const ControlCommand& command);

  TcpRelayStats stats() const;
  std::string StatsJson() const;

 private:
  struct Pipe;
  struct Connection;

  TcpRelay(TcpRelayConfig config, const Clock& clock);
  void Accept();
  // Returns false when the connection failed and must be closed.
  bool ReadInto(Pipe& pipe, int fd, TimePoint now);
  bool WriteDue(Pipe& pipe, int fd, TimePoint now, uint64_t* counter);
  bool Service(Connection& c, short client_events, short server_events, TimePoint now);
  void AddCounters(const Connection& c);

  TcpRelayConfig config_;
  const Clock& clock_;
  TimePoint start_;  // origin of the profile's outage windows, for every connection
  UniqueFd listen_fd_;
  LoopbackEndpoint listen_addr_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<std::pair<TimePoint, Duration>> outages_;  // replayed on new connections
  uint64_t next_connection_ = 0;
  TcpRelayStats stats_;  // link counters of closed connections are folded in here
};

}  // namespace roam::netsim

#endif  // ROAM_NETSIM_TCP_RELAY_H_
