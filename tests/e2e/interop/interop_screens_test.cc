// Interop, screens compared: each pairing of a roam program with a stock
// Mosh 1.4 program runs one interactive script in a tmux pane, and the same
// script runs in a direct pane (same size, same shell, same prompt, no
// mosh/roam). After each step the two screens must match row by row
// (trailing blanks trimmed, see support/screen_compare.h).
//
// Pairings:
//   * mosh-client  -> roam-server   (server started by the test, `new -i 127.0.0.1 -p 0`)
//   * roam-client  -> mosh-server
//   * mosh --local --client=<roam-client> 127.0.0.1   (stock wrapper, stock server)
//   * mosh --local --server=<roam-server> 127.0.0.1   (stock wrapper, stock client)
//   * roam-client  -> roam-server   (the two roam ends together)
//
// The script: a coloured multi-line printf, an arithmetic echo, a window
// resize followed by `stty size` (the remote shell must see the new size),
// and `exit`, after which the client must exit with status 0 (the pane
// prints `EXIT=<status>` after the client returns).
//
// No row is masked. One adjustment: a stock mosh-server session begins with
// one empty row (it does with the stock client too), so when the server is
// mosh-server the direct pane prints one empty line before starting the
// shell. The client draws on the alternate screen from the top row, exactly
// where the direct pane's shell starts. The final `exit` is not compared
// (the client leaves the alternate screen, the direct pane does not).
// MOSH_PREDICTION_DISPLAY=never keeps local echo off the compared screens:
// every character shown came back from the server.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "e2e/common/detached_server.h"
#include "e2e/common/process_probe.h"
#include "support/direct_pane.h"
#include "support/screen_compare.h"
#include "support/subprocess.h"
#include "support/tmux_session.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;

constexpr int kCols = 80;
constexpr int kRows = 24;
constexpr int kResizedCols = 100;
constexpr int kResizedRows = 30;
constexpr const char* kPrompt = "e2e$ ";
// What a capture shows of the prompt (tmux drops the trailing blank).
constexpr const char* kPromptMark = "e2e$";
constexpr milliseconds kConnectTimeout(20000);
constexpr milliseconds kStepTimeout(10000);
constexpr milliseconds kExitTimeout(15000);

enum class Pairing {
  kMoshClientRoamServer,
  kRoamClientMoshServer,
  kWrapperRoamClient,
  kWrapperRoamServer,
  kRoamClientRoamServer
};

struct InteropCase {
  const char* name;
  Pairing pairing;
};

void PrintTo(const InteropCase& c, std::ostream* os) { *os << c.name; }

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char ch : s) {
    if (ch == '\'') {
      out += "'\\''";
    } else {
      out += ch;
    }
  }
  return out + "'";
}

// The remote (or direct) shell: a fixed prompt, no rc files.
std::vector<std::string> ShellArgv() { return {"env", std::string("PS1=") + kPrompt, "/bin/sh"}; }

std::string ShellCommandLine() {
  std::string line;
  for (const auto& a : ShellArgv()) line += (line.empty() ? "" : " ") + Quote(a);
  return line;
}

// One scripted step: what to type, and text that shows it has completed.
struct Step {
  std::string keys;
  std::string done_marker;
};

const std::vector<Step>& Script() {
  static const std::vector<Step> steps = {
      // Shorter than the narrowest width: tmux reflows wrapped lines in the
      // direct pane on resize, a Mosh terminal never does.
      {"printf '\\033[31mred\\033[0m 1\\n\\033[1;32mbold\\033[0m 2\\n\\342\\234\\223 3\\n'",
       "\u2713 3"},
      {"echo sum=$((6*7))", "sum=42"},
  };
  return steps;
}

class InteropScreensTest : public ::testing::TestWithParam<InteropCase> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(HaveProgram("tmux")) << "tmux missing";
    ASSERT_TRUE(HaveProgram("mosh-server") && HaveProgram("mosh-client") && HaveProgram("mosh"))
        << "stock mosh missing (scripts/install-deps.sh)";
  }

  // Builds the pane command for the case (starting a detached server when
  // the pairing needs one) and opens the pane.
  void OpenSessionPane() {
    const Pairing p = GetParam().pairing;
    std::string client_command;
    if (p == Pairing::kMoshClientRoamServer || p == Pairing::kRoamClientMoshServer ||
        p == Pairing::kRoamClientRoamServer) {
      const bool roam_server = p != Pairing::kRoamClientMoshServer;
      std::vector<std::string> argv = {roam_server ? RoamProgram("roam-server") : "mosh-server",
                                       "new",
                                       "-i",
                                       "127.0.0.1",
                                       "-p",
                                       "0",
                                       "--"};
      for (const auto& a : ShellArgv()) argv.push_back(a);
      ASSERT_TRUE(server_.Start(argv, {"LANG=C.UTF-8"})) << server_.output();
      const std::string client =
          p == Pairing::kMoshClientRoamServer ? "mosh-client" : RoamProgram("roam-client");
      client_command = "MOSH_KEY=" + server_.key() + " " + Quote(client) + " 127.0.0.1 " +
                       std::to_string(server_.port());
    } else {
      const std::string override_flag = p == Pairing::kWrapperRoamClient
                                            ? "--client=" + Quote(RoamProgram("roam-client"))
                                            : "--server=" + Quote(RoamProgram("roam-server"));
      client_command = "mosh --local " + override_flag + " 127.0.0.1 -- " + ShellCommandLine();
    }
    command_ = client_command + "; echo EXIT=$?; exec sleep 3600";
    pane_ = std::make_unique<TmuxSession>(
        command_, kCols, kRows,
        std::vector<std::string>{"LANG=C.UTF-8", "TERM=xterm-256color",
                                 "MOSH_PREDICTION_DISPLAY=never"});
    ASSERT_TRUE(pane_->started());
  }

  std::string Context() {
    return "command: " + command_ + "\nsession pane:\n" + pane_->CaptureText() +
           "\nserver launch output:\n" + server_.output();
  }

  DetachedServer server_;
  std::unique_ptr<TmuxSession> pane_;
  std::string command_;
};

TEST_P(InteropScreensTest, ScriptedSessionMatchesDirectTerminal) {
  OpenSessionPane();
  ASSERT_FALSE(HasFatalFailure());
  // Stock mosh-server's sessions begin with one empty row (it is there with
  // the stock client too); the direct pane prints the same empty row first.
  // roam-server's sessions start on the first row, like the direct shell.
  const Pairing p = GetParam().pairing;
  const bool stock_server = p == Pairing::kRoamClientMoshServer || p == Pairing::kWrapperRoamClient;
  std::unique_ptr<TmuxSession> direct =
      OpenDirectPane(std::string(stock_server ? "echo; " : "") + ShellCommandLine(), kCols, kRows,
                     {"TERM=xterm-256color"});
  ASSERT_TRUE(direct->started());

  ASSERT_TRUE(pane_->WaitForText(kPromptMark, kConnectTimeout)) << Context();
  ASSERT_TRUE(direct->WaitForText(kPromptMark, kStepTimeout)) << direct->CaptureText();
  {
    auto cmp = WaitForScreensToMatch(*pane_, *direct, kStepTimeout);
    EXPECT_TRUE(cmp) << "first prompt\n" << cmp.diff;
  }

  for (const Step& step : Script()) {
    for (TmuxSession* t : {pane_.get(), direct.get()}) {
      t->Type(step.keys);
      t->Keys({"Enter"});
    }
    ASSERT_TRUE(pane_->WaitForText(step.done_marker, kStepTimeout)) << Context();
    auto cmp = WaitForScreensToMatch(*pane_, *direct, kStepTimeout);
    EXPECT_TRUE(cmp) << "after: " << step.keys << "\n" << cmp.diff;
  }

  // Resize: the remote shell must see the new size.
  pane_->Resize(kResizedCols, kResizedRows);
  direct->Resize(kResizedCols, kResizedRows);
  const std::string size_line = std::to_string(kResizedRows) + " " + std::to_string(kResizedCols);
  // The client forwards the resize asynchronously; retry `stty size` until
  // the shell reports it (bounded), the same number of times in both panes.
  bool resized = false;
  int tries = 0;
  for (; tries < 5 && !resized; ++tries) {
    for (TmuxSession* t : {pane_.get(), direct.get()}) {
      t->Type("stty size");
      t->Keys({"Enter"});
    }
    resized = pane_->WaitForText(size_line, milliseconds(3000));
  }
  ASSERT_TRUE(resized) << Context();
  EXPECT_EQ(tries, 1) << "the first `stty size` after the resize should see it";
  {
    ASSERT_TRUE(direct->WaitForText(size_line, kStepTimeout)) << direct->CaptureText();
    auto cmp = WaitForScreensToMatch(*pane_, *direct, kStepTimeout);
    EXPECT_TRUE(cmp) << "after resize\n" << cmp.diff;
  }

  pane_->Type("exit");
  pane_->Keys({"Enter"});
  EXPECT_TRUE(pane_->WaitForText("EXIT=", kExitTimeout)) << Context();
  EXPECT_TRUE(pane_->WaitForText("EXIT=0", milliseconds(1000))) << Context();
  if (server_.pid() > 0) {
    EXPECT_TRUE(WaitForProcessExit(server_.pid(), kExitTimeout))
        << "the server should exit after the shell and the client have";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Pairings, InteropScreensTest,
    ::testing::Values(InteropCase{"MoshClientToRoamServer", Pairing::kMoshClientRoamServer},
                      InteropCase{"RoamClientToMoshServer", Pairing::kRoamClientMoshServer},
                      InteropCase{"MoshWrapperWithRoamClient", Pairing::kWrapperRoamClient},
                      InteropCase{"MoshWrapperWithRoamServer", Pairing::kWrapperRoamServer},
                      InteropCase{"RoamClientToRoamServer", Pairing::kRoamClientRoamServer}),
    [](const ::testing::TestParamInfo<InteropCase>& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace roam::testing
