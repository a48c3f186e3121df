// A whole SSP session over a hostile network: 30% loss each way, jitter that
// reorders, duplication, 300 ms RTT, a NAT rebinding of the client's port and,
// separately, a 13 s outage that makes the client hop to a new socket. The
// client types and resizes, the server echoes; afterwards both sides must
// hold identical states within a bounded time, and the client's shutdown must
// complete cleanly. Run for several seeds.

#include <gtest/gtest.h>

#include <string>

#include "integration/transport/session_harness.h"

namespace roam::ssp::testing {
namespace {

class TransportSessionTest : public ::testing::TestWithParam<uint64_t> {};

void MakeLossy(FakeLink& link) {
  for (FakeLink::Side side : {FakeLink::kToServer, FakeLink::kToClient}) {
    LinkDirection& d = link.direction(side);
    d.loss = 0.30;
    d.duplicate = 0.05;
    d.delay = Millis(150);  // 300 ms round trip
    d.jitter = Millis(60);  // enough to reorder datagrams sent close together
  }
}

TEST_P(TransportSessionTest, ConvergesAcrossLossRoamingAndOutageThenShutsDown) {
  const uint64_t seed = GetParam();
  SessionHarness session(seed);
  MakeLossy(session.link());
  SeededRandom user(seed + 100);
  const TimePoint start = session.Now();
  auto at = [&](int64_t ms) { return start + Millis(ms); };

  session.Resize(80, 24);  // a client's first event is its window size
  int64_t t = 0;
  int keystrokes = 0;
  int resizes = 1;
  // 60 s of typing with a NAT rebinding at 15 s and an outage at 25-38 s.
  bool rebound = false;
  while (t < 60'000) {
    t += static_cast<int64_t>(20 + user.Uniform(300));
    ASSERT_TRUE(session.RunUntil(at(t)));
    if (!rebound && t >= 15'000) {
      session.set_nat_shift(1000);
      rebound = true;
    }
    session.link().set_blackout(t >= 25'000 && t < 38'000);
    if (user.Chance(0.05)) {
      session.Resize(static_cast<int32_t>(40 + user.Uniform(200)),
                     static_cast<int32_t>(10 + user.Uniform(60)));
      ++resizes;
    } else {
      std::string burst;
      for (uint64_t i = 1 + user.Uniform(4); i > 0; --i) {
        burst.push_back(static_cast<char>(' ' + user.Uniform(95)));
      }
      session.Type(burst);
      keystrokes += static_cast<int>(burst.size());
    }
  }
  session.link().set_blackout(false);

  // Bounded convergence after the last keystroke.
  const TimePoint typing_done = session.Now();
  ASSERT_TRUE(session.RunUntil(typing_done + Millis(30'000), [&] { return session.Converged(); }))
      << "seed " << seed << ": server saw " << session.server_seen().size() << " of "
      << session.typed().size() << " events";
  EXPECT_EQ(session.server_seen(), session.typed());
  EXPECT_EQ(session.client().latest_remote_state(), session.server().current_state());
  EXPECT_GT(keystrokes, 100);
  EXPECT_GT(resizes, 1);
  EXPECT_EQ(session.client().latest_remote_state().echo_ack(),
            session.server().latest_remote_state_num());
  RecordProperty("convergence_ms", static_cast<int>((session.Now() - typing_done) / Millis(1)));

  // Both address changes were followed by the server.
  TransportStats server_stats = session.server().stats();
  TransportStats client_stats = session.client().stats();
  EXPECT_GE(client_stats.connection.port_hops, 1u);
  EXPECT_GE(server_stats.connection.roamed, 2u);
  EXPECT_GT(session.link().lost(FakeLink::kToServer), 0u);
  EXPECT_EQ(server_stats.receiver.bad_diffs, 0u);
  EXPECT_EQ(client_stats.receiver.bad_diffs, 0u);
  EXPECT_TRUE(session.client().fatal_error().ok());
  EXPECT_TRUE(session.server().fatal_error().ok());

  // Clean shutdown, client-initiated.
  session.client().StartShutdown(session.Now());
  const TimePoint shutdown_start = session.Now();
  ASSERT_TRUE(session.RunUntil(shutdown_start + Millis(15'000), [&] {
    return session.client().shutdown_acknowledged() ||
           session.client().shutdown_ack_timed_out(session.Now());
  }));
  EXPECT_TRUE(session.client().shutdown_acknowledged()) << "seed " << seed;
  EXPECT_TRUE(session.server().counterparty_shutdown_ack_sent());
  EXPECT_EQ(session.server().latest_remote_state_num(), wire::kShutdownStateNum);
  EXPECT_LT(session.Now() - shutdown_start, kActiveRetryTimeout);
}

INSTANTIATE_TEST_SUITE_P(Seeds, TransportSessionTest, ::testing::Values(1, 2, 3, 4, 5, 6, 7, 8));

TEST(TransportSessionTimingTest, HealthySessionNeverHopsPortsAndIdlesAtHeartbeatRate) {
  // The transport reports each acknowledged state's send time to the
  // Connection; without that the client would hop ports every 10 s.
  SessionHarness session(44);
  MakeLossy(session.link());
  for (FakeLink::Side side : {FakeLink::kToServer, FakeLink::kToClient}) {
    session.link().direction(side).loss = 0.05;
  }
  session.Resize(80, 24);
  const TimePoint start = session.Now();
  for (int i = 1; i <= 30; ++i) {
    ASSERT_TRUE(session.RunUntil(start + Millis(2000 * i)));
    session.Type("k");
  }
  ASSERT_TRUE(
      session.RunUntil(session.Now() + Millis(10'000), [&] { return session.Converged(); }));
  EXPECT_EQ(session.client().stats().connection.port_hops, 0u);
  EXPECT_EQ(session.server().stats().connection.roamed, 0u);

  // Idle: about one datagram per direction per 3 s heartbeat.
  const uint64_t sent_before = session.link().sent(FakeLink::kToServer);
  ASSERT_TRUE(session.RunUntil(session.Now() + Millis(60'000)));
  const uint64_t idle_sends = session.link().sent(FakeLink::kToServer) - sent_before;
  EXPECT_GE(idle_sends, 18u);
  EXPECT_LE(idle_sends, 24u);
}

TEST(TransportSessionShutdownTest, ServerInitiatedShutdownOverALossyLink) {
  SessionHarness session(42);
  MakeLossy(session.link());
  session.Resize(80, 24);
  session.Type("exit\r");
  ASSERT_TRUE(
      session.RunUntil(session.Now() + Millis(20'000), [&] { return session.Converged(); }));
  session.server().current_state().AppendBytes("logout\r\n");
  session.server().StartShutdown(session.Now());
  const TimePoint start = session.Now();
  ASSERT_TRUE(session.RunUntil(start + Millis(15'000), [&] {
    return session.server().shutdown_acknowledged() ||
           session.server().shutdown_ack_timed_out(session.Now());
  }));
  EXPECT_TRUE(session.server().shutdown_acknowledged());
  EXPECT_TRUE(session.client().counterparty_shutdown_ack_sent());
  // The final output travelled with the shutdown state.
  EXPECT_EQ(session.client().latest_remote_state().bytes(),
            session.server().current_state().bytes());
}

TEST(TransportSessionShutdownTest, ShutdownToAVanishedPeerGivesUp) {
  SessionHarness session(43);
  session.Resize(80, 24);
  ASSERT_TRUE(session.RunUntil(session.Now() + Millis(5'000), [&] { return session.Converged(); }));
  session.link().set_blackout(true);
  session.client().StartShutdown(session.Now());
  const TimePoint start = session.Now();
  ASSERT_TRUE(session.RunUntil(start + Millis(20'000), [&] {
    return session.client().shutdown_ack_timed_out(session.Now());
  }));
  EXPECT_FALSE(session.client().shutdown_acknowledged());
  EXPECT_EQ(session.client().sender().shutdown_tries(), kShutdownRetries);
  EXPECT_LE(session.Now() - start, kActiveRetryTimeout);
}

}  // namespace
}  // namespace roam::ssp::testing
