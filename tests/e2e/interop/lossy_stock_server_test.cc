// roam-client with the stock mosh-server 1.4 over netsim's `lossy` profile
// (29 % loss each way, 50 ms each way). There roam-client's loss-aware
// sending is on: each keystroke Instruction goes out twice, its resends
// come early and the server's small states are acknowledged at once
// (twice). The stock server must take all that as ordinary SSP: every
// typed character reaches the shell exactly once, and the server stays up.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "e2e/common/process_probe.h"
#include "e2e/common/relayed_session.h"
#include "support/subprocess.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;

TEST(LossyStockServerTest, KeystrokesSentTwiceReachTheStockServerExactlyOnce) {
  ASSERT_TRUE(HaveProgram("mosh-server"));
  auto profile = netsim::ProfileByName("lossy");
  ASSERT_TRUE(profile.ok()) << profile.status().ToString();
  RelayedSessionOptions options;
  options.prompt = "lossy$ ";
  options.profile = profile.value();
  options.seed = 3;
  options.connect_timeout = milliseconds(30000);
  options.server_program = "mosh-server";
  RelayedSession session;
  ASSERT_EQ(session.Start(options), "");
  TmuxSession& pane = session.pane();

  // Typed one key at a time, each after the previous one's echo, so that
  // every key is its own small Instruction.
  const std::string word = "twice-but-once-0123456789";
  pane.Type("echo ");
  ASSERT_TRUE(pane.WaitForText("echo", milliseconds(20000))) << session.Context();
  std::string typed = "echo ";
  for (char c : word) {
    typed.push_back(c);
    pane.Type(std::string(1, c));
    ASSERT_TRUE(pane.WaitForText(typed, milliseconds(20000))) << session.Context();
  }
  pane.Keys({"Enter"});
  // The shell's output line: the word alone (a doubled key would show).
  ASSERT_TRUE(pane.WaitForScreen(
      [&](const std::string& screen) {
        return screen.find("\n" + word + "\n") != std::string::npos;
      },
      milliseconds(20000)))
      << session.Context();
  EXPECT_EQ(pane.CaptureText().find(word + word.back()), std::string::npos);
  EXPECT_TRUE(ProcessAlive(session.server().pid())) << "mosh-server ended";
  // Loss-aware sending was in effect: about four datagrams per key (the
  // keystroke and the ack of its echo, each twice) rather than two.
  const size_t keys = typed.size() + 1;
  EXPECT_GE(session.relay().Stats().from_client, 5 * keys / 2) << session.Context();
}

}  // namespace
}  // namespace roam::testing
