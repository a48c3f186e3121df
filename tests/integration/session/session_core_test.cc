// The real client and server cores over an emulated network: the handshake
// between roam peers, typing through loss, and channels.

#include <gtest/gtest.h>

#include <string>

#include "integration/session/core_harness.h"
#include "wire/channel_open.pb.h"

namespace roam::testing {
namespace {

using namespace std::chrono_literals;

netsim::LinkConfig Link(Duration one_way, double loss = 0) {
  netsim::LinkConfig link;
  link.delay = one_way;
  link.loss = loss;
  return link;
}

CoreHarnessOptions Options(netsim::LinkConfig link) {
  CoreHarnessOptions o;
  o.up = link;
  o.down = link;
  return o;
}

std::string EchoRequest() {
  RoamChannel::OpenRequest request;
  request.mutable_echo();
  return request.SerializeAsString();
}

TEST(SessionCoreTest, RoamPeersAgreeOnChannelsInTheFirstRoundTrip) {
  CoreHarness h(1, Options(Link(25ms)));
  ASSERT_TRUE(h.RunFor(2s, [&] { return h.client().mux() != nullptr; }));
  EXPECT_LT(h.Now() - FromMillis(1'000'000), 200ms);
  EXPECT_TRUE(h.server().roam_peer());
  ASSERT_NE(h.server().mux(), nullptr);
  EXPECT_EQ(h.client().welcome().version, state::kRoamProtocolVersion);
  EXPECT_TRUE(h.client().welcome().has(state::kFeatureChannels));
}

TEST(SessionCoreTest, ServerWithoutExtensionsLooksLikeMoshAndGetsNoChannelPackets) {
  CoreHarnessOptions o = Options(Link(10ms));
  o.server_extensions = false;
  CoreHarness h(2, o);
  uint64_t extension_datagrams = 0;
  ASSERT_TRUE(h.RunFor(5s, [&] { return RowText(h.remote_screen(), 0) == "$"; }));
  h.Type("hello\r");
  ASSERT_TRUE(h.RunFor(5s, [&] { return RowText(h.remote_screen(), 1) == "$"; }));
  EXPECT_EQ(RowText(h.remote_screen(), 0), "$ hello");
  EXPECT_EQ(h.client().mux(), nullptr);
  EXPECT_EQ(h.server().mux(), nullptr);
  EXPECT_FALSE(h.client().welcome().valid());
  EXPECT_EQ(h.server().transport().stats().receiver.extension_dropped, extension_datagrams);
}

TEST(SessionCoreTest, ClientWithoutExtensionsSaysNoHelloAndGetsNoWelcome) {
  CoreHarnessOptions o = Options(Link(10ms));
  o.client_extensions = false;
  CoreHarness h(3, o);
  h.RunFor(3s);
  EXPECT_FALSE(h.server().roam_peer());
  EXPECT_EQ(h.server().mux(), nullptr);
  EXPECT_FALSE(h.client().welcome().valid());
  EXPECT_EQ(h.client().mux(), nullptr);
}

TEST(SessionCoreTest, TerminalLessClientNeverStartsTheProgramAndSurvivesThePtyClosing) {
  CoreHarnessOptions o = Options(Link(10ms));
  o.no_terminal = true;
  CoreHarness h(7, o);
  ASSERT_TRUE(h.RunFor(2s, [&] { return h.client().mux() != nullptr; }));
  EXPECT_FALSE(h.server().wants_program());
  EXPECT_FALSE(h.server().release_child());
  // The adapter closes the unused pty; the session must go on.
  h.server().OnPtyClosed(h.Now());
  h.RunFor(2s);
  EXPECT_FALSE(h.server().done());
  EXPECT_FALSE(h.server().transport().shutdown_in_progress());
  h.client().Quit(h.Now());
  ASSERT_TRUE(h.RunFor(5s, [&] { return h.client().done() && h.server().done(); }));
  EXPECT_EQ(h.client().Outcome().exit_status, 0);
}

TEST(SessionCoreTest, ProgramExitStatusReachesARoamClientBeforeTheShutdown) {
  CoreHarness h(8, Options(Link(20ms)));
  ASSERT_TRUE(h.RunFor(2s, [&] { return RowText(h.remote_screen(), 0) == "$"; }));
  h.server().OnPtyClosed(h.Now());
  h.RunFor(50ms);
  EXPECT_FALSE(h.server().transport().shutdown_in_progress()) << "waits for the exit status";
  h.server().OnProgramExit(7, h.Now());
  ASSERT_TRUE(h.RunFor(5s, [&] { return h.client().done() && h.server().done(); }));
  ASSERT_TRUE(h.client().program_exit().has_value());
  EXPECT_EQ(*h.client().program_exit(), 7);
  EXPECT_EQ(h.client().Outcome().exit_status, 0) << "a clean shutdown";
}

TEST(SessionCoreTest, ExitStatusThatNeverComesDelaysTheShutdownOnlyBriefly) {
  CoreHarness h(9, Options(Link(20ms)));
  ASSERT_TRUE(h.RunFor(2s, [&] { return RowText(h.remote_screen(), 0) == "$"; }));
  const TimePoint closed = h.Now();
  h.server().OnPtyClosed(closed);
  ASSERT_TRUE(h.RunFor(2s, [&] { return h.server().transport().shutdown_in_progress(); }));
  EXPECT_GE(h.Now() - closed, 200ms);
  EXPECT_LT(h.Now() - closed, 300ms);
  EXPECT_FALSE(h.client().program_exit().has_value());
}

TEST(SessionCoreTest, StockClientIsNeverSentTheExitStatus) {
  CoreHarnessOptions o = Options(Link(20ms));
  o.client_extensions = false;
  CoreHarness h(10, o);
  ASSERT_TRUE(h.RunFor(2s, [&] { return RowText(h.remote_screen(), 0) == "$"; }));
  h.server().OnProgramExit(3, h.Now());
  h.server().OnPtyClosed(h.Now());
  EXPECT_TRUE(h.server().transport().current_state().program_exit() == std::nullopt);
  ASSERT_TRUE(h.RunFor(5s, [&] { return h.client().done(); }));
  EXPECT_FALSE(h.client().program_exit().has_value());
}

TEST(SessionCoreTest, TypedLineAppearsOnTheUsersTerminal) {
  CoreHarness h(4, Options(Link(50ms, 0.2)));
  ASSERT_TRUE(h.RunFor(10s, [&] { return RowText(h.remote_screen(), 0) == "$"; }));
  h.Type("echo roam\r");
  ASSERT_TRUE(h.RunFor(20s, [&] { return RowText(h.remote_screen(), 1) == "$"; }));
  h.RunFor(1s);
  EXPECT_EQ(RowText(h.terminal().fb(), 0), "$ echo roam");
  EXPECT_EQ(RowText(h.terminal().fb(), 1), "$");
}

TEST(SessionCoreTest, AnEchoComesBackAfterTheLinkDelayAndTheEchoSettleOnly) {
  // On a fast link the fixed delays are most of a keystroke's round trip:
  // the client sends a keystroke at once (no 1 ms collection delay) and the
  // server pushes the program's echo after the short echo settle (100 us),
  // not the 2 ms a full-screen redraw is given. 0.5 ms each way.
  CoreHarness h(12, Options(Link(500us)));
  ASSERT_TRUE(h.RunFor(5s, [&] { return RowText(h.remote_screen(), 0) == "$"; }));
  std::string line = "$ ";
  for (char key : std::string("echo")) {
    h.RunFor(1s);  // idle: no frame interval holds anything back
    line.push_back(key);
    const TimePoint typed = h.Now();
    h.Type(std::string(1, key));
    ASSERT_TRUE(h.RunFor(1s, [&] { return RowText(h.remote_screen(), 0) == line; }));
    EXPECT_LT(h.Now() - typed, 1500us) << "key " << key;
  }
}

TEST(SessionCoreTest, EchoChannelRoundTrip) {
  CoreHarness h(5, Options(Link(20ms)));
  ASSERT_TRUE(h.RunFor(2s, [&] { return h.client().mux() != nullptr; }));
  channel::Mux* mux = h.client().mux();
  Result<uint64_t> id = mux->Open(EchoRequest(), h.Now());
  ASSERT_TRUE(id.ok());
  ASSERT_EQ(mux->Write(*id, "ping over roam"), 14u);
  mux->CloseWrite(*id);
  std::string received;
  bool eof = false;
  h.application = [&](TimePoint) {
    mux->Read(*id, &received, 1 << 20);
    if (std::optional<channel::ChannelInfo> info = mux->Info(*id); info && info->eof) eof = true;
  };
  ASSERT_TRUE(h.RunFor(5s, [&] { return eof; }));
  EXPECT_EQ(received, "ping over roam");
}

TEST(SessionCoreTest, RefusedChannelTellsTheReason) {
  CoreHarnessOptions o = Options(Link(20ms));
  CoreHarness h(6, o);
  ASSERT_TRUE(h.RunFor(2s, [&] { return h.client().mux() != nullptr; }));
  channel::Mux* mux = h.client().mux();
  Result<uint64_t> id = mux->Open("not a request", h.Now());
  ASSERT_TRUE(id.ok());
  std::optional<channel::ChannelInfo> info;
  ASSERT_TRUE(h.RunFor(5s, [&] {
    info = mux->Info(*id);
    return info && info->phase == channel::ChannelPhase::kRefused;
  }));
  EXPECT_EQ(info->reason, "unreadable channel request");
  EXPECT_EQ(h.server().stats().bad_channel_requests, 1u);
}

}  // namespace
}  // namespace roam::testing
