// Connection: the sans-I/O core of roam's datagram layer (docs/protocol.md §1, §2).
//
// It turns fragments (opaque payload bytes from the SSP layer) into sealed
// datagrams and back, and owns everything docs/protocol.md §1-§3 puts below SSP:
//   * the AES-128-OCB session, the per-direction nonce counter (the
//     client's from a random start, see ClientFirstSeq) and its limit;
//   * the 16-bit timestamps and their echo (timestamp_reply), RTT samples,
//     SRTT/RTTVAR/RTO and the frame interval derived from SRTT;
//   * the receive rules, in this order: authenticate, check direction, check
//     sequence, and only then (server) adopt a new client address;
//   * the MTU for the peer's address family (and the permanent fallback to
//     500 after EMSGSIZE);
//   * the server's 40 s association timeout and the client's port hopping
//     after 10 s without a round trip, including which of the client's local
//     sockets to send from and when to close old ones.
//
// It never touches a socket or a clock: every call takes `now`, and the
// adapter (udp_endpoint.h) performs the socket operations it is told to.
// Local sockets are named by small integer ids chosen here.

#ifndef ROAM_NET_CONNECTION_H_
#define ROAM_NET_CONNECTION_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "base/status.h"
#include "crypto/key.h"
#include "crypto/ocb_session.h"
#include "net/address.h"
#include "net/rtt_estimator.h"

namespace roam::net {

enum class Role { kClient, kServer };

// What the datagram layer counts. Every datagram that is not acted on is
// counted in exactly one of the drop counters.
struct ConnectionStats {
  uint64_t sent = 0;
  uint64_t received = 0;           // handed up (authentic, right direction)
  uint64_t dropped_short = 0;      // < 24 bytes, or plaintext < 4 bytes
  uint64_t dropped_oversize = 0;   // > 2048 bytes
  uint64_t dropped_auth = 0;       // failed OCB authentication
  uint64_t dropped_direction = 0;  // authentic but our own direction (reflected)
  uint64_t out_of_order = 0;       // authentic but seq < expected: payload handed up,
                                   // no timestamps, no roaming (docs/protocol.md §2.4 step 2)
  uint64_t roamed = 0;             // server adopted a new client address
  uint64_t port_hops = 0;          // client opened a new local socket
  uint64_t dropped_exhausted = 0;  // key usage limit reached: nothing more can be
                                   // opened; the session must end (Seal fails too)
};

// Datagram-layer constants (docs/protocol.md §1.4, §2.2-§3.1, §14).
inline constexpr size_t kMaxDatagramSize = 2048;       // bytes; larger ones are dropped
inline constexpr size_t kMtuIpv4 = 1252;               // 1280 - 20 (IPv4) - 8 (UDP)
inline constexpr size_t kMtuIpv6 = 1216;               // 1280 - 40 (IPv6) - 16 (headroom) - 8 (UDP)
inline constexpr size_t kMtuFallback = 500;            // family unknown, or after EMSGSIZE
inline constexpr size_t kMinPayloadSize = 10;          // a fragment header; shorter aborts Mosh
inline constexpr Millis kEchoHoldLimit{1000};          // a peer timestamp is echoed only this long
inline constexpr uint16_t kCongestionPenaltyMs = 500;  // subtracted from the echo on ECN CE
inline constexpr Millis kAssociationTimeout{40000};    // server forgets a silent client
inline constexpr Millis kPortHopInterval{10000};       // client: new port after this silence
inline constexpr Millis kOldSocketLifetime{60000};     // client: old sockets close after this
inline constexpr size_t kMaxOpenSockets = 10;          // client: oldest closed beyond this
inline constexpr int kLossWindow = 16;                 // datagrams peer_loss() averages over

// The client's nonce counter starts at a random point high in the 63-bit
// space, in [kClientFirstSeqBase, kClientFirstSeqBase + kClientFirstSeqSpan),
// so that a client restarted with the same key (as stock Mosh allows, with
// MOSH_KEY) does not reuse the nonces of its previous run. A server accepts
// any counter at or above the one it expects, so stock servers are
// unaffected; 2^61 datagrams of headroom remain above the highest start.
// The server's counter starts at 0 (its key is fresh for every session).
inline constexpr uint64_t kClientFirstSeqBase = uint64_t{1} << 62;
inline constexpr uint64_t kClientFirstSeqSpan = uint64_t{1} << 61;

// A starting point for a client's counter, drawn from `random`.
uint64_t ClientFirstSeq(Random& random);

// One datagram to put on the wire.
struct OutgoingDatagram {
  std::string bytes;  // nonce || ciphertext || tag
  Address to;
  int socket_id = 0;  // local socket to send from (client: see below; server: always 0)
};

class Connection {
 public:
  // Server: the remote address is unknown until the first authentic
  // datagram. Client: `server` is where every datagram goes, for the whole
  // session (only the server roams); its nonce counter starts at
  // ClientFirstSeq() of the operating system's generator.
  static Connection Server(crypto::Key key);
  static Connection Client(crypto::Key key, const Address& server);
  // The same with a lower key usage limit (in 16-byte blocks), so tests can
  // reach it; production code uses the two above (limit 2^47).
  static Connection Server(crypto::Key key, uint64_t block_limit);
  static Connection Client(crypto::Key key, const Address& server, uint64_t block_limit);
  // A client whose counter starts at `first_seq` (tests that need known
  // nonces, or a seeded ClientFirstSeq).
  // REQUIRES: first_seq < kClientFirstSeqBase + kClientFirstSeqSpan.
  static Connection Client(crypto::Key key, const Address& server, uint64_t block_limit,
                           uint64_t first_seq);

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  Role role() const;

  // Seals `payload` (one fragment, >= 10 bytes) into a datagram stamped with
  // the timestamp of `now` and, when one is held (< 1 s old), the echo of the
  // peer's last timestamp. Client: then applies the port-hop rule.
  // Server: then applies the association timeout.
  // Errors: kUnavailable when no remote address is known (server before
  // contact or after the 40 s timeout; send nothing); kResourceExhausted when
  // the key's usage limit is reached (the session must end).
  // REQUIRES: payload.size() >= kMinPayloadSize (checked: a shorter fragment
  // would make a stock Mosh peer abort).
  Result<OutgoingDatagram> Seal(std::string_view payload, TimePoint now);

  // Processes one received datagram that arrived from `from` on local socket
  // `socket_id`; `ecn_ce` is true if the IP header carried Congestion
  // Experienced. Returns the payload (a fragment) when the datagram is
  // authentic and in our receive direction — also for an old sequence number,
  // which is handed up but does not update timestamps, RTT or the address.
  // Returns nullopt (and counts it) for anything else.
  std::optional<std::string> Receive(std::string_view datagram, const Address& from, int socket_id,
                                     bool ecn_ce, TimePoint now);

  // Tells the core that sendto() failed with EMSGSIZE: the MTU drops to 500
  // for good (docs/protocol.md §3.1).
  void OnMessageTooBig();

  bool has_remote() const;
  // REQUIRES: has_remote()
  const Address& remote() const;
  // Largest UDP payload this side allows itself: 1252 (IPv4), 1216 (IPv6),
  // 500 before a family is known or after EMSGSIZE.
  size_t mtu() const;

  const RttEstimator& rtt() const;

  // The fraction of the peer's datagrams that did not arrive, estimated
  // from gaps in their counters: an exponentially weighted average over
  // about the last kLossWindow datagrams the peer sent, each one missing
  // counting 1 and each one received 0 (a late arrival is taken back).
  // 0 until a datagram has arrived. Only authentic datagrams count, so no
  // one without the key can move it.
  double peer_loss() const;

  // Local time of the last in-order authentic datagram (or TimePoint{} if none).
  TimePoint last_datagram_at() const;
  // The SSP layer reports the send time of its newest acknowledged state;
  // the client's port-hop rule uses it (docs/protocol.md §2.4).
  void set_last_roundtrip_success(TimePoint t);

  // Client sockets. Ids start at 0 and grow by one per port hop. The adapter
  // opens a new socket whenever an OutgoingDatagram names an id it has not
  // seen, keeps receiving on all open ones, and closes the ids returned here
  // (old sockets, once the newest is > 60 s old; never more than 10 open).
  // Server: always the single id 0; returns empty.
  std::vector<int> TakeSocketsToClose(TimePoint now);
  int current_socket_id() const;

  const ConnectionStats& stats() const;

 private:
  struct Impl;
  explicit Connection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace roam::net

#endif  // ROAM_NET_CONNECTION_H_
