// PredictionEngine: the scenarios of docs/protocol.md §13.1 on a fake clock. The host is a
// real term::Emulator the test writes echo bytes into; the client side is
// played by the fixture's verbs (Type, Send, HostWrites, Ack).

#include "predict/prediction_engine.h"

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "term/emulator.h"
#include "term/framebuffer.h"

namespace roam::predict {
namespace {

using std::chrono::milliseconds;
using term::Framebuffer;
using term::Underline;

class PredictionEngineTest : public ::testing::Test {
 protected:
  PredictionEngineTest() { MakeHost(20, 5); }

  void MakeHost(int cols, int rows) { host_ = std::make_unique<term::Emulator>(cols, rows); }
  void UseEngine(DisplayMode mode, bool overwrite = false) {
    engine_ = PredictionEngine(mode, overwrite);
  }

  TimePoint Now() const { return clock_.Now(); }
  void Advance(Millis d) { clock_.Advance(d); }

  // The host shows `screen`; the link runs at `interval`; the client has
  // seen that screen.
  void Start(std::string_view screen, Millis interval) {
    host_->Write(screen);
    engine_.SetSendInterval(interval);
    engine_.Cull(host_->fb(), Now());
  }
  // The user types `keys` (one read).
  void Type(std::string_view keys) { engine_.NewUserBytes(keys, host_->fb(), Now()); }
  // The client sends a new state carrying everything typed so far.
  uint64_t Send() {
    ++sent_;
    engine_.SetLocalFrameSent(sent_);
    return sent_;
  }
  void HostWrites(std::string_view bytes) { host_->Write(bytes); }
  // The newest server state says the pty is in these modes (EchoHint).
  void Modes(bool echo, bool canonical, uint64_t foreground = 100) {
    engine_.SetTtyHint(TtyHint{echo, canonical, foreground});
  }
  void CanonicalEcho() { Modes(true, true); }
  void CanonicalNoEcho() { Modes(false, true); }
  void Raw(uint64_t foreground = 100) { Modes(false, false, foreground); }
  // Enter, and the host answers with `answer`; the answer is seen.
  void EnterAndAnswer(std::string_view answer) {
    Type("\r");
    uint64_t n = Send();
    Advance(milliseconds(300));
    HostWrites(answer);
    Ack(n);
  }
  // Types `keys` one at a time, each echoed and answered (a typist who
  // waits for the screen).
  void TypeSlowly(std::string_view keys) {
    for (char c : keys) {
      TypeEchoAck(std::string(1, c), std::string(1, c));
      Advance(milliseconds(300));
    }
  }
  // Whether `key` was drawn at the cursor right after being typed (before
  // any answer).
  bool DrawnAtOnce(std::string_view key) {
    const auto [row, col] = Cursor(host_->fb());
    Type(key);
    return Shown().row(row).CellText(col) == key;
  }
  // A server state arrives with echo_ack `n` and the host's current screen.
  void Ack(uint64_t n) {
    engine_.SetLocalFrameAcked(n);
    engine_.SetEchoAck(n);
    engine_.Cull(host_->fb(), Now());
  }
  // Types, sends, lets the host echo and acknowledges: a confirmed round.
  void TypeEchoAck(std::string_view keys, std::string_view echo) {
    Type(keys);
    uint64_t n = Send();
    HostWrites(echo);
    Ack(n);
  }
  // What the user sees: the server screen with predictions drawn on a copy.
  Framebuffer Shown() const {
    Framebuffer fb = host_->fb();
    engine_.Apply(&fb);
    return fb;
  }
  static std::string Text(const Framebuffer& fb, int row) {
    std::string out;
    for (int c = 0; c < fb.width(); ++c) {
      std::string t = fb.row(row).CellText(c);
      out += t.empty() ? " " : t;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  }
  static bool Underlined(const Framebuffer& fb, int row, int col) {
    return fb.row(row).cell(col).rend.underline() != Underline::kNone;
  }
  static std::pair<int, int> Cursor(const Framebuffer& fb) {
    return {fb.ds().cursor_row, fb.ds().cursor_col};
  }

  FakeClock clock_;
  std::unique_ptr<term::Emulator> host_;
  PredictionEngine engine_;
  uint64_t sent_ = 0;
};

TEST(ParseDisplayModeTest, KnownNamesAndEmpty) {
  EXPECT_EQ(*ParseDisplayMode("adaptive"), DisplayMode::kAdaptive);
  EXPECT_EQ(*ParseDisplayMode(""), DisplayMode::kAdaptive);
  EXPECT_EQ(*ParseDisplayMode("always"), DisplayMode::kAlways);
  EXPECT_EQ(*ParseDisplayMode("never"), DisplayMode::kNever);
  EXPECT_EQ(*ParseDisplayMode("experimental"), DisplayMode::kExperimental);
}

TEST(ParseDisplayModeTest, UnknownNameIsAnError) {
  for (std::string_view bad : {"Always", "sometimes", "adaptive ", "1"}) {
    Result<DisplayMode> r = ParseDisplayMode(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message().rfind("Unknown prediction mode", 0), 0u);
  }
}

TEST(ParseOverwriteModeTest, OnlyExactYes) {
  EXPECT_TRUE(ParseOverwriteMode("yes"));
  EXPECT_FALSE(ParseOverwriteMode("Yes"));
  EXPECT_FALSE(ParseOverwriteMode("1"));
  EXPECT_FALSE(ParseOverwriteMode(""));
}

TEST_F(PredictionEngineTest, SlowLinkTypingShowsPredictionsOnceConfirmed) {
  Start("$ ", milliseconds(150));
  Type("l");
  Send();
  // Epoch 1 is not confirmed yet: nothing drawn.
  EXPECT_EQ(Text(Shown(), 0), "$");
  EXPECT_EQ(Cursor(Shown()), std::make_pair(0, 2));

  Advance(milliseconds(300));
  HostWrites("l");
  Ack(1);
  EXPECT_EQ(engine_.confirmed_epoch(), 1u);

  Type("s");
  Send();
  Framebuffer shown = Shown();
  EXPECT_EQ(Text(shown, 0), "$ ls");
  EXPECT_TRUE(Underlined(shown, 0, 3)) << "send interval 150 ms > 80 ms flags predictions";
  EXPECT_FALSE(Underlined(shown, 0, 2)) << "the echoed 'l' is the server's";
  EXPECT_FALSE(Underlined(shown, 0, 5)) << "blank over blank is never underlined";
  EXPECT_EQ(Cursor(shown), std::make_pair(0, 4));
  EXPECT_EQ(Text(host_->fb(), 0), "$ l") << "the server screen itself is untouched";

  Advance(milliseconds(300));
  HostWrites("s");
  Ack(2);
  shown = Shown();
  EXPECT_EQ(Text(shown, 0), "$ ls");
  EXPECT_FALSE(Underlined(shown, 0, 3));
  EXPECT_FALSE(engine_.HasOutstanding());

  const PredictionStats& s = engine_.stats();
  EXPECT_EQ(s.keystrokes_predicted, 2u);
  EXPECT_EQ(s.echoes_seen, 2u);
  EXPECT_EQ(s.shown_before_echo, 1u);
  EXPECT_EQ(s.confirmed_correct, 2u);
  EXPECT_EQ(s.judged_wrong, 0u);
  EXPECT_EQ(s.resets, 0u);
}

TEST_F(PredictionEngineTest, ModerateLinkDrawsWithoutUnderline) {
  Start("$ ", milliseconds(40));
  TypeEchoAck("l", "l");
  Type("s");
  Framebuffer shown = Shown();
  EXPECT_EQ(Text(shown, 0), "$ ls");
  EXPECT_FALSE(Underlined(shown, 0, 3));
  EXPECT_TRUE(engine_.srtt_trigger());
  EXPECT_FALSE(engine_.flagging());
}

TEST_F(PredictionEngineTest, FastLinkAdaptiveDrawsNothing) {
  Start("$ ", milliseconds(20));
  TypeEchoAck("l", "l");
  EXPECT_EQ(engine_.confirmed_epoch(), 1u);
  Type("s");
  EXPECT_TRUE(engine_.HasOutstanding());
  EXPECT_FALSE(engine_.ShouldDisplay());
  EXPECT_EQ(Text(Shown(), 0), "$ l");
  EXPECT_EQ(Cursor(Shown()), std::make_pair(0, 3));
}

TEST_F(PredictionEngineTest, AlwaysModeDrawsConfirmedOnFastLink) {
  UseEngine(DisplayMode::kAlways);
  Start("$ ", milliseconds(20));
  Type("l");
  EXPECT_EQ(Text(Shown(), 0), "$") << "always still waits for confirmation";
  Send();
  HostWrites("l");
  Ack(1);
  Type("s");
  Framebuffer shown = Shown();
  EXPECT_EQ(Text(shown, 0), "$ ls");
  EXPECT_FALSE(Underlined(shown, 0, 3));
}

TEST_F(PredictionEngineTest, NeverModeDrawsNothing) {
  UseEngine(DisplayMode::kNever);
  Start("$ ", milliseconds(150));
  TypeEchoAck("l", "l");
  Type("s");
  EXPECT_FALSE(engine_.HasOutstanding());
  EXPECT_EQ(Text(Shown(), 0), "$ l");
  EXPECT_EQ(engine_.stats().keystrokes_predicted, 0u);
  EXPECT_EQ(engine_.NextWakeup(Now()), kNever);
}

TEST_F(PredictionEngineTest, OneCorrectGuessMakesItsEpochVisible) {
  Start("$ ", milliseconds(150));
  Type("a");
  Send();
  Type("b");
  Send();
  EXPECT_EQ(Text(Shown(), 0), "$");
  // The host has echoed only 'a' so far.
  HostWrites("a");
  Ack(1);
  Framebuffer shown = Shown();
  EXPECT_EQ(Text(shown, 0), "$ ab") << "'b' of the confirmed epoch is now drawn";
  EXPECT_EQ(Cursor(shown), std::make_pair(0, 4));
}

TEST_F(PredictionEngineTest, ConfirmationGivesLaterGuessesTheHostRendition) {
  Start("$ ", milliseconds(150));
  Type("a");
  Send();
  Type("b");
  Send();
  HostWrites("\x1b[31ma");
  Ack(1);
  Framebuffer shown = Shown();
  ASSERT_EQ(Text(shown, 0), "$ ab");
  EXPECT_EQ(shown.row(0).cell(3).rend.fg, term::PaletteColor(1));
}

TEST_F(PredictionEngineTest, NoEchoKillsTentativeEpoch) {
  // (Not a password prompt: at one of those nothing is guessed at all.)
  Start("Token: ", milliseconds(150));
  Type("abc");
  Send();
  EXPECT_EQ(Text(Shown(), 0), "Token:");
  Ack(1);  // the host echoed nothing
  EXPECT_FALSE(engine_.HasOutstanding());
  EXPECT_GE(engine_.stats().epochs_killed, 1u);
  EXPECT_EQ(engine_.stats().resets, 0u);
  EXPECT_EQ(engine_.stats().shown_wrong, 0u);
  EXPECT_EQ(engine_.confirmed_epoch(), 0u);
  Type("d");
  EXPECT_EQ(Text(Shown(), 0), "Token:") << "a fresh epoch is tentative again";
}

TEST_F(PredictionEngineTest, NoGuessesFromALaggingCursorAfterAKill) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("ec", "ec");
  Type("\t");  // the host completes "ec" to "echo "
  Send();
  Type("f");
  Send();
  Type("o");
  Send();
  HostWrites("ho f");
  Ack(3);  // 'f' was guessed at column 4, where the host put 'h'
  ASSERT_EQ(engine_.stats().epochs_killed, 1u);
  // The first 'o' is still in flight: the server cursor (column 8) is where
  // it will land, not the second 'o'. A guess there would even be
  // "confirmed" by the first 'o'.
  Type("o");
  EXPECT_FALSE(engine_.HasOutstanding());
  EXPECT_EQ(engine_.stats().blind_bytes, 1u);
  uint64_t n = Send();
  HostWrites("oo");
  Ack(n);
  // Everything typed is judged: guessing resumes at the right place.
  Type("b");
  EXPECT_TRUE(engine_.HasOutstanding());
  n = Send();
  HostWrites("b");
  Ack(n);
  EXPECT_EQ(engine_.confirmed_epoch(), engine_.prediction_epoch());
  EXPECT_EQ(engine_.stats().judged_wrong, 1u);
  EXPECT_EQ(engine_.stats().resets, 0u);
}

// Keys typed while blind are guessed once the input outstanding at the kill
// is answered, from the server cursor, in a tentative epoch.
TEST_F(PredictionEngineTest, KeysTypedWhileBlindAreGuessedWhenBlindModeEnds) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("ec", "ec");
  Type("\t");
  Send();
  Type("f");
  Send();
  Type("o");
  Send();
  HostWrites("ho f");
  Ack(3);  // kills the epoch; the first 'o' (state 4) is in flight
  Type("o");
  Send();
  Type("x");
  Send();
  EXPECT_FALSE(engine_.HasOutstanding());
  HostWrites("o");
  Ack(4);  // answers the input outstanding at the kill, not the keys after it
  EXPECT_TRUE(engine_.HasOutstanding()) << "the second 'o' and the 'x' are guessed now";
  EXPECT_EQ(Text(Shown(), 0), "$ echo fo") << "a fresh epoch is not drawn";
  HostWrites("ox");
  Ack(6);
  EXPECT_FALSE(engine_.HasOutstanding());
  EXPECT_EQ(engine_.confirmed_epoch(), engine_.prediction_epoch());
  EXPECT_EQ(engine_.stats().judged_wrong, 1u);
  EXPECT_EQ(engine_.stats().blind_bytes, 2u);
  Type("y");
  EXPECT_EQ(Text(Shown(), 0), "$ echo fooxy");
}

// Beyond kMaxBlindLog events typed while blind, the backlog is not guessed:
// the engine stays blind until everything typed is answered.
TEST_F(PredictionEngineTest, BlindLogOverflowStaysBlindUntilAllIsAnswered) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("l", "l");
  Type("a");
  const uint64_t a = Send();
  engine_.Reset();  // with 'a' unanswered: blind until it is
  const std::string block(PredictionEngine::kPasteThreshold, '\x01');
  for (size_t i = 0; i <= PredictionEngine::kMaxBlindLog / block.size(); ++i) {
    Type(block);
    Send();
  }
  EXPECT_FALSE(engine_.HasOutstanding());
  HostWrites("a");
  Ack(a);  // answers the input outstanding at the reset
  Type("z");
  EXPECT_FALSE(engine_.HasOutstanding()) << "still blind: the backlog overflowed";
  const uint64_t n = Send();
  Ack(n);
  Type("b");
  EXPECT_TRUE(engine_.HasOutstanding());
}

TEST_F(PredictionEngineTest, WrongDisplayedGuessDropsEverything) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("l", "l");
  Type("x");
  Send();
  Type("y");
  Send();
  ASSERT_EQ(Text(Shown(), 0), "$ lxy");
  Ack(1);  // frame 1 judged ('l'); frame 2 pending
  Ack(2);  // the host did not echo 'x'
  EXPECT_EQ(engine_.stats().resets, 1u);
  EXPECT_EQ(engine_.stats().shown_wrong, 1u);
  EXPECT_FALSE(engine_.HasOutstanding());
  EXPECT_EQ(Text(Shown(), 0), "$ l");
}

TEST_F(PredictionEngineTest, ExperimentalDropsOnlyTheWrongCell) {
  UseEngine(DisplayMode::kExperimental);
  Start("$ ", milliseconds(150));
  Type("a");
  Send();
  Type("b");
  Send();
  EXPECT_EQ(Text(Shown(), 0), "$ ab") << "experimental never holds guesses back";
  HostWrites("X");
  Ack(1);  // 'a' is wrong
  EXPECT_EQ(engine_.stats().resets, 0u);
  EXPECT_EQ(Text(Shown(), 0), "$ Xb") << "'b' survives";
}

TEST_F(PredictionEngineTest, ExperimentalNeverHoldsBackAfterControls) {
  UseEngine(DisplayMode::kExperimental);
  Start("$ ", milliseconds(150));
  Type("\t");
  Type("x");
  EXPECT_EQ(Text(Shown(), 0), "$ x");
}

TEST_F(PredictionEngineTest, TypedCharactersTakeTheServerPen) {
  Start("$ \x1b[1;32m", milliseconds(40));
  TypeEchoAck("l", "l");
  Type("s");
  Framebuffer shown = Shown();
  ASSERT_EQ(Text(shown, 0), "$ ls");
  EXPECT_TRUE(shown.row(0).cell(3).rend.Has(term::kBold));
  EXPECT_EQ(shown.row(0).cell(3).rend.fg, term::PaletteColor(2));
}

TEST_F(PredictionEngineTest, BackspaceOverAGuessSupersedesIt) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("l", "l");
  Type("ab");
  Type("\x7f");
  EXPECT_EQ(Text(Shown(), 0), "$ la");
  EXPECT_EQ(engine_.stats().superseded, 1u);
  EXPECT_EQ(engine_.stats().keystrokes_predicted, 3u);
}

TEST_F(PredictionEngineTest, CursorDisagreementResets) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("l", "l");
  Type("s");
  Send();
  HostWrites("s\x1b[3;1H");  // echoed, but the cursor went elsewhere
  Ack(2);
  EXPECT_EQ(engine_.stats().resets, 1u);
  EXPECT_EQ(engine_.stats().judged_wrong, 0u);
}

TEST_F(PredictionEngineTest, BackspaceMovesLeftAndShiftsRow) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("ab", "ab");
  Type("\x7f");
  Framebuffer shown = Shown();
  EXPECT_EQ(Text(shown, 0), "$ a");
  EXPECT_EQ(Cursor(shown), std::make_pair(0, 3));
  EXPECT_TRUE(Underlined(shown, 0, 3)) << "a blank over a character is underlined";
  Send();
  HostWrites("\b \b");
  Ack(2);
  EXPECT_EQ(engine_.stats().resets, 0u);
  EXPECT_FALSE(engine_.HasOutstanding());
  EXPECT_EQ(Text(Shown(), 0), "$ a");
}

TEST_F(PredictionEngineTest, BackspaceInsideTextPullsTheRestLeft) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("abc\x1b[D\x1b[D", "abc\b\b");
  ASSERT_EQ(Cursor(host_->fb()), std::make_pair(0, 3));
  Type("\x7f");
  Framebuffer shown = Shown();
  EXPECT_EQ(Text(shown, 0), "$ bc");
  EXPECT_EQ(Cursor(shown), std::make_pair(0, 2));
}

TEST_F(PredictionEngineTest, BackspaceNeverErasesThePrompt) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("a", "a");
  Type("\x7f");
  Type("\x7f");  // one more than was typed
  Framebuffer shown = Shown();
  EXPECT_EQ(Text(shown, 0), "$");
  EXPECT_EQ(Cursor(shown), std::make_pair(0, 2));
  uint64_t n = Send();
  HostWrites("\b \b\a");
  Ack(n);
  EXPECT_EQ(engine_.stats().resets, 0u);
  EXPECT_EQ(engine_.stats().judged_wrong, 0u);
}

TEST_F(PredictionEngineTest, LeftArrowStopsAtTheStartOfTypedText) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("ab", "ab");
  Type("\x1b[D\x1b[D\x1b[D");
  EXPECT_EQ(Cursor(Shown()), std::make_pair(0, 2));
  uint64_t n = Send();
  HostWrites("\b\b\a");
  Ack(n);
  EXPECT_EQ(engine_.stats().resets, 0u);
}

TEST_F(PredictionEngineTest, BackspaceAfterHistoryRecallIsNotPredicted) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("ls", "ls");
  Type("\x1b[A");  // the host may redraw the line with anything
  Type("\x7f");
  EXPECT_FALSE(engine_.HasOutstanding());
}

TEST_F(PredictionEngineTest, BackspaceAtColumnZeroPredictsNothing) {
  Start("", milliseconds(150));
  uint64_t epoch = engine_.prediction_epoch();
  Type("\x7f");
  EXPECT_FALSE(engine_.HasOutstanding());
  EXPECT_EQ(engine_.prediction_epoch(), epoch + 1);
}

TEST_F(PredictionEngineTest, ArrowsMoveThePredictedCursor) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("abc", "abc");
  Type("\x1b[D");
  EXPECT_EQ(Cursor(Shown()), std::make_pair(0, 4));
  Type("\x1bOD");  // application cursor form
  EXPECT_EQ(Cursor(Shown()), std::make_pair(0, 3));
  Type("\x1b");  // split across two reads
  Type("[C");
  EXPECT_EQ(Cursor(Shown()), std::make_pair(0, 4));
  Send();
  HostWrites("\b\b\x1b[C");
  Ack(2);
  EXPECT_EQ(engine_.stats().resets, 0u);
  EXPECT_FALSE(engine_.HasOutstanding());
}

TEST_F(PredictionEngineTest, TypingAfterLeftArrowInsertsAndShifts) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("ac", "ac");
  Type("\x1b[Db");
  EXPECT_EQ(Text(Shown(), 0), "$ abc");
  EXPECT_EQ(Cursor(Shown()), std::make_pair(0, 4));
}

TEST_F(PredictionEngineTest, RightArrowAtEndOfTextIsNotPredicted) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("abc", "abc");
  uint64_t epoch = engine_.prediction_epoch();
  Type("\x1b[C");
  EXPECT_EQ(Cursor(Shown()), std::make_pair(0, 5));
  EXPECT_EQ(engine_.prediction_epoch(), epoch + 1);
}

TEST_F(PredictionEngineTest, OtherEscapeSequencesStartANewEpoch) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("l", "l");
  Type("\x1b[A");  // up arrow: history recall is unguessable
  Type("s");
  EXPECT_EQ(Text(Shown(), 0), "$ l");
  EXPECT_TRUE(engine_.HasOutstanding());
}

TEST_F(PredictionEngineTest, ControlCharacterStartsANewEpoch) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("l", "l");
  Type("\t");
  Type("s");
  EXPECT_EQ(Text(Shown(), 0), "$ l");
}

TEST_F(PredictionEngineTest, OverwriteModeReplacesInsteadOfInserting) {
  UseEngine(DisplayMode::kAdaptive, /*overwrite=*/true);
  Start("$ abc\b\b\b", milliseconds(150));
  TypeEchoAck("X", "X");
  ASSERT_EQ(engine_.confirmed_epoch(), 1u);
  Type("Y");
  EXPECT_EQ(Text(Shown(), 0), "$ XYc");
}

TEST_F(PredictionEngineTest, InsertModeShiftsTheRestOfTheRow) {
  Start("$ abc\b\b\b", milliseconds(150));
  TypeEchoAck("X", "\x1b[4hX\x1b[4l");
  ASSERT_EQ(Text(host_->fb(), 0), "$ Xabc");
  Type("Y");
  EXPECT_EQ(Text(Shown(), 0), "$ XYabc");
}

TEST_F(PredictionEngineTest, RightHandPromptDoesNotMove) {
  MakeHost(40, 3);
  Start("$ \x1b[1;35H[main]\x1b[1;3H", milliseconds(150));
  TypeEchoAck("l", "l");
  Type("s");
  EXPECT_EQ(Text(Shown(), 0), "$ ls                              [main]");
  uint64_t n = Send();
  HostWrites("s");
  Ack(n);
  EXPECT_EQ(engine_.stats().resets, 0u);
  EXPECT_EQ(engine_.stats().judged_wrong, 0u);
}

TEST_F(PredictionEngineTest, InsertBeforeAGapMovesTextIntoIt) {
  MakeHost(40, 3);
  Start("$ ac\x1b[1;35H[main]\x1b[1;4H", milliseconds(150));  // cursor on 'c'
  TypeEchoAck("x", "xc\b");                                   // a line editor redraws the tail
  ASSERT_EQ(Text(host_->fb(), 0), "$ axc                             [main]");
  ASSERT_EQ(engine_.confirmed_epoch(), 1u);
  Type("y");
  EXPECT_EQ(Text(Shown(), 0), "$ axyc                            [main]");
  uint64_t n = Send();
  HostWrites("yc\b");
  Ack(n);
  EXPECT_EQ(engine_.stats().resets, 0u);
  EXPECT_EQ(engine_.stats().judged_wrong, 0u);
}

TEST_F(PredictionEngineTest, WidthOneUtf8IsPredictedWideIsNot) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("l", "l");
  Type("\xC3\xA9");  // U+00E9
  EXPECT_EQ(Text(Shown(), 0), "$ l\xC3\xA9");
  Type("\xE3\x81\x82");  // U+3042, width 2
  Type("z");
  EXPECT_EQ(Text(Shown(), 0), "$ l\xC3\xA9");
}

TEST_F(PredictionEngineTest, CarriageReturnIsTentative) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("ls", "ls");
  Type("\r");
  EXPECT_EQ(Cursor(Shown()), std::make_pair(0, 4));
}

TEST_F(PredictionEngineTest, CarriageReturnAtBottomPredictsBlankLineNotScroll) {
  UseEngine(DisplayMode::kExperimental);
  MakeHost(10, 3);
  Start("a\r\nb\r\n$ x", milliseconds(150));
  Type("\r");
  Framebuffer shown = Shown();
  EXPECT_EQ(Text(shown, 0), "a");
  EXPECT_EQ(Text(shown, 1), "b");
  EXPECT_EQ(Text(shown, 2), "");
  EXPECT_EQ(Cursor(shown), std::make_pair(2, 0));
}

TEST_F(PredictionEngineTest, CarriageReturnAboveBottomMovesToNextRow) {
  UseEngine(DisplayMode::kExperimental);
  Start("$ x", milliseconds(150));
  Type("\r");
  EXPECT_EQ(Cursor(Shown()), std::make_pair(1, 0));
  EXPECT_EQ(Text(Shown(), 0), "$ x");
}

TEST_F(PredictionEngineTest, PasteOfMoreThan100BytesPredictsNothing) {
  MakeHost(200, 3);
  Start("$ ", milliseconds(150));
  Type(std::string(100, 'a'));
  EXPECT_TRUE(engine_.HasOutstanding());
  EXPECT_EQ(engine_.stats().keystrokes_predicted, 100u);
  Type(std::string(101, 'b'));
  EXPECT_FALSE(engine_.HasOutstanding());
  EXPECT_EQ(engine_.stats().pastes, 1u);
  EXPECT_EQ(engine_.stats().keystrokes_predicted, 100u);
  // The pasted text is in flight: where the next key lands is unknown
  // until the server has answered it.
  Type("c");
  EXPECT_FALSE(engine_.HasOutstanding());
  uint64_t n = Send();
  HostWrites(std::string(100, 'a') + std::string(101, 'b') + "c");
  Ack(n);
  Type("d");
  EXPECT_TRUE(engine_.HasOutstanding());
}

TEST_F(PredictionEngineTest, PasteDropsEarlierPredictions) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("l", "l");
  Type("s");
  ASSERT_EQ(Text(Shown(), 0), "$ ls");
  Type(std::string(150, 'p'));
  EXPECT_EQ(Text(Shown(), 0), "$ l");
  EXPECT_EQ(engine_.stats().resets, 1u);
}

TEST_F(PredictionEngineTest, TypingIntoLastColumnIsTentativeAndWrapAgrees) {
  MakeHost(10, 3);
  Start("$ 123456", milliseconds(150));
  TypeEchoAck("7", "7");
  ASSERT_EQ(Cursor(host_->fb()), std::make_pair(0, 9));
  Type("x");
  EXPECT_EQ(Text(Shown(), 0), "$ 1234567") << "the last column opens a new epoch";
  Send();
  HostWrites("x");  // the host's cursor now waits to wrap at (0, 9)
  Ack(2);
  EXPECT_EQ(engine_.stats().resets, 0u);
  EXPECT_EQ(engine_.stats().epochs_killed, 0u);
  EXPECT_EQ(engine_.stats().confirmed_correct, 2u);
  EXPECT_FALSE(engine_.HasOutstanding());
}

TEST_F(PredictionEngineTest, LastColumnIsUnknownAfterInsert) {
  MakeHost(10, 3);
  Start("$ Zbcdefgh\x1b[3G", milliseconds(150));  // cursor on 'Z'
  TypeEchoAck("a", "\x1b[4ha\x1b[4l");            // the host inserts
  ASSERT_EQ(Text(host_->fb(), 0), "$ aZbcdefg");
  ASSERT_EQ(engine_.confirmed_epoch(), 1u);
  Type("X");
  Framebuffer shown = Shown();
  // Where 'f' goes depends on the host's wrapping: the last column is left
  // as the server has it.
  EXPECT_EQ(Text(shown, 0), "$ aXZbcdeg");
  EXPECT_TRUE(Underlined(shown, 0, 8));
  EXPECT_FALSE(Underlined(shown, 0, 9)) << "unknown cells in the last column are never flagged";
}

TEST_F(PredictionEngineTest, UnknownCellsUnderlinedOnlyWhenFlagging) {
  UseEngine(DisplayMode::kExperimental);
  MakeHost(10, 3);
  Start(
      "$ \xE3\x81\x82"
      "b\x1b[3G",
      milliseconds(150));  // wide char at column 2
  Type("x");
  Framebuffer shown = Shown();
  EXPECT_EQ(shown.row(0).CellText(2), "x");
  EXPECT_TRUE(Underlined(shown, 0, 3)) << "unknown, flagging, not the last column";
  EXPECT_TRUE(Underlined(shown, 0, 5));
  EXPECT_EQ(shown.row(0).CellText(5), "b");
  EXPECT_FALSE(Underlined(shown, 0, 9));

  engine_.SetSendInterval(milliseconds(40));
  engine_.Cull(host_->fb(), Now());
  ASSERT_FALSE(engine_.flagging());
  shown = Shown();
  EXPECT_FALSE(Underlined(shown, 0, 3));
  EXPECT_FALSE(Underlined(shown, 0, 2));
}

TEST_F(PredictionEngineTest, GlitchTriggerThresholds) {
  Start("$ ", milliseconds(20));
  Type("a");
  Send();
  Advance(milliseconds(249));
  engine_.Cull(host_->fb(), Now());
  EXPECT_EQ(engine_.glitch_trigger(), 0);
  EXPECT_FALSE(engine_.ShouldDisplay());
  Advance(milliseconds(1));
  engine_.Cull(host_->fb(), Now());
  EXPECT_EQ(engine_.glitch_trigger(), 10);
  EXPECT_TRUE(engine_.ShouldDisplay());
  EXPECT_FALSE(engine_.flagging());
  Advance(milliseconds(4749));
  engine_.Cull(host_->fb(), Now());
  EXPECT_EQ(engine_.glitch_trigger(), 10);
  Advance(milliseconds(1));
  engine_.Cull(host_->fb(), Now());
  EXPECT_EQ(engine_.glitch_trigger(), 20);
  EXPECT_TRUE(engine_.flagging()) << "glitch > 10 underlines even on a fast link";

  // A late confirmation repairs nothing.
  HostWrites("a");
  Ack(1);
  EXPECT_EQ(engine_.glitch_trigger(), 20);

  // Quick confirmations lower it by one, at most every 150 ms.
  auto quick_round = [&](char ch) {
    Type(std::string(1, ch));
    uint64_t n = Send();
    Advance(milliseconds(100));
    HostWrites(std::string(1, ch));
    Ack(n);
  };
  quick_round('b');
  EXPECT_EQ(engine_.glitch_trigger(), 19);
  quick_round('c');  // 100 ms after the last repair
  EXPECT_EQ(engine_.glitch_trigger(), 19);
  quick_round('d');  // 200 ms after it
  EXPECT_EQ(engine_.glitch_trigger(), 18);
}

TEST_F(PredictionEngineTest, GlitchRepairsDownToFlaggingOff) {
  Start("$ ", milliseconds(20));
  Type("a");
  Send();
  Advance(milliseconds(5000));
  engine_.Cull(host_->fb(), Now());  // the timer fires while it is pending
  HostWrites("a");
  Ack(1);
  ASSERT_EQ(engine_.glitch_trigger(), 20);
  for (char ch = 'b'; ch < 'b' + 9; ++ch) {
    Type(std::string(1, ch));
    uint64_t n = Send();
    Advance(milliseconds(150));
    HostWrites(std::string(1, ch));
    Ack(n);
  }
  EXPECT_EQ(engine_.glitch_trigger(), 11);
  EXPECT_TRUE(engine_.flagging());
  Type("k");
  uint64_t n = Send();
  Advance(milliseconds(150));
  HostWrites("k");
  Ack(n);
  EXPECT_EQ(engine_.glitch_trigger(), 10);
  EXPECT_FALSE(engine_.flagging());
  EXPECT_TRUE(engine_.ShouldDisplay());
}

TEST_F(PredictionEngineTest, SrttTriggerHysteresis) {
  Start("$ ", milliseconds(31));
  EXPECT_TRUE(engine_.srtt_trigger());
  engine_.SetSendInterval(milliseconds(21));
  engine_.Cull(host_->fb(), Now());
  EXPECT_TRUE(engine_.srtt_trigger());
  Type("a");
  engine_.SetSendInterval(milliseconds(20));
  engine_.Cull(host_->fb(), Now());
  EXPECT_TRUE(engine_.srtt_trigger()) << "stays on while predictions are outstanding";
  uint64_t n = Send();
  HostWrites("a");
  Ack(n);
  EXPECT_FALSE(engine_.srtt_trigger());
}

TEST_F(PredictionEngineTest, FlaggingHysteresis) {
  Start("$ ", milliseconds(81));
  EXPECT_TRUE(engine_.flagging());
  engine_.SetSendInterval(milliseconds(51));
  engine_.Cull(host_->fb(), Now());
  EXPECT_TRUE(engine_.flagging());
  engine_.SetSendInterval(milliseconds(50));
  engine_.Cull(host_->fb(), Now());
  EXPECT_FALSE(engine_.flagging());
  engine_.SetSendInterval(milliseconds(80));
  engine_.Cull(host_->fb(), Now());
  EXPECT_FALSE(engine_.flagging());
}

TEST_F(PredictionEngineTest, WakesEvery50msWhileATriggerIsUnset) {
  Start("$ ", milliseconds(20));
  EXPECT_EQ(engine_.NextWakeup(Now()), kNever) << "nothing outstanding";
  Type("a");
  EXPECT_EQ(engine_.NextWakeup(Now()), Now() + milliseconds(50));
  engine_.SetSendInterval(milliseconds(150));
  engine_.Cull(host_->fb(), Now());
  EXPECT_EQ(engine_.NextWakeup(Now()), kNever) << "display and underline both on already";
}

TEST_F(PredictionEngineTest, ResizeResetsEverything) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("l", "l");
  Type("s");
  engine_.OnResize();
  EXPECT_FALSE(engine_.HasOutstanding());
  EXPECT_EQ(engine_.stats().resets, 1u);
  uint64_t n = Send();
  HostWrites("s");
  Ack(n);

  Type("t");
  ASSERT_TRUE(engine_.HasOutstanding());
  ASSERT_TRUE(host_->Resize(30, 5));
  engine_.Cull(host_->fb(), Now());
  EXPECT_FALSE(engine_.HasOutstanding()) << "a remote size change resets too";
  EXPECT_EQ(engine_.stats().resets, 2u);
}

TEST_F(PredictionEngineTest, ApplyToOtherSizeDrawsNothing) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("l", "l");
  Type("s");
  Framebuffer other(10, 2);
  engine_.Apply(&other);
  EXPECT_EQ(Text(other, 0), "");
}

TEST_F(PredictionEngineTest, ApplyTouchesOnlyChangedRows) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("l", "l");
  Type("s");
  const Framebuffer& server = host_->fb();
  Framebuffer shown = server;
  engine_.Apply(&shown);
  EXPECT_NE(shown.row_ptr(0), server.row_ptr(0));
  for (int r = 1; r < server.height(); ++r) {
    EXPECT_EQ(shown.row_ptr(r), server.row_ptr(r)) << "row " << r;
  }
  EXPECT_EQ(Text(server, 0), "$ l");
}

TEST_F(PredictionEngineTest, ApplyWithNothingToDrawSharesEveryRow) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("l", "l");
  Type(" ");  // blank over blank: nothing visible but the cursor
  const Framebuffer& server = host_->fb();
  Framebuffer shown = server;
  engine_.Apply(&shown);
  for (int r = 0; r < server.height(); ++r) EXPECT_EQ(shown.row_ptr(r), server.row_ptr(r));
  EXPECT_EQ(Cursor(shown), std::make_pair(0, 4));
}

TEST_F(PredictionEngineTest, DecreasingEchoAckIsIgnored) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("l", "l");
  Type("s");
  uint64_t n = Send();
  HostWrites("s");
  engine_.SetEchoAck(n);
  engine_.SetEchoAck(n - 1);  // a broken peer goes backwards
  engine_.Cull(host_->fb(), Now());
  EXPECT_FALSE(engine_.HasOutstanding()) << "judged against the highest echo_ack seen";
  EXPECT_EQ(engine_.stats().confirmed_correct, 2u);
}

TEST_F(PredictionEngineTest, AlreadyPresentCharacterEarnsNoCredit) {
  UseEngine(DisplayMode::kAdaptive, /*overwrite=*/true);
  Start("$ ", milliseconds(150));
  // The screen already shows "x" where the next character will land.
  HostWrites("x\b");
  Type("x");
  uint64_t n = Send();
  HostWrites("x");
  Ack(n);
  EXPECT_EQ(engine_.confirmed_epoch(), 0u) << "a no-credit match confirms nothing";
  EXPECT_EQ(engine_.stats().resets, 0u);
}

TEST_F(PredictionEngineTest, NbspAndSpaceMatchBlank) {
  Start("$ ", milliseconds(150));
  TypeEchoAck("l", "l");
  Type("\xC2\xA0");  // NBSP predicted; the host echoes nothing visible
  uint64_t n = Send();
  HostWrites("\x1b[C");
  Ack(n);
  EXPECT_EQ(engine_.stats().resets, 0u);
  EXPECT_EQ(engine_.stats().judged_wrong, 0u);
}

// A user who keeps typing faster than one round trip after a wrong guess
// (here: the keys typed right after Enter) gets predictions again about one round trip
// after the input outstanding at the reset is answered, and no guess drawn
// ever differs from what the host finally shows. Keys every 120 ms over a
// 300 ms round trip; the server answers each state with its screen.
TEST_F(PredictionEngineTest, ContinuousTypingAfterAResetIsPredictedAgain) {
  MakeHost(60, 6);
  const Millis kTick(10);
  const Millis kKeyEvery(120);
  const Millis kOneWay(150);
  const std::string keys = "ls\recho quick brown fox jumps over";
  const size_t kLineStart = 3;  // keys[3] is the first key of the new line
  const std::vector<std::string> final_rows = {"$ ls", "file", "$ echo quick brown fox jumps over"};
  Start("$ ", milliseconds(150));

  struct ToServer {
    TimePoint at;
    uint64_t frame;
    char key;
  };
  struct ToClient {
    TimePoint at;
    uint64_t echo_ack;
    Framebuffer fb;
  };
  std::deque<ToServer> to_server;
  std::deque<ToClient> to_client;
  Framebuffer client_fb = host_->fb();
  std::vector<bool> early(keys.size(), false);
  const TimePoint start = Now();
  size_t next_key = 0;
  int misplaced = 0;
  int drawn = 0;
  for (int step = 0; step < 2000; ++step) {
    if (next_key == keys.size() && to_server.empty() && to_client.empty()) break;
    if (next_key < keys.size() && Now() >= start + kKeyEvery * static_cast<int>(next_key)) {
      engine_.NewUserBytes(keys.substr(next_key, 1), client_fb, Now());
      to_server.push_back(ToServer{Now() + kOneWay, Send(), keys[next_key]});
      ++next_key;
    }
    while (!to_server.empty() && to_server.front().at <= Now()) {
      const ToServer& in = to_server.front();
      HostWrites(in.key == '\r' ? std::string("\r\nfile\r\n$ ") : std::string(1, in.key));
      to_client.push_back(ToClient{Now() + kOneWay, in.frame, host_->fb()});
      to_server.pop_front();
    }
    while (!to_client.empty() && to_client.front().at <= Now()) {
      client_fb = to_client.front().fb;
      engine_.SetLocalFrameAcked(to_client.front().echo_ack);
      engine_.SetEchoAck(to_client.front().echo_ack);
      to_client.pop_front();
    }
    engine_.Cull(client_fb, Now());

    Framebuffer shown = client_fb;
    engine_.Apply(&shown);
    for (int row = 0; row < shown.height(); ++row) {
      const std::string want = row < static_cast<int>(final_rows.size())
                                   ? final_rows[static_cast<size_t>(row)]
                                   : std::string();
      for (int col = 0; col < shown.width(); ++col) {
        std::string have = shown.row(row).CellText(col);
        std::string server = client_fb.row(row).CellText(col);
        if (have.empty()) have = " ";
        if (server.empty()) server = " ";
        if (have == server) continue;
        ++drawn;
        const std::string expect =
            col < static_cast<int>(want.size()) ? want.substr(static_cast<size_t>(col), 1) : " ";
        if (have != expect) {
          ++misplaced;
          ADD_FAILURE() << "drawn '" << have << "' at " << row << "," << col << " where the host"
                        << " finally shows '" << expect << "'";
        }
      }
    }
    for (size_t i = kLineStart; i < next_key; ++i) {
      const int col = 2 + static_cast<int>(i - kLineStart);
      const std::string key(1, keys[i]);
      if (shown.row(2).CellText(col) == key && client_fb.row(2).CellText(col) != key) {
        early[i] = true;
      }
    }
    Advance(kTick);
  }
  ASSERT_EQ(next_key, keys.size());
  EXPECT_EQ(Text(host_->fb(), 2), final_rows[2]);
  EXPECT_EQ(misplaced, 0);
  EXPECT_GE(engine_.stats().epochs_killed, 1u) << "the guesses after Enter were wrong";

  // The guess for 'e' (typed at 360 ms, right after Enter) is judged wrong
  // at 660 ms: the host put "file" there. That kills its epoch while the
  // 'h' typed at 600 ms is unanswered, so the engine is blind until 900 ms.
  // The keys typed meanwhile are guessed then, from the right cursor, and
  // confirmed by the next answer (1020 ms). Every visible key typed from
  // 840 ms on (one round trip after the kill) is drawn before its echo.
  int early_count = 0;
  int late_count = 0;
  std::string late_keys;
  for (size_t i = kLineStart; i < keys.size(); ++i) {
    if (keys[i] == ' ') continue;  // a space over a blank cannot be seen early
    if (early[i]) {
      ++early_count;
    } else if (kKeyEvery * static_cast<int>(i) >= Millis(840)) {
      ++late_count;
      late_keys += std::to_string(i) + " ";
    }
  }
  EXPECT_GT(drawn, 0);
  EXPECT_EQ(late_count, 0) << "keys not drawn before their echo: " << late_keys;
  EXPECT_GE(early_count, 22);
  EXPECT_GT(engine_.stats().blind_bytes, 0u);
  EXPECT_EQ(engine_.stats().shown_wrong, 0u);
}

// ---------------------------------------------------------------------------
// Echo hints (docs/protocol.md §8.4) and remembered contexts.

TEST_F(PredictionEngineTest, CanonicalEchoShowsTheFirstKeyAfterEnterAtOnce) {
  Start("$ ", milliseconds(150));
  CanonicalEcho();
  EXPECT_TRUE(DrawnAtOnce("l")) << "the kernel echoes every key: no confirmation needed";
  uint64_t n = Send();
  HostWrites("l");
  Ack(n);
  TypeSlowly("s");
  EnterAndAnswer("\r\nfile\r\n$ ");
  EXPECT_TRUE(DrawnAtOnce("e"));
  EXPECT_EQ(Text(Shown(), 2), "$ e");
  EXPECT_EQ(engine_.stats().hint_confirmed_epochs, 2u);
  n = Send();
  HostWrites("e");
  Ack(n);
  EXPECT_EQ(engine_.stats().shown_wrong, 0u);
  EXPECT_EQ(engine_.stats().shown_before_echo, engine_.stats().echoes_seen);
}

TEST_F(PredictionEngineTest, CanonicalEchoStillWaitsWhileEarlierInputIsUnanswered) {
  // Typed right after Enter, before the answer: the program may yet turn
  // echo off (a password prompt), so the key waits, as in Mosh.
  Start("$ ", milliseconds(150));
  CanonicalEcho();
  TypeSlowly("ls");
  Type("\r");
  Send();
  EXPECT_FALSE(DrawnAtOnce("e"));
  EXPECT_EQ(engine_.stats().hint_confirmed_epochs, 1u) << "only the first key of the session";
}

TEST_F(PredictionEngineTest, CanonicalWithoutEchoGuessesNothingEvenInExperimentalMode) {
  for (DisplayMode mode :
       {DisplayMode::kAdaptive, DisplayMode::kAlways, DisplayMode::kExperimental}) {
    UseEngine(mode);
    MakeHost(20, 5);
    Start("Token: ", milliseconds(150));
    CanonicalNoEcho();
    Type("ab\x7f");
    EXPECT_FALSE(engine_.HasOutstanding()) << "no guess, not even a tentative one";
    uint64_t n = Send();
    Ack(n);
    Type("c");
    EXPECT_EQ(Text(Shown(), 0), "Token:");
    EXPECT_EQ(Cursor(Shown()), std::make_pair(0, 7));
    EXPECT_EQ(engine_.stats().keystrokes_predicted, 0u);
    EXPECT_EQ(engine_.stats().silent_keys, 3u);
  }
}

TEST_F(PredictionEngineTest, PromptIdenticalInTextButWithEchoOffIsNotDrawn) {
  // A program asks twice with the same prompt: once echoing, once not.
  Start("> ", milliseconds(150));
  CanonicalEcho();
  TypeSlowly("name");
  EnterAndAnswer("\r\n> ");
  CanonicalNoEcho();
  EXPECT_FALSE(DrawnAtOnce("s"));
  Type("ecret");
  Send();
  for (int row = 0; row < 5; ++row) EXPECT_EQ(Text(Shown(), row), Text(host_->fb(), row));
}

TEST_F(PredictionEngineTest, EchoTurnedOffAfterConfirmedTypingStopsTheDrawing) {
  // A line is being typed and drawn; then the server says echo is off.
  Start("$ ", milliseconds(150));
  CanonicalEcho();
  TypeSlowly("ab");
  CanonicalNoEcho();
  EXPECT_FALSE(DrawnAtOnce("c"));
}

TEST_F(PredictionEngineTest, CanonicalModeEchoesOverTheCellsInsteadOfInserting) {
  // A form: the program drew the field and put the cursor into it.
  Start("Name: [   ]\x1b[1;8H", milliseconds(150));
  CanonicalEcho();
  EXPECT_TRUE(DrawnAtOnce("a"));
  EXPECT_EQ(Text(Shown(), 0), "Name: [a  ]") << "the bracket stays where it is";
}

TEST_F(PredictionEngineTest, ArrowsAreNotPredictedInCanonicalMode) {
  Start("$ ", milliseconds(150));
  CanonicalEcho();
  TypeSlowly("abc");
  Type("\x1b[D");
  EXPECT_EQ(Cursor(Shown()), std::make_pair(0, 5)) << "the kernel prints ^[[D; the cursor stays";
}

TEST_F(PredictionEngineTest, RawModeRemembersAConfirmedPrompt) {
  Start("1 bench$ ", milliseconds(150));
  Raw();
  EXPECT_FALSE(DrawnAtOnce("e")) << "never seen: Mosh's confirmation";
  uint64_t n = Send();
  HostWrites("e");
  Ack(n);
  TypeSlowly("cho");
  EnterAndAnswer("\r\n\r\n2 bench$ ");
  EXPECT_TRUE(DrawnAtOnce("l")) << "the same prompt (its counter aside), the same program";
  EXPECT_EQ(engine_.stats().remembered_epochs, 1u);
  n = Send();
  HostWrites("l");
  Ack(n);
  TypeSlowly("s");
  // Many commands later the counter has two digits: still the same prompt.
  EnterAndAnswer("\r\n\r\n10 bench$ ");
  EXPECT_TRUE(DrawnAtOnce("p"));
  EXPECT_EQ(engine_.stats().shown_wrong, 0u);
}

// Raw mode, where the prompt "1 bench$ " of program 100 was confirmed.
class RememberedPromptTest : public PredictionEngineTest {
 protected:
  void SetUp() override {
    Start("1 bench$ ", milliseconds(150));
    Raw(100);
    TypeSlowly("ls");
    ASSERT_EQ(engine_.stats().remembered_epochs, 0u);
  }
};

TEST_F(RememberedPromptTest, PromptThatChangesToPasswordIsNotDrawn) {
  EnterAndAnswer("\r\nPassword: ");
  EXPECT_FALSE(DrawnAtOnce("h"));
  Type("unter2");
  Send();
  EXPECT_EQ(Text(Shown(), 1), "Password:");
  EXPECT_FALSE(engine_.HasOutstanding()) << "not even guessed";
}

TEST_F(RememberedPromptTest, SamePromptWithEchoOffIsNotDrawn) {
  EnterAndAnswer("\r\n2 bench$ ");
  CanonicalNoEcho();
  EXPECT_FALSE(DrawnAtOnce("x"));
}

TEST_F(RememberedPromptTest, SamePromptInRawModeWithTheKernelEchoIsAnotherContext) {
  EnterAndAnswer("\r\n2 bench$ ");
  Modes(true, false, 100);
  EXPECT_FALSE(DrawnAtOnce("x"));
}

TEST_F(RememberedPromptTest, SamePromptOfAnotherProgramIsNotDrawn) {
  EnterAndAnswer("\r\n2 bench$ ");
  Raw(200);
  EXPECT_FALSE(DrawnAtOnce("x"));
}

TEST_F(RememberedPromptTest, SamePromptOverAnotherBottomRowIsNotDrawn) {
  // An editor's status line says which mode it is in.
  EnterAndAnswer("\r\n2 bench$ \x1b[5;1H-- INSERT --\x1b[2;10H");
  EXPECT_FALSE(DrawnAtOnce("x"));
}

TEST_F(RememberedPromptTest, SamePromptAfterAnArrowInsteadOfALineEndIsNotDrawn) {
  // Only a line end starts a line of input. (An editor's Esc to normal
  // mode never gets here: a key after a lone Esc reads as Alt-key and is
  // never guessed.)
  EnterAndAnswer("\r\n2 bench$ ");
  Type("\x1b[A");  // no history: the shell rings the bell
  uint64_t n = Send();
  HostWrites("\a");
  Ack(n);
  EXPECT_FALSE(DrawnAtOnce("j"));
}

TEST_F(RememberedPromptTest, KeyAfterALoneEscIsNeverGuessed) {
  EnterAndAnswer("\r\n2 bench$ ");
  Type("\x1b");
  uint64_t n = Send();
  Ack(n);
  EXPECT_FALSE(DrawnAtOnce("j"));
  EXPECT_EQ(engine_.stats().keystrokes_predicted, 2u) << "only the 'l' and 's' of the setup";
}

TEST_F(RememberedPromptTest, OnlyTheFirstKeyOfALineAsks) {
  // After Enter, a key that was not echoed (a command in a pager), then
  // another at the same place: not the first key after the line end.
  EnterAndAnswer("\r\n2 bench$ ");
  Type("\x7f");  // the shell rings the bell at the prompt
  uint64_t n = Send();
  HostWrites("\a");
  Ack(n);
  EXPECT_FALSE(DrawnAtOnce("x"));
}

TEST_F(RememberedPromptTest, BlankTextLeftOfTheCursorIsNoContext) {
  // An editor after Enter, at the start of an empty line: no prompt to know
  // it by (normal mode looks the same).
  EnterAndAnswer("\r\n");
  TypeSlowly("a");
  EnterAndAnswer("\r\n");
  EXPECT_FALSE(DrawnAtOnce("b"));
}

TEST_F(RememberedPromptTest, ContextThatWasWrongOnceIsNeverTrustedAgain) {
  EnterAndAnswer("\r\n2 bench$ ");
  ASSERT_TRUE(DrawnAtOnce("q"));
  uint64_t n = Send();
  HostWrites("\a");  // this time the program did not echo
  Ack(n);
  EXPECT_EQ(engine_.stats().shown_wrong, 1u) << "removed after one round trip";
  EXPECT_EQ(Text(Shown(), 1), "2 bench$");
  EnterAndAnswer("\r\n3 bench$ ");
  EXPECT_FALSE(DrawnAtOnce("l"));
  n = Send();
  HostWrites("l");
  Ack(n);
  EnterAndAnswer("\r\n4 bench$ ");
  EXPECT_FALSE(DrawnAtOnce("l")) << "confirmed once more, but refuted for good";
}

TEST_F(RememberedPromptTest, WithoutHintsNothingIsRemembered) {
  engine_.SetTtyHint(std::nullopt);  // a stock server
  EnterAndAnswer("\r\n2 bench$ ");
  EXPECT_FALSE(DrawnAtOnce("l"));
}

TEST_F(PredictionEngineTest, PasswordPromptsAreNeverGuessedEvenWithoutAHint) {
  // A stock server sends no hint; a script may print its prompt before it
  // turns echo off. The prompt's words are enough.
  for (std::string_view prompt :
       {"Password: ", "[sudo] password for ann: ", "Enter passphrase for key 'id': ",
        "Enter PIN for 'token': ", "Passcode or option (1-3): ", "Passwort: "}) {
    UseEngine(DisplayMode::kExperimental);  // would draw anything it guessed
    MakeHost(60, 5);
    Start(prompt, milliseconds(150));
    Type("x");
    EXPECT_FALSE(engine_.HasOutstanding()) << prompt;
  }
}

TEST_F(PredictionEngineTest, WordsTypedOnTheCommandLineAreNotAPrompt) {
  MakeHost(40, 5);
  Start("$ ", milliseconds(150));
  CanonicalEcho();
  TypeSlowly("echo password spin");
  EXPECT_TRUE(DrawnAtOnce("x")) << "the text left of the typed line is only '$ '";
  MakeHost(40, 5);
  UseEngine(DisplayMode::kAdaptive);
  Start("$ spinning pins", milliseconds(150));
  Type("x");
  EXPECT_TRUE(engine_.HasOutstanding()) << "'pin' only as a word of its own";
}

TEST_F(PredictionEngineTest, WithoutAHintTheFirstKeyAfterEnterWaitsAsInMosh) {
  Start("$ ", milliseconds(150));
  TypeSlowly("ls");
  EnterAndAnswer("\r\nfile\r\n$ ");
  EXPECT_FALSE(DrawnAtOnce("e"));
  EXPECT_EQ(engine_.stats().hint_confirmed_epochs + engine_.stats().remembered_epochs, 0u);
}

}  // namespace
}  // namespace roam::predict
