// The programs under conditions a careful user (or an attacker) creates,
// each run for real:
//
//   * Bootstrap bounds: an ssh (here a script given with --ssh) that prints
//     200 MB without a CONNECT line does not grow roam's memory.
//
// When the tests run as root, the programs run as `nobody` (setpriv).

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "e2e/common/process_probe.h"
#include "support/subprocess.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;

constexpr uid_t kNobody = 65534;
constexpr milliseconds kStepTimeout(10000);

// `argv` run as nobody when the test runs as root; unchanged otherwise.
std::vector<std::string> Unprivileged(std::vector<std::string> argv) {
  if (geteuid() != 0) return argv;
  std::vector<std::string> out = {"setpriv", "--reuid=" + std::to_string(kNobody),
                                  "--regid=" + std::to_string(kNobody), "--clear-groups"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

// Peak resident memory of `pid` so far (VmHWM, KiB).
std::optional<long> PeakRssKib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return std::nullopt;
}

class ProgramHardeningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/roam-e2e-hardening-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    // Programs running as nobody write their markers here.
    ASSERT_EQ(chmod(dir_.c_str(), 0777), 0);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // An executable shell script in the test directory.
  std::string Script(const std::string& name, const std::string& body) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << "#!/bin/sh\n" << body;
    EXPECT_EQ(chmod(path.c_str(), 0755), 0);
    return path;
  }

  std::string dir_;
};

TEST_F(ProgramHardeningTest, RoamBoundsWhatItKeepsOfEndlessSshOutput) {
  // An "ssh" that prints 200 MB of lines and no CONNECT line, then waits a
  // moment (so roam can be looked at) and fails.
  const std::string ssh = Script(
      "fake-ssh",
      "yes \"$(printf '%01000d' 0)\" | head -c 200000000\n"
      "touch '" + dir_ + "/printed'\n"
      "sleep 2\n"
      "exit 1\n");
  std::vector<std::string> argv = Unprivileged({RoamProgram("roam"), "--ssh=" + ssh, "somehost"});
  Subprocess roam(argv);
  // Its output comes through a pipe the test drains, keeping only the end.
  std::string tail;
  auto keep_tail = [&](std::string more) {
    tail += more;
    if (tail.size() > 8192) tail.erase(0, tail.size() - 8192);
  };
  ASSERT_TRUE(PollUntil(
      [&] {
        roam.ReadUntil([](const std::string&) { return false; }, milliseconds(50));
        keep_tail(roam.TakeOutput());
        return std::filesystem::exists(dir_ + "/printed");
      },
      milliseconds(60000)))
      << "the fake ssh never finished printing";
  // Still running (the fake ssh sleeps): look at it.
  std::optional<long> peak = PeakRssKib(roam.pid());
  ASSERT_TRUE(peak.has_value());
  EXPECT_LT(*peak, 50 * 1024) << "roam grew with ssh's output";
  std::optional<int> status = roam.Wait(kStepTimeout);
  keep_tail(roam.TakeOutput());
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 1);
  EXPECT_NE(tail.find("roam: the server on somehost exited with status 1"), std::string::npos)
      << tail;
}

}  // namespace
}  // namespace roam::testing
