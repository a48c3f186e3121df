// Echo hints end to end through the real cores (docs/protocol.md §8.4): the
// server reads its pty's echo state, a roam client learns it, and the first
// key after Enter is drawn before its echo where the pty echoes, while no
// key typed where nothing echoes is ever drawn. 300 ms RTT, fake clock.

#include <gtest/gtest.h>

#include <string>

#include "integration/session/core_harness.h"

namespace roam::testing {
namespace {

using namespace std::chrono_literals;

constexpr Duration kOneWay = 150ms;
// A typist reads the screen before typing on.
constexpr Duration kThink = 1s;
// Between keys of a line.
constexpr Duration kKeyGap = 150ms;

CoreHarnessOptions Options(ShellModel::Style style = ShellModel::Style::kCanonical) {
  CoreHarnessOptions o;
  o.up.delay = kOneWay;
  o.down.delay = kOneWay;
  o.shell = style;
  return o;
}

class EchoHintTest : public ::testing::Test {
 protected:
  void Connect(CoreHarnessOptions options) {
    h_ = std::make_unique<CoreHarness>(1, options);
    ASSERT_TRUE(h_->RunFor(5s, [&] { return RowText(h_->remote_screen(), 0).ends_with("$"); }));
    h_->RunFor(kThink);
  }
  CoreHarness& h() { return *h_; }

  // Types `key`; true when the user's terminal shows it at the cursor
  // within 20 ms (long before the 300 ms echo could come back).
  bool DrawnAtOnce(char key) {
    const int row = h().terminal().fb().ds().cursor_row;
    const int col = h().terminal().fb().ds().cursor_col;
    h().Type(std::string(1, key));
    h().RunFor(20ms);
    return h().terminal().fb().row(row).CellText(col) == std::string(1, key);
  }
  // Types a line at human pace, Enter, and waits for the answer.
  void TypeLine(const std::string& line) {
    for (char c : line) {
      h().Type(std::string(1, c));
      h().RunFor(kKeyGap);
    }
    h().Type("\r");
    h().RunFor(kThink);
  }
  // True when the user's terminal shows any of `chars` anywhere.
  bool TerminalShowsAnyOf(std::string_view chars) {
    const term::Framebuffer& fb = h().terminal().fb();
    for (int r = 0; r < fb.height(); ++r) {
      if (RowText(fb, r).find_first_of(chars) != std::string::npos) return true;
    }
    return false;
  }
  // Types `secret` a key at a time at human pace and checks at every step
  // of the loop that none of its characters is ever on the user's screen.
  void TypeSecretNeverShown(const std::string& secret) {
    bool shown = false;
    h().application = [&](TimePoint) { shown = shown || TerminalShowsAnyOf(secret); };
    for (char c : secret) {
      h().Type(std::string(1, c));
      h().RunFor(kKeyGap);
    }
    h().Type("\r");
    h().RunFor(kThink);
    h().application = nullptr;
    EXPECT_FALSE(shown) << "a typed secret character was drawn";
  }

  std::unique_ptr<CoreHarness> h_;
};

TEST_F(EchoHintTest, RoamPeersAgreeOnEchoHintsAndTheClientLearnsTheModes) {
  Connect(Options());
  EXPECT_TRUE(h().client().welcome().has(state::kFeatureEchoHints));
  const std::optional<state::EchoHint>& hint =
      h().client().transport().latest_remote_state().echo_hint();
  ASSERT_TRUE(hint.has_value());
  EXPECT_EQ(*hint, (state::EchoHint{true, true, ShellModel::kShellGroup}));
}

TEST_F(EchoHintTest, CanonicalShellDrawsTheFirstKeyAfterEnterBeforeItsEcho) {
  Connect(Options());
  TypeLine("echo one");
  ASSERT_EQ(RowText(h().remote_screen(), 1), "$");
  for (const std::string line : {"ls", "echo two", "pwd"}) {
    const int row = h().terminal().fb().ds().cursor_row;
    EXPECT_TRUE(DrawnAtOnce(line[0])) << line;
    EXPECT_EQ(RowText(h().remote_screen(), row), "$") << "the server has not echoed it yet";
    TypeLine(line.substr(1));
  }
  EXPECT_EQ(h().client().prediction().stats().shown_wrong, 0u);
  EXPECT_GE(h().client().prediction().stats().hint_confirmed_epochs, 4u);
}

TEST_F(EchoHintTest, ReadlineShellDrawsTheFirstKeyOnceItsPromptWasConfirmed) {
  Connect(Options(ShellModel::Style::kReadline));
  ASSERT_EQ(RowText(h().remote_screen(), 0), "1 $");
  EXPECT_FALSE(DrawnAtOnce('e')) << "a prompt never seen: confirmed a round trip later";
  TypeLine("cho one");
  for (const std::string line : {"ls", "echo two", "pwd"}) {
    EXPECT_TRUE(DrawnAtOnce(line[0])) << line;
    TypeLine(line.substr(1));
  }
  EXPECT_EQ(RowText(h().remote_screen(), 4), "5 $");
  EXPECT_EQ(h().client().prediction().stats().remembered_epochs, 3u);
  EXPECT_EQ(h().client().prediction().stats().shown_wrong, 0u);
}

TEST_F(EchoHintTest, ReadSilentlyNeverDrawsTheSecret) {
  for (ShellModel::Style style : {ShellModel::Style::kCanonical, ShellModel::Style::kReadline}) {
    Connect(Options(style));
    TypeLine("echo warm");
    TypeLine("read -s");
    TypeSecretNeverShown("QZXJKV");
    EXPECT_EQ(h().client().prediction().stats().silent_keys, 6u);
  }
}

TEST_F(EchoHintTest, SudoPasswordPromptNeverDrawsTheSecret) {
  for (ShellModel::Style style : {ShellModel::Style::kCanonical, ShellModel::Style::kReadline}) {
    Connect(Options(style));
    TypeLine("echo warm");
    TypeLine("sudo true");
    ASSERT_EQ(RowText(h().remote_screen(), 2), "[sudo] password for ann:");
    TypeSecretNeverShown("QZXJKV");
  }
}

TEST_F(EchoHintTest, PagerKeysAreNeverDrawn) {
  Connect(Options(ShellModel::Style::kReadline));
  TypeLine("echo warm");
  TypeLine("less");
  ASSERT_EQ(RowText(h().remote_screen(), 0), "line 1");
  TypeSecretNeverShown("jjkkjbw");
  EXPECT_EQ(h().client().prediction().stats().shown_wrong, 0u);
}

TEST_F(EchoHintTest, EchoTurnedOffWithoutOutputReachesTheClientWithinHalfARoundTrip) {
  // A program turns echo off long after its last output (`sleep 5; stty
  // -echo`): the server keeps reading the modes for a while after any
  // input or output, so the client hears of it without a keystroke.
  Connect(Options());
  TypeLine("echo warm");
  h().RunFor(3s);
  const TimePoint changed = h().Now();
  h().shell().SetModes(state::EchoHint{false, true, ShellModel::kShellGroup});
  ASSERT_TRUE(h().RunFor(
      2s, [&] { return !h().client().transport().latest_remote_state().echo_hint()->echo; }));
  // Half a round trip, plus the 250 ms period of the slow reads, plus a
  // frame interval.
  EXPECT_LE(h().Now() - changed, kOneWay + 250ms + 200ms);
  EXPECT_FALSE(DrawnAtOnce('x'));
}

TEST_F(EchoHintTest, StockServerSendsNoHintAndTheFirstKeyAfterEnterWaits) {
  CoreHarnessOptions o = Options();
  o.server_extensions = false;
  Connect(o);
  TypeLine("echo one");
  EXPECT_FALSE(h().client().transport().latest_remote_state().echo_hint().has_value());
  EXPECT_FALSE(DrawnAtOnce('l')) << "as Mosh: confirmed a round trip later";
}

TEST_F(EchoHintTest, StockClientIsNeverSentAHint) {
  CoreHarnessOptions o = Options();
  o.client_extensions = false;
  Connect(o);
  TypeLine("read -s");
  TypeLine("secret");
  EXPECT_FALSE(h().server().transport().current_state().echo_hint().has_value());
  EXPECT_FALSE(h().client().transport().latest_remote_state().echo_hint().has_value());
}

TEST_F(EchoHintTest, ServerReadsTheModesOftenOnlyForAClientThatAskedAfterActivity) {
  // 600 ms after a key: its echo, echo-ack and acks are done with, and the
  // key reached the server less than a second ago.
  Connect(Options());
  h().Type("x");
  h().RunFor(600ms);
  EXPECT_LE(h().server().NextWakeup(h().Now()), h().Now() + 10ms);

  CoreHarnessOptions o = Options();
  o.client_extensions = false;
  Connect(o);
  h().Type("x");
  h().RunFor(600ms);
  EXPECT_GT(h().server().NextWakeup(h().Now()), h().Now() + 100ms);
}

}  // namespace
}  // namespace roam::testing
