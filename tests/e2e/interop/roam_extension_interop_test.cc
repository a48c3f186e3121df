// Interop, on the wire: a stock Mosh 1.4 peer is never sent anything beyond
// Mosh 1.4. Each pairing runs a short interactive session through a relay
// that decrypts every datagram with the session key (DatagramInspector) and
// counts what each side sent:
//   * mosh-client -> roam-server: roam-server sends no Welcome, no other
//     unknown extension and no channel packet;
//   * roam-client -> mosh-server: roam-client's Hello is the only extension
//     beyond Mosh (mosh-server ignores it, docs/protocol.md §8.1), and it
//     sends no channel packet;
//   * roam-client -> roam-server (the control, which shows the inspector
//     sees what the other two must not contain): Hello and Welcome.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "crypto/key.h"
#include "e2e/common/datagram_inspector.h"
#include "e2e/common/detached_server.h"
#include "e2e/common/process_probe.h"
#include "e2e/common/tapped_relay.h"
#include "support/subprocess.h"
#include "support/tmux_session.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kConnectTimeout(20000);
constexpr milliseconds kStepTimeout(10000);

struct Counts {
  DirectionCounts to_server;
  DirectionCounts to_client;
};

// Runs one session of `client` against `server` through the inspecting
// relay and returns what the inspector counted.
Counts RunSession(bool roam_server, bool roam_client) {
  Counts counts;
  DetachedServer server;
  std::vector<std::string> argv = {roam_server ? RoamProgram("roam-server") : "mosh-server",
                                   "new",
                                   "-i",
                                   "127.0.0.1",
                                   "-p",
                                   "0",
                                   "--",
                                   "env",
                                   "PS1=ext$ ",
                                   "/bin/sh"};
  EXPECT_TRUE(server.Start(argv, {"LANG=C.UTF-8"})) << server.output();
  if (::testing::Test::HasFailure()) return counts;
  Result<crypto::Key> key = crypto::Key::FromBase64(server.key());
  EXPECT_TRUE(key.ok());
  if (!key.ok()) return counts;
  DatagramInspector inspector(*key);
  std::mutex mu;
  TappedRelay relay(server.port(), [&](bool to_server, std::string_view datagram) {
    std::lock_guard<std::mutex> lock(mu);
    inspector.Observe(to_server, datagram);
  });
  EXPECT_TRUE(relay.ok());
  const std::string client = roam_client ? RoamProgram("roam-client") : "mosh-client";
  TmuxSession pane("MOSH_KEY=" + server.key() + " '" + client + "' 127.0.0.1 " +
                       std::to_string(relay.listen_port()) + "; echo EXIT=$?; exec sleep 3600",
                   80, 24,
                   {"LANG=C.UTF-8", "TERM=xterm-256color", "MOSH_PREDICTION_DISPLAY=never"});
  EXPECT_TRUE(pane.started());
  EXPECT_TRUE(pane.WaitForText("ext$", kConnectTimeout)) << pane.CaptureText();
  pane.Type("echo ext-$((6*7))");
  pane.Keys({"Enter"});
  EXPECT_TRUE(pane.WaitForText("ext-42", kStepTimeout)) << pane.CaptureText();
  pane.Type("exit");
  pane.Keys({"Enter"});
  EXPECT_TRUE(pane.WaitForText("EXIT=0", kStepTimeout)) << pane.CaptureText();
  EXPECT_TRUE(WaitForProcessExit(server.pid(), kStepTimeout));
  relay.Stop();
  counts.to_server = inspector.to_server();
  counts.to_client = inspector.to_client();
  return counts;
}

class RoamExtensionInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(HaveProgram("tmux"));
    ASSERT_TRUE(HaveProgram("mosh-server") && HaveProgram("mosh-client"));
  }
};

TEST_F(RoamExtensionInteropTest, StockClientIsSentNothingBeyondMosh) {
  Counts c = RunSession(/*roam_server=*/true, /*roam_client=*/false);
  ASSERT_FALSE(HasFailure());
  EXPECT_GT(c.to_client.host_bytes, 0u);
  EXPECT_GT(c.to_server.keystrokes, 0u);
  EXPECT_EQ(c.to_client.undecryptable, 0u);
  EXPECT_EQ(c.to_server.hellos, 0u);
  EXPECT_EQ(c.to_client.hellos, 0u) << "a Welcome went to a stock client";
  EXPECT_EQ(c.to_client.unknown_extensions, 0u);
  EXPECT_EQ(c.to_client.channel_packets, 0u);
}

TEST_F(RoamExtensionInteropTest, StockServerIsSentOnlyTheHello) {
  Counts c = RunSession(/*roam_server=*/false, /*roam_client=*/true);
  ASSERT_FALSE(HasFailure());
  EXPECT_GT(c.to_server.keystrokes, 0u);
  EXPECT_EQ(c.to_server.undecryptable, 0u);
  EXPECT_GE(c.to_server.hellos, 1u);
  EXPECT_EQ(c.to_server.unknown_extensions, 0u);
  EXPECT_EQ(c.to_server.channel_packets, 0u);
  EXPECT_EQ(c.to_client.hellos, 0u);
}

TEST_F(RoamExtensionInteropTest, RoamPeersExchangeHelloAndWelcome) {
  Counts c = RunSession(/*roam_server=*/true, /*roam_client=*/true);
  ASSERT_FALSE(HasFailure());
  EXPECT_GE(c.to_server.hellos, 1u);
  EXPECT_GE(c.to_client.hellos, 1u);
  EXPECT_EQ(c.to_server.unknown_extensions + c.to_client.unknown_extensions, 0u);
}

}  // namespace
}  // namespace roam::testing
