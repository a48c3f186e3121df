// `roam --local --channel-test=...`: the channel layer end to end through
// the real programs, with no terminal: stdin and stdout of `roam` joined to
// a test service on roam-server over the session's UDP datagrams.
//   * echo: 10 MiB of random bytes come back unchanged (SHA-256);
//   * discard: the service counts what it was sent;
//   * source: the service's fixed sequence arrives whole;
//   * against a stock mosh-server: one clear line and exit status 255.
// Every run must leave no server behind.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "base/random.h"
#include "e2e/common/process_probe.h"
#include "e2e/common/sha256_hex.h"
#include "session/test_services.h"
#include "support/proc_scan.h"
#include "support/subprocess.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kRunTimeout(60000);

class ChannelTestCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/roam-e2e-channel-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs `roam --local <flags>` under sh with stdin from `input` and stdout
  // to a file; returns the exit status and fills stdout_ and stderr_.
  int Roam(const std::string& flags, const std::string& input) {
    {
      std::ofstream in(dir_ + "/in", std::ios::binary);
      in << input;
    }
    // Every process of the run carries a marker, so the test can tell that
    // none (the detached server above all) outlived it.
    const std::string marker = "ROAM_E2E_CHANNEL_RUN=" + dir_;
    SubprocessOptions options;
    options.env = {marker};
    CommandResult r = RunCommand({"sh", "-c",
                                  "'" + RoamProgram("roam") + "' --local " + flags + " <'" + dir_ +
                                      "/in' >'" + dir_ + "/out' 2>'" + dir_ + "/err'"},
                                 kRunTimeout, options);
    std::ifstream out(dir_ + "/out", std::ios::binary);
    stdout_.assign(std::istreambuf_iterator<char>(out), {});
    std::ifstream err(dir_ + "/err", std::ios::binary);
    stderr_.assign(std::istreambuf_iterator<char>(err), {});
    EXPECT_TRUE(PollUntil([&] { return ProcessesWithEnvironmentEntry(marker).empty(); },
                          milliseconds(10000)))
        << "a process of the run outlived it (the server?)";
    return r.status;
  }

  std::string dir_;
  std::string stdout_;
  std::string stderr_;
};

std::string RandomBytes(size_t n) {
  SeededRandom random(42);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(random.Next());
  return out;
}

TEST_F(ChannelTestCliTest, EchoReturnsTenMebibytesUnchanged) {
  const std::string input = RandomBytes(10 << 20);
  ASSERT_EQ(Roam("--channel-test=echo", input), 0) << stderr_;
  EXPECT_EQ(stdout_.size(), input.size());
  EXPECT_EQ(Sha256Hex(stdout_), Sha256Hex(input));
}

TEST_F(ChannelTestCliTest, DiscardCountsWhatItWasSent) {
  ASSERT_EQ(Roam("--channel-test=discard", RandomBytes(3'000'001)), 0) << stderr_;
  EXPECT_EQ(stdout_, "3000001\n");
}

TEST_F(ChannelTestCliTest, SourceSendsItsWholeSequence) {
  ASSERT_EQ(Roam("--channel-test=source:5000000 -v", ""), 0) << stderr_;
  session::SourceBytes expected;
  EXPECT_EQ(stdout_.size(), 5'000'000u);
  EXPECT_EQ(Sha256Hex(stdout_), Sha256Hex(expected.Next(5'000'000)));
  EXPECT_NE(stderr_.find("roam: channel: "), std::string::npos) << stderr_;
}

TEST_F(ChannelTestCliTest, StockMoshServerIsNamedAndExitStatusIs255) {
  if (!HaveProgram("mosh-server")) GTEST_FAIL() << "stock mosh-server missing";
  EXPECT_EQ(Roam("--server=mosh-server --channel-test=echo", "x"), 255);
  EXPECT_NE(stderr_.find("does not speak roam's channels"), std::string::npos) << stderr_;
}

}  // namespace
}  // namespace roam::testing
