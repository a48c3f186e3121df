// Connection: the sans-I/O datagram core. See connection.h for the contract
// and docs/protocol.md §1-§2 for the rules implemented here.

#include "net/connection.h"

#include <algorithm>
#include <deque>
#include <utility>

#include "base/check.h"
#include "crypto/nonce.h"
#include "net/datagram.h"
#include "net/timestamp.h"

namespace roam::net {

using crypto::Direction;

struct Connection::Impl {
  Impl(Role r, const crypto::Key& key, uint64_t block_limit) : role(r), session(key, block_limit) {}

  Role role;
  crypto::OcbSession session;

  // One counter for every datagram this side seals under the key: never
  // reset, not even by a port hop, so no (direction, seq) pair repeats. The
  // client's starts at a random point (ClientFirstSeq), the server's at 0.
  uint64_t next_seq = 0;
  // The peer's next expected counter; lower ones are "out of order".
  uint64_t expected_seq = 0;

  std::optional<Address> remote;
  // Family of the last known remote (kept after the server forgets the
  // address, so the MTU does not change across the association timeout).
  int family = AF_UNSPEC;
  // The address roaming compares against, also kept after a timeout.
  Address last_remote;
  bool message_too_big = false;

  // The peer's newest timestamp, to echo once within kEchoHoldLimit.
  std::optional<uint16_t> saved_ts;
  TimePoint saved_at{};

  RttEstimator rtt;
  double peer_loss = 0;         // see Connection::peer_loss()
  bool heard_in_order = false;  // an in-order datagram has arrived
  TimePoint last_datagram_at{};
  TimePoint last_roundtrip_success{};

  // Client sockets: ids in opening order; the last is the current one.
  std::deque<int> open_sockets{0};
  std::vector<int> to_close;
  // Unset until the first Seal: socket 0 counts as chosen when first used.
  std::optional<TimePoint> last_port_choice;

  ConnectionStats stats;

  Direction send_direction() const {
    return role == Role::kClient ? Direction::kToServer : Direction::kToClient;
  }
  Direction receive_direction() const {
    return role == Role::kClient ? Direction::kToClient : Direction::kToServer;
  }

  // The timestamp_reply for a datagram sent at `now` (not yet consumed).
  uint16_t EchoFor(TimePoint now) const {
    if (!saved_ts) return kTimestampNone;
    int64_t held_ms = ToMillis(now) - ToMillis(saved_at);
    if (held_ms < 0) held_ms = 0;  // a clock that went backwards; echo as if at once
    if (held_ms >= kEchoHoldLimit.count()) return kTimestampNone;
    return static_cast<uint16_t>(*saved_ts + static_cast<uint16_t>(held_ms));
  }

  void AdoptRemote(const Address& from) {
    if (!last_remote.empty() && last_remote != from) ++stats.roamed;
    remote = from;
    last_remote = from;
    family = from.family();
  }

  // Client, after each send (docs/protocol.md §2.4): hop to a new local port when neither
  // a port change nor a round trip happened in the last kPortHopInterval.
  void MaybeHopPort(TimePoint now) {
    if (now - *last_port_choice > kPortHopInterval &&
        now - last_roundtrip_success > kPortHopInterval) {
      open_sockets.push_back(open_sockets.back() + 1);
      last_port_choice = now;
      ++stats.port_hops;
      while (open_sockets.size() > kMaxOpenSockets) {
        to_close.push_back(open_sockets.front());
        open_sockets.pop_front();
      }
    }
  }
};

uint64_t ClientFirstSeq(Random& random) {
  return kClientFirstSeqBase + (random.Next() & (kClientFirstSeqSpan - 1));
}

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

Connection Connection::Server(crypto::Key key) {
  return Server(std::move(key), crypto::OcbSession::kDefaultBlockLimit);
}

Connection Connection::Client(crypto::Key key, const Address& server) {
  return Client(std::move(key), server, crypto::OcbSession::kDefaultBlockLimit);
}

Connection Connection::Server(crypto::Key key, uint64_t block_limit) {
  return Connection(std::make_unique<Impl>(Role::kServer, key, block_limit));
}

Connection Connection::Client(crypto::Key key, const Address& server, uint64_t block_limit) {
  SystemRandom random;
  return Client(std::move(key), server, block_limit, ClientFirstSeq(random));
}

Connection Connection::Client(crypto::Key key, const Address& server, uint64_t block_limit,
                              uint64_t first_seq) {
  ROAM_CHECK(!server.empty());
  ROAM_CHECK(first_seq < kClientFirstSeqBase + kClientFirstSeqSpan);
  auto impl = std::make_unique<Impl>(Role::kClient, key, block_limit);
  impl->next_seq = first_seq;
  impl->remote = server;
  impl->last_remote = server;
  impl->family = server.family();
  return Connection(std::move(impl));
}

Role Connection::role() const { return impl_->role; }

Result<OutgoingDatagram> Connection::Seal(std::string_view payload, TimePoint now) {
  Impl& c = *impl_;
  ROAM_CHECK(payload.size() >= kMinPayloadSize);
  if (!c.remote) {
    return Status(StatusCode::kUnavailable, "no client address known; nothing to send to");
  }
  Datagram plain;
  plain.timestamp = Timestamp16(now);
  plain.timestamp_reply = c.EchoFor(now);
  plain.payload = std::string(payload);
  Result<std::string> sealed =
      c.session.Seal(crypto::MakeNonce(c.send_direction(), c.next_seq), plain.Encode());
  if (!sealed.ok()) return sealed.status();
  ++c.next_seq;
  c.saved_ts.reset();  // each peer timestamp is echoed at most once
  ++c.stats.sent;

  OutgoingDatagram out;
  out.bytes = std::move(sealed).value();
  out.to = *c.remote;
  out.socket_id = c.role == Role::kClient ? c.open_sockets.back() : 0;

  if (c.role == Role::kServer) {
    // After each send: a client silent for too long is forgotten; nothing is
    // sent until it is heard from again.
    if (now - c.last_datagram_at > kAssociationTimeout) c.remote.reset();
  } else {
    if (!c.last_port_choice) c.last_port_choice = now;
    c.MaybeHopPort(now);
  }
  return out;
}

std::optional<std::string> Connection::Receive(std::string_view datagram, const Address& from,
                                               int socket_id, bool ecn_ce, TimePoint now) {
  Impl& c = *impl_;
  (void)socket_id;  // every open socket receives alike
  if (datagram.size() > kMaxDatagramSize) {
    ++c.stats.dropped_oversize;
    return std::nullopt;
  }

  // Receive order (docs/protocol.md §2.4): authenticate, then direction, then sequence,
  // and only then (server) adopt the new address. Nothing a datagram says is
  // believed, and nothing is changed, before the OCB tag has been verified.
  Result<crypto::OcbSession::Opened> opened = c.session.Open(datagram);
  if (!opened.ok()) {
    switch (opened.status().code()) {
      case StatusCode::kMalformed:
        ++c.stats.dropped_short;
        break;
      case StatusCode::kResourceExhausted:
        ++c.stats.dropped_exhausted;
        break;
      default:
        ++c.stats.dropped_auth;
        break;
    }
    return std::nullopt;
  }
  // Direction: an authentic datagram in our own sending direction is one of
  // ours reflected back.
  if (crypto::NonceDirection(opened->nonce_word) != c.receive_direction()) {
    ++c.stats.dropped_direction;
    return std::nullopt;
  }
  Result<Datagram> plain = Datagram::Decode(opened->plaintext);
  if (!plain.ok()) {
    ++c.stats.dropped_short;
    return std::nullopt;
  }
  ++c.stats.received;

  // Sequence: an old counter is handed up (SSP state numbers make it
  // harmless) but touches no timestamp, RTT or address state.
  const uint64_t seq = crypto::NonceSeq(opened->nonce_word);
  constexpr double kGain = 1.0 / kLossWindow;
  if (seq < c.expected_seq) {
    ++c.stats.out_of_order;
    // Counted as missing when the gap was seen; it was only late.
    c.peer_loss = std::max(0.0, c.peer_loss - kGain);
    return std::move(plain->payload);
  }
  if (c.heard_in_order) {
    // Every counter skipped was a datagram lost (or still on its way).
    const uint64_t gap = std::min<uint64_t>(seq - c.expected_seq, 4 * kLossWindow);
    for (uint64_t i = 0; i < gap; ++i) c.peer_loss += (1 - c.peer_loss) * kGain;
  }
  c.peer_loss -= c.peer_loss * kGain;
  c.heard_in_order = true;
  c.expected_seq = seq + 1;

  if (plain->timestamp != kTimestampNone) {
    c.saved_ts = plain->timestamp;
    c.saved_at = now;
    if (ecn_ce) {
      // Congestion: make the peer see a longer RTT so it slows its frames.
      c.saved_ts = static_cast<uint16_t>(*c.saved_ts - kCongestionPenaltyMs);
    }
  }
  if (plain->timestamp_reply != kTimestampNone) {
    c.rtt.AddSample(TimestampDiff(Timestamp16(now), plain->timestamp_reply));
  }
  c.last_datagram_at = now;

  // Only now, for an authentic, in-order datagram in the right direction, may
  // the server follow the client to a new address. The client never changes
  // where it sends.
  if (c.role == Role::kServer && (!c.remote || *c.remote != from)) c.AdoptRemote(from);
  return std::move(plain->payload);
}

void Connection::OnMessageTooBig() { impl_->message_too_big = true; }

bool Connection::has_remote() const { return impl_->remote.has_value(); }

const Address& Connection::remote() const {
  ROAM_CHECK(impl_->remote.has_value());
  return *impl_->remote;
}

size_t Connection::mtu() const {
  if (impl_->message_too_big) return kMtuFallback;
  switch (impl_->family) {
    case AF_INET:
      return kMtuIpv4;
    case AF_INET6:
      return kMtuIpv6;
    default:
      return kMtuFallback;
  }
}

const RttEstimator& Connection::rtt() const { return impl_->rtt; }

double Connection::peer_loss() const { return impl_->peer_loss; }

TimePoint Connection::last_datagram_at() const { return impl_->last_datagram_at; }

void Connection::set_last_roundtrip_success(TimePoint t) { impl_->last_roundtrip_success = t; }

std::vector<int> Connection::TakeSocketsToClose(TimePoint now) {
  Impl& c = *impl_;
  if (c.role == Role::kServer) return {};
  if (c.open_sockets.size() > 1 && c.last_port_choice &&
      now - *c.last_port_choice > kOldSocketLifetime) {
    while (c.open_sockets.size() > 1) {
      c.to_close.push_back(c.open_sockets.front());
      c.open_sockets.pop_front();
    }
  }
  return std::exchange(c.to_close, {});
}

int Connection::current_socket_id() const { return impl_->open_sockets.back(); }

const ConnectionStats& Connection::stats() const { return impl_->stats; }

}  // namespace roam::net
