// The programs under conditions a careful user (or an attacker) creates,
// each run for real:
//
//   * Key hygiene: roam-client, roam-server and roam hold the session key,
//     so each is non-dumpable (its /proc/<pid> files belong to root although
//     it runs as an ordinary user: no core dump, no ptrace, no reading its
//     memory), and roam-client leaves no copy of MOSH_KEY in its
//     environment block (/proc/<pid>/environ).
//   * Bootstrap bounds: an ssh (here a script given with --ssh) that prints
//     200 MB without a CONNECT line does not grow roam's memory.
//   * Huge windows: `roam --local` in a 5000x50 window works (the server
//     starts at 4096x50 instead of aborting), and when the window goes away
//     roam and its server end; the stock mosh-client in a 5000x50 window
//     gets its resize clamped by roam-server.
//
// When the tests run as root, the programs run as `nobody` (setpriv), so
// that "owned by root" means something.

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "e2e/common/detached_server.h"
#include "e2e/common/process_probe.h"
#include "support/subprocess.h"
#include "support/tmux_session.h"

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

// The real uid of `pid` (the first field of "Uid:" in /proc/<pid>/status).
std::optional<uid_t> RealUid(pid_t pid) {
  std::istringstream in(ReadFileBytes("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Uid:", 0) == 0) return static_cast<uid_t>(std::stoul(line.substr(4)));
  }
  return std::nullopt;
}

// Whether `pid` is non-dumpable: it runs as an ordinary user, yet its /proc
// files belong to root (proc(5)).
::testing::AssertionResult NonDumpable(pid_t pid) {
  std::optional<uid_t> uid = RealUid(pid);
  if (!uid) return ::testing::AssertionFailure() << "process " << pid << " is gone";
  if (*uid == 0) return ::testing::AssertionFailure() << "process " << pid << " runs as root";
  struct stat st;
  const std::string path = "/proc/" + std::to_string(pid) + "/environ";
  if (stat(path.c_str(), &st) != 0) return ::testing::AssertionFailure() << "no " << path;
  if (st.st_uid != 0) {
    return ::testing::AssertionFailure()
           << path << " belongs to uid " << st.st_uid << ": the process is dumpable";
  }
  return ::testing::AssertionSuccess();
}

// Peak resident memory of `pid` so far (VmHWM, KiB).
std::optional<long> PeakRssKib(pid_t pid) {
  std::istringstream in(ReadFileBytes("/proc/" + std::to_string(pid) + "/status"));
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

TEST_F(ProgramHardeningTest, RoamClientIsNotDumpableAndLeavesNoKeyInItsEnvironment) {
  ASSERT_TRUE(HaveProgram("tmux"));
  // A key nobody uses and a port nobody answers on: the client waits in its
  // connect phase, which is long enough to look at it.
  const std::string key = "SY36IMieR0NIt2yGTGVHrQ";
  // The shell writes its pid, then becomes (env, setpriv and) the client.
  std::string command = "echo $$ > '" + dir_ + "/pid'; exec env MOSH_KEY=" + key;
  for (const std::string& word : Unprivileged({RoamProgram("roam-client"), "127.0.0.1", "9"})) {
    command += " '" + word + "'";
  }
  TmuxSession pane(command, 80, 24, {"LANG=C.UTF-8", "TERM=xterm-256color"});
  ASSERT_TRUE(pane.started());
  // The client draws its first frame only after it has read the key.
  ASSERT_TRUE(pane.WaitForScreen([](const std::string&) { return true; }, kStepTimeout));
  std::string pid_text;
  ASSERT_TRUE(PollUntil(
      [&] {
        std::ifstream(dir_ + "/pid") >> pid_text;
        return !pid_text.empty();
      },
      kStepTimeout));
  const pid_t pid = std::stoi(pid_text);
  ASSERT_TRUE(PollUntil([&] { return RealUid(pid) && *RealUid(pid) != 0; }, kStepTimeout))
      << "the client never dropped to nobody";
  EXPECT_TRUE(PollUntil([&] { return NonDumpable(pid); }, kStepTimeout)) << NonDumpable(pid);

  std::string environ = ReadFileBytes("/proc/" + std::to_string(pid) + "/environ");
  if (geteuid() == 0) {
    ASSERT_FALSE(environ.empty()) << "root can read a non-dumpable process's environment";
  }
  EXPECT_EQ(environ.find(key), std::string::npos) << "the key is still in the environment block";
  EXPECT_NE(environ.find("TERM=xterm-256color"), std::string::npos);
}

TEST_F(ProgramHardeningTest, RoamServerIsNotDumpable) {
  DetachedServer server;
  ASSERT_TRUE(server.Start(Unprivileged(
      {RoamProgram("roam-server"), "new", "-i", "127.0.0.1", "-p", "0", "--", "/bin/sh"})))
      << server.output();
  EXPECT_TRUE(NonDumpable(server.pid()));
}

// Whether any process has `arg` as one of its arguments.
bool ProcessWithArgument(const std::string& arg) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    std::string s = ReadFileBytes((e.path() / "cmdline").string());
    if (s.find(std::string(1, '\0') + arg + std::string(1, '\0')) != std::string::npos) return true;
  }
  return false;
}

// `stty size` typed until its answer shows (the first keys may race the
// session's start).
bool SttySizeShows(TmuxSession& pane, const std::string& size) {
  for (int i = 0; i < 5; ++i) {
    pane.Type("stty size");
    pane.Keys({"Enter"});
    if (pane.WaitForText(size, milliseconds(3000))) return true;
  }
  return false;
}

TEST_F(ProgramHardeningTest, RoamLocalInA5000ColumnWindowWorksAndEndsWithTheWindow) {
  ASSERT_TRUE(HaveProgram("tmux"));
  const std::string marker = "ROAM_E2E_HUGE=" + std::to_string(getpid());
  const std::string command = "echo $$ > '" + dir_ + "/pid'; exec '" + RoamProgram("roam") +
                              "' --local -- env 'PS1=e2e$ ' " + marker + " /bin/sh";
  auto pane =
      std::make_unique<TmuxSession>(command, 5000, 50,
                                    std::vector<std::string>{"LANG=C.UTF-8", "TERM=xterm-256color",
                                                             "MOSH_PREDICTION_DISPLAY=never"});
  ASSERT_TRUE(pane->started());
  ASSERT_TRUE(pane->WaitForText("e2e$", milliseconds(20000))) << pane->CaptureText();
  // The server (started with ssh's pty size, here the window's) and the
  // shell run at the largest size the emulator allows.
  EXPECT_TRUE(SttySizeShows(*pane, "50 4096")) << pane->CaptureText();
  pane->Type("echo ok-$((6*7))");
  pane->Keys({"Enter"});
  EXPECT_TRUE(pane->WaitForText("ok-42", kStepTimeout)) << pane->CaptureText();
  ASSERT_TRUE(ProcessWithArgument(marker));

  // The window goes away: roam gets a hang-up and must end, and so must
  // the session it started.
  std::string pid_text;
  std::ifstream(dir_ + "/pid") >> pid_text;
  ASSERT_FALSE(pid_text.empty());
  const pid_t roam = std::stoi(pid_text);
  ASSERT_TRUE(ProcessAlive(roam));
  pane.reset();
  EXPECT_TRUE(WaitForProcessExit(roam, milliseconds(15000))) << "roam outlived its terminal";
  EXPECT_TRUE(PollUntil([&] { return !ProcessWithArgument(marker); }, milliseconds(15000)))
      << "the session outlived roam";
}

TEST_F(ProgramHardeningTest, RoamServerClampsTheResizeOfAStockClientInA5000ColumnWindow) {
  ASSERT_TRUE(HaveProgram("tmux") && HaveProgram("mosh-client"));
  DetachedServer server;
  ASSERT_TRUE(server.Start({RoamProgram("roam-server"), "new", "-i", "127.0.0.1", "-p", "0", "--",
                            "env", "PS1=e2e$ ", "/bin/sh"},
                           {"LANG=C.UTF-8"}))
      << server.output();
  TmuxSession pane(
      "MOSH_KEY=" + server.key() + " mosh-client 127.0.0.1 " + std::to_string(server.port()), 5000,
      50, {"LANG=C.UTF-8", "TERM=xterm-256color", "MOSH_PREDICTION_DISPLAY=never"});
  ASSERT_TRUE(pane.started());
  ASSERT_TRUE(pane.WaitForText("e2e$", milliseconds(20000))) << pane.CaptureText();
  EXPECT_TRUE(SttySizeShows(pane, "50 4096")) << pane.CaptureText();
  EXPECT_TRUE(ProcessAlive(server.pid()));
}

TEST_F(ProgramHardeningTest, RoamBoundsWhatItKeepsOfEndlessSshOutput) {
  // An "ssh" that prints 200 MB of lines and no CONNECT line, then waits a
  // moment (so roam can be looked at) and fails.
  const std::string ssh = Script("fake-ssh",
                                 "yes \"$(printf '%01000d' 0)\" | head -c 200000000\n"
                                 "touch '" +
                                     dir_ +
                                     "/printed'\n"
                                     "sleep 2\n"
                                     "exit 1\n");
  std::vector<std::string> argv = Unprivileged({RoamProgram("roam"), "--ssh=" + ssh, "somehost"});
  // Under AddressSanitizer, freed memory waits in a quarantine (256 MB by
  // default) that would count as roam's own; keep it small for this run.
  SubprocessOptions options;
  const char* asan = std::getenv("ASAN_OPTIONS");
  options.env = {std::string("ASAN_OPTIONS=") + (asan ? std::string(asan) + ":" : "") +
                 "quarantine_size_mb=4"};
  Subprocess roam(argv, options);
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
  EXPECT_TRUE(NonDumpable(roam.pid()));
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
