// A live server Transport under attack during a session: 10,000 garbage,
// truncated, replayed, wrong-direction and wrong-key datagrams from an
// attacker's address. None may be acted on (no state change, no roaming to
// the attacker), each must land in the right drop counter, and the session
// must carry on in step afterwards.

#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "integration/transport/session_harness.h"

namespace roam::ssp::testing {
namespace {

class AdversaryTest : public ::testing::Test {
 protected:
  AdversaryTest() : session_(77), attacker_(*net::Address::Parse("127.0.0.66", 6666)) {
    session_.on_server_delivery = [this](const InFlight& d) {
      captured_.push_back(d.bytes);
      if (captured_.size() > 64) captured_.pop_front();
    };
    for (FakeLink::Side side : {FakeLink::kToServer, FakeLink::kToClient}) {
      session_.link().direction(side).delay = Millis(40);
      session_.link().direction(side).jitter = Millis(10);
      session_.link().direction(side).loss = 0.1;
    }
  }

  // Delivers one attack datagram straight to the server and checks that it
  // changed nothing.
  void Attack(const std::string& bytes) {
    ServerTransport& server = session_.server();
    const uint64_t num = server.latest_remote_state_num();
    const state::UserStream remote = server.latest_remote_state();
    const net::Address remote_addr = server.connection().remote();
    const TimePoint heard = server.last_new_state_at();
    server.Receive(bytes, attacker_, 0, false, session_.Now());
    ASSERT_EQ(server.latest_remote_state_num(), num);
    ASSERT_EQ(server.latest_remote_state(), remote);
    ASSERT_EQ(server.connection().remote(), remote_addr);
    ASSERT_NE(server.connection().remote(), attacker_);
    ASSERT_EQ(server.last_new_state_at(), heard);
  }

  std::string RandomBytes(size_t n) {
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(random_.Next());
    return s;
  }

  SessionHarness session_;
  net::Address attacker_;
  std::deque<std::string> captured_;
  SeededRandom random_{1234};
};

TEST_F(AdversaryTest, TenThousandBadDatagramsAreDroppedAndCounted) {
  session_.Resize(80, 24);
  session_.Type("ls -l\r");
  ASSERT_TRUE(
      session_.RunUntil(session_.Now() + Millis(10'000), [&] { return session_.Converged(); }));
  // Idle a while: heartbeats give more genuine datagrams to replay.
  ASSERT_TRUE(session_.RunUntil(session_.Now() + Millis(10'000)));
  ASSERT_GE(captured_.size(), 3u);

  // Datagrams an attacker could make: one sealed with another key, one in the
  // server's own direction with the right key (a reflection).
  net::Connection wrong_key(
      net::Connection::Client(crypto::Key::FromBytes("not-the-real-key"), ServerAddr()));
  net::Connection reflector(net::Connection::Server(SessionKey()));
  // The reflector needs a remote to seal to: any authentic client datagram.
  net::Connection genuine_client(net::Connection::Client(SessionKey(), ServerAddr()));
  {
    Result<net::OutgoingDatagram> hello = genuine_client.Seal(std::string(12, 'h'), session_.Now());
    ASSERT_TRUE(hello.ok());
    ASSERT_TRUE(reflector.Receive(hello->bytes, attacker_, 0, false, session_.Now()).has_value());
  }

  const TransportStats before = session_.server().stats();
  uint64_t garbage = 0, truncated = 0, replayed = 0, reflected = 0, wrong = 0;
  for (int i = 0; i < 10'000; ++i) {
    switch (i % 5) {
      case 0: {  // garbage of any length, some over the 2048-byte limit
        Attack(RandomBytes(random_.Uniform(2200)));
        ++garbage;
        break;
      }
      case 1: {  // a genuine datagram cut short, or with one byte flipped
        std::string bytes = captured_[random_.Uniform(captured_.size())];
        if (random_.Chance(0.5)) {
          bytes.resize(random_.Uniform(bytes.size()));
        } else {
          bytes[random_.Uniform(bytes.size())] ^= static_cast<char>(1 + random_.Uniform(255));
        }
        Attack(bytes);
        ++truncated;
        break;
      }
      case 2: {  // a genuine datagram replayed from the attacker's address
        Attack(captured_[random_.Uniform(captured_.size())]);
        ++replayed;
        break;
      }
      case 3: {  // right key, wrong direction
        Result<net::OutgoingDatagram> d = reflector.Seal(RandomBytes(20), session_.Now());
        ASSERT_TRUE(d.ok());
        Attack(d->bytes);
        ++reflected;
        break;
      }
      case 4: {  // wrong key
        Result<net::OutgoingDatagram> d = wrong_key.Seal(RandomBytes(30), session_.Now());
        ASSERT_TRUE(d.ok());
        Attack(d->bytes);
        ++wrong;
        break;
      }
    }
  }
  const TransportStats after = session_.server().stats();
  auto delta = [](uint64_t a, uint64_t b) { return a - b; };
  const uint64_t short_or_auth_or_oversize =
      delta(after.connection.dropped_short, before.connection.dropped_short) +
      delta(after.connection.dropped_auth, before.connection.dropped_auth) +
      delta(after.connection.dropped_oversize, before.connection.dropped_oversize);
  // Garbage, damaged and wrong-key datagrams never authenticate.
  EXPECT_EQ(short_or_auth_or_oversize, garbage + truncated + wrong);
  EXPECT_GE(
      delta(after.connection.dropped_auth, before.connection.dropped_auth),
      truncated + wrong - delta(after.connection.dropped_short, before.connection.dropped_short));
  EXPECT_GT(delta(after.connection.dropped_oversize, before.connection.dropped_oversize), 0u);
  EXPECT_EQ(delta(after.connection.dropped_direction, before.connection.dropped_direction),
            reflected);
  // Replays authenticate, are recognized as old, and their states as duplicates.
  EXPECT_EQ(delta(after.connection.out_of_order, before.connection.out_of_order), replayed);
  EXPECT_EQ(delta(after.receiver.duplicate_states, before.receiver.duplicate_states) +
                delta(after.assembly.duplicates, before.assembly.duplicates) +
                delta(after.assembly.stale, before.assembly.stale) +
                delta(after.receiver.unknown_reference, before.receiver.unknown_reference),
            replayed);
  // Every attack datagram is counted exactly once as dropped.
  EXPECT_EQ(after.dropped() - before.dropped(), 10'000u);
  EXPECT_EQ(after.connection.roamed, before.connection.roamed);
  EXPECT_EQ(after.receiver.states_accepted, before.receiver.states_accepted);

  // The session carries on in step.
  session_.Type("echo still here\r");
  session_.Resize(100, 40);
  ASSERT_TRUE(
      session_.RunUntil(session_.Now() + Millis(10'000), [&] { return session_.Converged(); }));
  EXPECT_EQ(session_.server().connection().remote(), session_.ClientAddr(0));
}

// One captured server datagram replayed to the client every 5 ms while the
// server sends full-screen redraws (each one an Instruction of several
// fragments, spread out by jitter). A replayed fragment carries an old
// Instruction id; if it reset the client's reassembly, no redraw would ever
// complete. The screen must still converge, and the replays must all be
// counted as dropped.
TEST_F(AdversaryTest, ReplayEvery5msDuringFullScreenRedrawsStillConverges) {
  SessionHarness session(91);
  std::vector<std::string> to_client;
  session.on_client_delivery = [&](const InFlight& d) {
    if (to_client.size() < 8) to_client.push_back(d.bytes);
  };
  for (FakeLink::Side side : {FakeLink::kToServer, FakeLink::kToClient}) {
    session.link().direction(side).delay = Millis(30);
    session.link().direction(side).jitter = Millis(25);
  }
  session.Resize(80, 24);
  ASSERT_TRUE(
      session.RunUntil(session.Now() + Millis(10'000), [&] { return session.Converged(); }));
  ASSERT_FALSE(to_client.empty());
  const std::string replayed = to_client.front();

  // Ten full redraws of an 80x24 screen of incompressible text, 200 ms
  // apart, with the replay every 5 ms throughout and until convergence.
  ClientTransport& client = session.client();
  const uint64_t stale_before = client.stats().assembly.stale;
  const uint64_t dropped_before = client.stats().dropped();
  uint64_t replays = 0;
  const TimePoint deadline = session.Now() + Millis(20'000);
  int redraws = 0;
  TimePoint next_redraw = session.Now();
  while (session.Now() < deadline) {
    if (redraws < 10 && session.Now() >= next_redraw) {
      session.server().current_state().AppendBytes("\x1b[H" + RandomBytes(80 * 24));
      ++redraws;
      next_redraw = session.Now() + Millis(200);
    }
    if (redraws == 10 && session.Converged()) break;
    ASSERT_TRUE(session.RunUntil(session.Now() + Millis(5)));
    client.Receive(replayed, ServerAddr(), 0, false, session.Now());
    ++replays;
  }
  ASSERT_EQ(redraws, 10);
  EXPECT_TRUE(session.Converged()) << "the client never caught up with the redraws";
  EXPECT_GT(replays, 100u);
  // Every replay was dropped (as a stale fragment or a duplicate state).
  EXPECT_GE(client.stats().dropped() - dropped_before, replays);
  EXPECT_GT(client.stats().assembly.stale - stale_before, 0u);
}
}  // namespace
}  // namespace roam::ssp::testing
