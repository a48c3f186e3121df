// UdpRelay: a UDP relay between a client and a server on loopback that puts
// one LinkModel in each direction, and behaves like a NAT towards the server.
//
// The client sends to the relay's listen socket; the relay forwards from its
// upstream socket to the real server. Datagrams from the server go back to the
// client's CURRENT address: the last source the listen socket heard from, so a
// roaming client is followed. Datagrams on the upstream socket from anyone but
// the server are dropped and counted.
//
// NAT rebinding: Rebind() (or a scheduled rebind) replaces the upstream socket
// with a fresh one on a new ephemeral port, optionally bound to another
// loopback IP (127.0.0.2, ...), so the server sees the client's apparent
// address change. The new socket is opened before the old one closes, so the
// port always differs. Replies the server still sends to the old mapping are
// lost, as with a real NAT.
//
// The adapter only moves bytes: the link models decide drop, copy and
// delivery time; a timer heap holds datagrams until they fall due. The relay
// is single-threaded; call RunOnce in a loop.

#ifndef ROAM_NETSIM_UDP_RELAY_H_
#define ROAM_NETSIM_UDP_RELAY_H_

#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "base/unique_fd.h"
#include "netsim/control_command.h"
#include "netsim/link_model.h"
#include "netsim/loopback_endpoint.h"
#include "netsim/profile.h"

namespace roam::netsim {

struct UdpRelayConfig {
  LoopbackEndpoint listen;  // where the client sends (port 0 = any free port)
  LoopbackEndpoint server;  // the real server
  Profile profile;
  // The client->server model is seeded with `seed`, server->client with a
  // value derived from it, so a run is reproducible from this one number.
  uint64_t seed = 1;
  std::vector<Duration> rebind_at;  // scheduled rebinds, relative to start
  std::string rebind_ip;            // source IP for scheduled rebinds; empty = keep
};

struct UdpRelayStats {
  LinkCounters up;    // client -> server
  LinkCounters down;  // server -> client
  uint64_t from_client = 0;
  uint64_t from_server = 0;
  uint64_t from_stranger = 0;  // upstream datagrams not from the server: dropped
  uint64_t no_client = 0;      // replies due before any client was heard: dropped
  uint64_t heap_overflow = 0;  // dropped because too much was in flight
  uint64_t send_errors = 0;    // sendto failures (datagram lost)
  uint64_t client_moves = 0;   // times the client's source address changed
  uint64_t rebinds = 0;
};

class UdpRelay {
 public:
  // Datagrams in flight are bounded so a fast sender behind a long delay
  // cannot grow memory without limit; beyond these, new ones are dropped.
  static constexpr size_t kMaxInFlightPackets = 100'000;
  static constexpr size_t kMaxInFlightBytes = 64u << 20;

  // Binds the listen and upstream sockets. `clock` must outlive the relay;
  // link model time starts at clock.Now().
  // Errors: kIoError (bind failed), kInvalidArgument (server and listen
  // families differ, bad rebind_ip).
  static Result<std::unique_ptr<UdpRelay>> Create(UdpRelayConfig config, const Clock& clock);

  uint16_t listen_port() const { return listen_addr_.port(); }
  // The address the server currently sees the client as.
  const LoopbackEndpoint& upstream_address() const { return upstream_addr_; }

  // Waits at most `max_wait` for datagrams or the next due delivery, then
  // receives, forwards and delivers everything due. If `extra_fd` >= 0 it is
  // polled for input too and *extra_ready tells whether it is readable (so a
  // caller can watch a control channel in the same loop).
  // Errors: kIoError if poll fails (not EINTR, which returns OK).
  Status RunOnce(Duration max_wait, int extra_fd = -1, bool* extra_ready = nullptr);

  // Moves the upstream socket to a new ephemeral port on `ip` (a loopback
  // address of the server's family), or on the current IP when empty.
  // Errors: kInvalidArgument (bad IP), kIoError (bind failed; the old socket stays).
  Status Rebind(std::string_view ip);

  // Drops everything arriving in either direction for `duration` from now.
  // Datagrams already in flight are still delivered (they left before the
  // link went down).
  void StartOutage(Duration duration);
  // Switches both directions to `profile`'s settings.
  void SetProfile(const Profile& profile);
  // Applies one control-channel command. Errors: as Rebind, or
  // kInvalidArgument for an unknown profile.
  Status Apply(const ControlCommand& command);

  UdpRelayStats stats() const;
  // The stats as a JSON object.
  std::string StatsJson() const;

 private:
  enum class Direction { kUp, kDown };
  struct Pending {
    TimePoint at;
    uint64_t seq;
    Direction direction;
    std::string bytes;
  };
  struct Later {
    bool operator()(const Pending& a, const Pending& b) const {
      return a.at != b.at ? a.at > b.at : a.seq > b.seq;
    }
  };

  UdpRelay(UdpRelayConfig config, const Clock& clock);
  void Schedule(std::vector<Delivery> deliveries, Direction direction);
  void ReceiveFromClient(TimePoint now);
  void ReceiveFromServer(TimePoint now);
  void DeliverDue(TimePoint now);
  TimePoint NextDeadline() const;

  UdpRelayConfig config_;
  const Clock& clock_;
  TimePoint start_;
  LinkModel up_;
  LinkModel down_;
  UniqueFd listen_fd_;
  UniqueFd upstream_fd_;
  LoopbackEndpoint listen_addr_;
  LoopbackEndpoint upstream_addr_;
  LoopbackEndpoint client_;  // empty until the first client datagram
  std::priority_queue<Pending, std::vector<Pending>, Later> heap_;
  size_t heap_bytes_ = 0;
  uint64_t next_seq_ = 0;
  size_t next_rebind_ = 0;  // index into the sorted config_.rebind_at
  UdpRelayStats stats_;
};

}  // namespace roam::netsim

#endif  // ROAM_NETSIM_UDP_RELAY_H_
