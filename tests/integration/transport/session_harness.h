// SessionHarness: a roam client Transport<UserStream, HostBytesState> and a
// server Transport<HostBytesState, UserStream> in one process, joined by a
// seeded FakeLink and driven by a FakeClock event loop that always advances
// to the earliest of the two wake-ups, the next datagram arrival and the next
// scripted application event. No sleeps, no sockets.
//
// The client side models its sockets by id: socket k appears to the server
// as 127.0.0.1:(40000 + 10k + nat_shift). Changing nat_shift is a NAT
// rebinding; a port hop by the client's Connection opens a new id. Datagrams
// to a port that no longer maps to an open client socket are lost.
//
// The server application consumes the UserStream diffs, echoes every typed
// byte into its HostBytesState and sets the echo ack to the newest client
// state it has consumed.

#ifndef ROAM_TESTS_INTEGRATION_TRANSPORT_SESSION_HARNESS_H_
#define ROAM_TESTS_INTEGRATION_TRANSPORT_SESSION_HARNESS_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "crypto/key.h"
#include "net/connection.h"
#include "ssp/transport.h"
#include "state/user_stream.h"
#include "support/host_bytes_state.h"
#include "unit/ssp/fake_link.h"

namespace roam::ssp::testing {

using ClientTransport = Transport<state::UserStream, state::HostBytesState>;
using ServerTransport = Transport<state::HostBytesState, state::UserStream>;

inline crypto::Key SessionKey() { return crypto::Key::FromBytes("roam-test-key-16"); }
inline net::Address ServerAddr() { return *net::Address::Parse("127.0.0.1", 60001); }

class SessionHarness {
 public:
  explicit SessionHarness(uint64_t seed)
      : link_random_(seed),
        client_random_(seed * 3 + 1),
        server_random_(seed * 7 + 2),
        link_(&link_random_),
        client_(net::Connection::Client(SessionKey(), ServerAddr(),
                                        crypto::OcbSession::kDefaultBlockLimit,
                                        net::ClientFirstSeq(client_random_)),
                state::UserStream(), state::HostBytesState(), &client_random_, clock_.Now()),
        server_(net::Connection::Server(SessionKey()), state::HostBytesState(), state::UserStream(),
                &server_random_, clock_.Now()) {
    open_sockets_.insert(0);
  }

  TimePoint Now() const { return clock_.Now(); }
  FakeLink& link() { return link_; }
  ClientTransport& client() { return client_; }
  ServerTransport& server() { return server_; }

  // What the client's user did, in full (the transport's own copy is trimmed
  // as the server acknowledges it).
  const state::UserStream& typed() const { return typed_; }
  // Every event the server application consumed, in order.
  const state::UserStream& server_seen() const { return server_seen_; }

  void Type(std::string_view bytes) {
    client_.current_state().PushBytes(bytes);
    typed_.PushBytes(bytes);
  }
  void Resize(int32_t width, int32_t height) {
    client_.current_state().PushResize(width, height);
    typed_.PushResize(width, height);
  }
  void set_nat_shift(uint16_t shift) { nat_shift_ = shift; }

  net::Address ClientAddr(int socket_id) const {
    return *net::Address::Parse("127.0.0.1",
                                static_cast<uint16_t>(40000 + 10 * socket_id + nat_shift_));
  }

  // True when both directions hold identical states.
  bool Converged() const {
    return server_seen_ == typed_ && client_.latest_remote_state() == server_.current_state();
  }

  // Hooks to see every datagram delivered to the server or the client (for
  // replay capture).
  std::function<void(const InFlight&)> on_server_delivery;
  std::function<void(const InFlight&)> on_client_delivery;

  // One turn of the event loop: advance to the next event (never past
  // `until`), deliver due datagrams, run the server application, tick both.
  void Step(TimePoint until) {
    TimePoint now = clock_.Now();
    TimePoint next =
        std::min({client_.NextWakeup(now), server_.NextWakeup(now), link_.NextArrival(), until});
    clock_.Set(std::max(now, next));
    now = clock_.Now();

    for (InFlight& d : link_.TakeDue(FakeLink::kToServer, now)) {
      if (on_server_delivery) on_server_delivery(d);
      server_.Receive(d.bytes, d.from, 0, false, now);
    }
    for (InFlight& d : link_.TakeDue(FakeLink::kToClient, now)) {
      int socket = SocketFor(d.to);
      if (socket < 0) {
        ++undeliverable_;
        continue;
      }
      if (on_client_delivery) on_client_delivery(d);
      client_.Receive(d.bytes, d.from, socket, false, now);
    }
    ServerApplication();
    for (net::OutgoingDatagram& d : client_.Tick(now)) {
      open_sockets_.insert(d.socket_id);
      link_.Send(FakeLink::kToServer, std::move(d.bytes), ClientAddr(d.socket_id), d.to, now);
    }
    for (net::OutgoingDatagram& d : server_.Tick(now)) {
      link_.Send(FakeLink::kToClient, std::move(d.bytes), ServerAddr(), d.to, now);
    }
    for (int closed : client_.connection().TakeSocketsToClose(now)) open_sockets_.erase(closed);
    ++steps_;
  }

  // Runs the loop until `t`, or until `stop()` holds; returns whether it held.
  bool RunUntil(TimePoint t, const std::function<bool()>& stop = nullptr) {
    for (uint64_t guard = 0; guard < 5'000'000; ++guard) {
      if (stop && stop()) return true;
      if (clock_.Now() >= t) return stop ? stop() : true;
      Step(t);
    }
    ADD_FAILURE() << "event loop did not progress";
    return false;
  }

  uint64_t steps() const { return steps_; }
  uint64_t undeliverable() const { return undeliverable_; }

 private:
  int SocketFor(const net::Address& to) const {
    for (int id : open_sockets_) {
      if (ClientAddr(id) == to) return id;
    }
    return -1;
  }

  void ServerApplication() {
    std::string diff = server_.TakeRemoteDiff();
    if (diff.empty()) return;
    Result<std::vector<state::UserEvent>> events = state::UserStream::EventsOfDiff(diff);
    ASSERT_TRUE(events.ok());
    ASSERT_TRUE(server_seen_.Apply(diff).ok());
    if (server_.shutdown_in_progress()) return;
    state::HostBytesState& screen = server_.current_state();
    for (const state::UserEvent& event : *events) {
      if (const auto* byte = std::get_if<state::UserByte>(&event)) {
        screen.AppendBytes(std::string(1, byte->byte));
      } else {
        const auto& resize = std::get<state::Resize>(event);
        screen.SetSize({resize.width, resize.height});
      }
    }
    uint64_t num = server_.latest_remote_state_num();
    if (num != wire::kShutdownStateNum && num > screen.echo_ack()) screen.SetEchoAck(num);
  }

  FakeClock clock_;
  SeededRandom link_random_;
  SeededRandom client_random_;
  SeededRandom server_random_;
  FakeLink link_;
  ClientTransport client_;
  ServerTransport server_;
  state::UserStream typed_;
  state::UserStream server_seen_;
  std::set<int> open_sockets_;
  uint16_t nat_shift_ = 0;
  uint64_t steps_ = 0;
  uint64_t undeliverable_ = 0;
};

}  // namespace roam::ssp::testing

#endif  // ROAM_TESTS_INTEGRATION_TRANSPORT_SESSION_HARNESS_H_
