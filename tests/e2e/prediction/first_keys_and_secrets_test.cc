// The first keys after Enter, and secrets never drawn, at 300 ms RTT
// (netsim `intercontinental`): roam-client against roam-server running
// bash, the client's terminal recorded as in prediction_quality_test and
// replayed afterwards through libvterm (tests/e2e/prediction/
// client_recording.h).
//
// The typist keeps a human pace (120 ms a key) and reads each screen it
// waits for before typing on (600 ms). Phases, in one session:
//   1. Lines at bash's prompt (readline: raw mode; `PS1='\# e2e$ '`, a
//      prompt with a counter), after one warm-up line and a `clear`: every
//      line's first key is drawn less than RTT/2 after it was typed, so
//      before any echo could have come back (Mosh waits a round trip for
//      it), and so are nine in ten of all visible keys at least.
//   2. `less` and vim's normal mode (vim without a vimrc: vi-compatible, no
//      mode shown): the command keys j and k are never drawn.
//   3. Secrets, each typed where nothing echoes; none of their characters
//      is ever on the screen: `read -rs`; a sudo-like prompt
//      (password_prompt: echo off first, then the prompt); a script that
//      prints its prompt before `stty -echo`; `ssh-keygen -p` asking for a
//      new passphrase twice.
// Secrets are upper-case letters from QZXJKV, which appear in nothing else
// typed or printed; "never drawn" means: no cell shows more of these
// letters than the screen held when the secret's first key was typed.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "e2e/common/detached_server.h"
#include "e2e/common/process_probe.h"
#include "e2e/common/relay_thread.h"
#include "e2e/prediction/client_recording.h"
#include "netsim/profile.h"
#include "support/subprocess.h"
#include "support/tmux_session.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;

constexpr int kCols = 100;
constexpr int kRows = 24;
constexpr const char* kPromptMark = "e2e$";
constexpr milliseconds kConnectTimeout(30000);
constexpr milliseconds kStepTimeout(20000);
constexpr milliseconds kKeyInterval(120);         // human typing pace
constexpr milliseconds kCommandKeyInterval(300);  // a pager's or editor's keys
constexpr milliseconds kReadPause(600);           // reading the screen before typing on
constexpr double kEarlySeconds = 0.150;           // RTT/2: no echo can be back so soon

const std::vector<std::string> kLines = {"echo alpha-$((2+2))", "echo bravo-$((3+3))",
                                         "echo charlie-$((4+4))", "echo delta-$((5+5))",
                                         "echo echo-$((6+6))"};
const std::vector<std::string> kLineOutputs = {"alpha-4", "bravo-6", "charlie-8", "delta-10",
                                               "echo-12"};
const std::string kSecretLetters = "QZXJKV";
const std::string kReadSecret = "QZXJKV";
const std::string kSudoSecret = "ZQJXVKZ";
const std::string kScriptSecret = "XJQZKVXJ";
const std::string kKeygenSecret = "VKXQJZV";
const std::string kPagerKeys = "jkjjkk";
const std::string kEditorKeys = "kjkkj";

// A stretch of typed input to watch on the replayed screen.
struct Watch {
  std::string name;
  // Offsets in the typed stream: the first key, the end of the keys, and
  // where watching the screen ends (the next stretch begins).
  size_t begin = 0;
  size_t keys_end = 0;
  size_t until = std::string::npos;
  // Lines: where the text starts, when each key was typed and first shown.
  bool is_line = false;
  std::string text;
  int row = -1;
  int col = -1;
  std::vector<double> typed_at;
  std::vector<double> shown_at;
  // Keys never to be drawn: these characters, and how many the screen held
  // when the stretch began; `excess` is the most ever seen above that.
  std::string forbidden;
  std::vector<int> baseline;
  int excess = 0;
};

int CountOf(const ReplayScreen& screen, char ch) {
  return screen.Count(static_cast<unsigned char>(ch));
}

// Replays the recording, following every watch. Returns false when a
// watched stretch is missing from what was typed.
bool Replay(const std::vector<Chunk>& chunks, std::vector<Watch>* watches) {
  ReplayScreen screen(kRows, kCols);
  size_t typed_pos = 0;
  for (const Chunk& c : chunks) {
    if (c.kind == 'I') {
      for (size_t i = 0; i < c.bytes.size(); ++i, ++typed_pos) {
        for (Watch& w : *watches) {
          if (typed_pos == w.begin) {
            std::tie(w.row, w.col) = screen.Cursor();
            for (char f : w.forbidden) w.baseline.push_back(CountOf(screen, f));
          }
          if (w.is_line && typed_pos >= w.begin && typed_pos < w.keys_end) {
            w.typed_at[typed_pos - w.begin] = c.t;
          }
        }
      }
      continue;
    }
    screen.Write(c.bytes);
    for (Watch& w : *watches) {
      if (typed_pos <= w.begin || typed_pos > w.until) continue;
      if (w.is_line) {
        for (size_t j = 0; j < w.text.size(); ++j) {
          const uint32_t want = static_cast<unsigned char>(w.text[j]);
          if (w.typed_at[j] >= 0 && w.shown_at[j] < 0 &&
              screen.Cell(w.row, w.col + static_cast<int>(j)) == want) {
            w.shown_at[j] = c.t;
          }
        }
      }
      for (size_t k = 0; k < w.forbidden.size(); ++k) {
        w.excess = std::max(w.excess, CountOf(screen, w.forbidden[k]) - w.baseline[k]);
      }
    }
  }
  for (const Watch& w : *watches) {
    if (w.row < 0) return false;
  }
  return true;
}

class FirstKeysAndSecretsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(HaveProgram("tmux") && HaveProgram("script") && HaveProgram("bash") &&
                HaveProgram("less") && HaveProgram("vim") && HaveProgram("ssh-keygen"));
    char tmpl[] = "/tmp/roam-e2e-keys-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (std::getenv("ROAM_E2E_KEEP") == nullptr) std::filesystem::remove_all(dir_);
  }

  std::string dir_;
};

TEST_F(FirstKeysAndSecretsTest, FirstKeysAreDrawnAtOnceAndNoSecretEver) {
  const std::string key = dir_ + "/key";
  ASSERT_EQ(
      RunCommand({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key}, milliseconds(20000))
          .status,
      0);
  DetachedServer server;
  ASSERT_TRUE(
      server.Start({RoamProgram("roam-server"), "new", "-i", "127.0.0.1", "-p", "0", "--", "env",
                    "PS1=\\# e2e$ ", "HISTFILE=", "bash", "--norc", "--noprofile", "-i"},
                   {"LANG=C.UTF-8", std::string("PP=") + ROAM_PASSWORD_PROMPT, "K=" + key}))
      << server.output();
  Result<netsim::Profile> profile = netsim::ProfileByName("intercontinental");
  ASSERT_TRUE(profile.ok());
  RelayThread relay(server.port(), *profile, /*seed=*/7);
  ASSERT_TRUE(relay.ok()) << relay.error();
  const std::string log = dir_ + "/client.log";
  const std::string timing = dir_ + "/client.timing";
  const std::string command =
      "script -q -f -B '" + log + "' -T '" + timing + "' -c \"MOSH_KEY=" + server.key() + " '" +
      RoamProgram("roam-client") + "' 127.0.0.1 " + std::to_string(relay.listen_port()) +
      "\"; echo EXIT=$?; exec sleep 3600";
  TmuxSession pane(
      command, kCols, kRows,
      {"LANG=C.UTF-8", "TERM=xterm-256color", "SHELL=/bin/sh", "MOSH_PREDICTION_DISPLAY=adaptive"});
  ASSERT_TRUE(pane.started());
  auto context = [&] { return "pane:\n" + pane.CaptureText(); };
  ASSERT_TRUE(pane.WaitForText(kPromptMark, kConnectTimeout)) << context();

  auto type_at = [&](const std::string& text, milliseconds interval) {
    for (char ch : text) {
      // A lone ";" would end tmux's command; "\;" is the character.
      pane.Type(ch == ';' ? std::string("\\;") : std::string(1, ch));
      std::this_thread::sleep_for(interval);  // the typist's pace, not a wait
    }
  };
  // Reads the screen, types `text` and Enter, waits for `answer`.
  auto line = [&](const std::string& text, const std::string& answer) {
    std::this_thread::sleep_for(kReadPause);
    type_at(text, kKeyInterval);
    pane.Keys({"Enter"});
    EXPECT_TRUE(pane.WaitForText(answer, kStepTimeout)) << text << "\n" << context();
  };
  auto last_row_starts_with = [&](const std::string& prefix) {
    return pane.WaitForScreen(
        [&](const std::string& s) {
          const size_t at = s.find_last_not_of(" \n");
          const size_t row = at == std::string::npos ? 0 : s.rfind('\n', at) + 1;
          return s.compare(row, prefix.size(), prefix) == 0;
        },
        kStepTimeout);
  };

  // 1. Lines at the prompt.
  line("echo warm-$((1+1))", "warm-2");
  line("clear", "");
  ASSERT_TRUE(pane.WaitForScreen(
      [](const std::string& s) { return s.find("warm") == std::string::npos; }, kStepTimeout))
      << context();
  for (size_t i = 0; i < kLines.size(); ++i) line(kLines[i], "\n" + kLineOutputs[i]);

  // 2. A pager and an editor's normal mode.
  line("seq 1 300 | less", "\n23");
  ASSERT_TRUE(last_row_starts_with(":")) << context();
  std::this_thread::sleep_for(kReadPause);
  type_at(kPagerKeys, kCommandKeyInterval);
  std::this_thread::sleep_for(kReadPause);
  pane.Type("q");
  ASSERT_TRUE(last_row_starts_with("9 e2e$")) << context();
  line("vim -u NONE -i NONE -n", "~");
  std::this_thread::sleep_for(kReadPause);
  pane.Type("i");
  type_at("12", kKeyInterval);
  pane.Keys({"Enter"});
  type_at("34", kKeyInterval);
  pane.Keys({"Escape"});
  std::this_thread::sleep_for(kReadPause);
  type_at(kEditorKeys, kCommandKeyInterval);
  std::this_thread::sleep_for(kReadPause);
  type_at(":q!", kKeyInterval);
  pane.Keys({"Enter"});
  ASSERT_TRUE(last_row_starts_with("10 e2e$")) << context();
  line("clear", "");
  ASSERT_TRUE(pane.WaitForScreen(
      [](const std::string& s) { return s.find("vim") == std::string::npos; }, kStepTimeout))
      << context();

  // 3. Secrets.
  line("read -rs x; echo got-${#x}", "got-");
  std::this_thread::sleep_for(kReadPause);
  type_at(kReadSecret, kKeyInterval);
  pane.Keys({"Enter"});
  ASSERT_TRUE(pane.WaitForText("\ngot-6", kStepTimeout)) << context();
  line("\"$PP\" '[sudo] password for ann: '", "\n[sudo] password for ann:");
  std::this_thread::sleep_for(kReadPause);
  type_at(kSudoSecret, kKeyInterval);
  pane.Keys({"Enter"});
  ASSERT_TRUE(pane.WaitForText("read 7", kStepTimeout)) << context();
  line("printf 'Password: '; stty -echo; read y; stty echo; echo; echo got-${#y}", "\nPassword:");
  std::this_thread::sleep_for(kReadPause);
  type_at(kScriptSecret, kKeyInterval);
  pane.Keys({"Enter"});
  ASSERT_TRUE(pane.WaitForText("got-8", kStepTimeout)) << context();
  line("ssh-keygen -p -f \"$K\"", "Enter new passphrase");
  std::this_thread::sleep_for(kReadPause);
  type_at(kKeygenSecret, kKeyInterval);
  pane.Keys({"Enter"});
  ASSERT_TRUE(pane.WaitForText("Enter same passphrase", kStepTimeout)) << context();
  std::this_thread::sleep_for(kReadPause);
  type_at(kKeygenSecret, kKeyInterval);
  pane.Keys({"Enter"});
  ASSERT_TRUE(pane.WaitForText("with the new passphrase", kStepTimeout)) << context();
  line("exit", "EXIT=0");

  // The analysis.
  const std::vector<Chunk> chunks = ReadRecording(log, timing);
  const std::string typed = TypedBytes(chunks);
  std::vector<Watch> watches;
  size_t from = 0;
  auto find = [&](const std::string& what, size_t after) {
    const size_t at = typed.find(what, after);
    EXPECT_NE(at, std::string::npos) << "not in the recording: " << what;
    return at;
  };
  for (const std::string& text : kLines) {
    Watch w;
    w.name = text;
    w.is_line = true;
    w.text = text;
    w.begin = find(text + "\r", from);
    if (w.begin == std::string::npos) return;
    w.keys_end = w.begin + text.size();
    w.typed_at.assign(text.size(), -1);
    w.shown_at.assign(text.size(), -1);
    from = w.keys_end;
    if (!watches.empty()) watches.back().until = w.begin;
    watches.push_back(w);
  }
  auto add_never_drawn = [&](const std::string& name, const std::string& keys,
                             const std::string& forbidden, const std::string& until) {
    Watch w;
    w.name = name;
    w.forbidden = forbidden;
    w.begin = find(keys, from);
    if (w.begin == std::string::npos) return false;
    w.keys_end = w.begin + keys.size();
    w.until = find(until, w.keys_end);
    if (w.until == std::string::npos) return false;
    from = w.begin + keys.size();
    watches.push_back(w);
    return true;
  };
  watches.back().until = find("seq 1 300", from);
  ASSERT_TRUE(add_never_drawn("less", kPagerKeys, "jk", "q"));
  ASSERT_TRUE(add_never_drawn("vim normal mode", kEditorKeys, "jk", ":q!"));
  ASSERT_TRUE(add_never_drawn("read -rs", kReadSecret + "\r", kSecretLetters, "\"$PP\""));
  ASSERT_TRUE(add_never_drawn("sudo-like prompt", kSudoSecret + "\r", kSecretLetters, "printf"));
  ASSERT_TRUE(add_never_drawn("prompt before stty -echo", kScriptSecret + "\r", kSecretLetters,
                              "ssh-keygen"));
  ASSERT_TRUE(add_never_drawn("ssh-keygen -p", kKeygenSecret + "\r" + kKeygenSecret + "\r",
                              kSecretLetters, "exit\r"));
  ASSERT_TRUE(Replay(chunks, &watches)) << "a watched stretch was never typed";

  int first_keys_early = 0;
  int visible = 0;
  int visible_early = 0;
  for (const Watch& w : watches) {
    if (!w.is_line) {
      std::printf("[first-keys] %-26s typed characters drawn: %d\n", w.name.c_str(), w.excess);
      EXPECT_EQ(w.excess, 0) << w.name << ": a key typed where nothing echoes was drawn";
      continue;
    }
    std::string late;
    for (size_t j = 0; j < w.text.size(); ++j) {
      if (w.text[j] == ' ') continue;  // a space over a blank looks the same either way
      ++visible;
      const double latency = w.shown_at[j] - w.typed_at[j];
      const bool early = w.shown_at[j] >= 0 && latency < kEarlySeconds;
      visible_early += early ? 1 : 0;
      if (j == 0) first_keys_early += early ? 1 : 0;
      if (!early) late += w.text[j];
    }
    std::printf("[first-keys] %-26s first key %.0f ms, late keys: \"%s\"\n", w.name.c_str(),
                1000 * (w.shown_at[0] - w.typed_at[0]), late.c_str());
  }
  std::printf("[first-keys] lines: %d/%zu first keys and %d/%d visible keys drawn within %.0f ms\n",
              first_keys_early, kLines.size(), visible_early, visible, 1000 * kEarlySeconds);
  EXPECT_EQ(first_keys_early, static_cast<int>(kLines.size()));
  // The other keys are Mosh's business as before; on a loaded machine an
  // echo that takes the shell over 50 ms to write makes the client take
  // back a few correct guesses (and draw them again with the echo).
  EXPECT_GE(visible_early, visible * 9 / 10);
}

}  // namespace
}  // namespace roam::testing
