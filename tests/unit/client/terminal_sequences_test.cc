#include "client/terminal_sequences.h"

#include <gtest/gtest.h>

#include "term/display.h"
#include "term/emulator.h"

namespace roam::client {
namespace {

TEST(TerminalSequencesTest, Xterm256ColorFromTerminfo) {
  Result<TerminalCapabilities> caps = LoadTerminalCapabilities("xterm-256color");
  ASSERT_TRUE(caps.ok()) << caps.status().ToString();
  EXPECT_EQ(caps->smcup, "\x1b[?1049h\x1b[22;0;0t");
  EXPECT_EQ(caps->rmcup, "\x1b[?1049l\x1b[23;0;0t");
  EXPECT_TRUE(caps->has_ech);
  EXPECT_TRUE(caps->has_bce);
  EXPECT_EQ(caps->colors, 256);

  EXPECT_EQ(InitSequence(*caps, false), "\x1b[?1049h\x1b[22;0;0t\x1b[?1h");
  EXPECT_EQ(InitSequence(*caps, true), "\x1b[?1h");
  EXPECT_EQ(ExitSequence(*caps, false),
            "\x1b[?1l\x1b[0m\x1b[?25h\x1b[?1003l\x1b[?1002l\x1b[?1001l\x1b[?1000l"
            "\x1b[?1015l\x1b[?1006l\x1b[?1005l\x1b[?1004l\x1b[?2004l\x1b[?5l\x1b[0 q"
            "\x1b]8;;\x1b\\\x1b[?1049l\x1b[23;0;0t");
  EXPECT_EQ(ExitSequence(*caps, true),
            "\x1b[?1l\x1b[0m\x1b[?25h\x1b[?1003l\x1b[?1002l\x1b[?1001l\x1b[?1000l"
            "\x1b[?1015l\x1b[?1006l\x1b[?1005l\x1b[?1004l\x1b[?2004l\x1b[?5l\x1b[0 q"
            "\x1b]8;;\x1b\\");
}

// Whatever the remote application turned on and the client's display
// passed to the user's terminal, the exit (and suspend) sequence turns off
// again. roam's own emulator plays the user's terminal.
TEST(TerminalSequencesTest, ExitSequenceResetsEveryModeTheDisplayMaySet) {
  term::Emulator remote(20, 4);
  remote.Write(
      "\x1b[?2004h\x1b[?1004h\x1b[?5h\x1b[5 q\x1b[?1002h\x1b[?1006h\x1b[?25l"
      "\x1b[1;4;7;31;42m\x1b]8;;http://example.com/\x1b\\linked");
  const term::Display display(term::DisplayCapabilities::Client(true, true, true, ""));
  TerminalCapabilities caps;  // no smcup/rmcup: the modes are what is checked
  const std::string session =
      InitSequence(caps, false) + display.NewFrame(false, term::Framebuffer(20, 4), remote.fb());
  {
    term::Emulator user_terminal(20, 4);
    user_terminal.Write(session);
    const term::DrawState& on = user_terminal.fb().ds();
    ASSERT_TRUE(on.bracketed_paste && on.mouse_focus_events && on.reverse_video);
    ASSERT_EQ(on.cursor_shape, term::kCursorBlinkingBar);
    ASSERT_FALSE(on.cursor_visible);
    ASSERT_TRUE(on.application_cursor_keys);
  }
  for (bool no_term_init : {false, true}) {
    term::Emulator after(20, 4);
    after.Write(session);
    after.Write(ExitSequence(caps, no_term_init));
    const term::DrawState& d = after.fb().ds();
    EXPECT_FALSE(d.bracketed_paste);
    EXPECT_FALSE(d.mouse_focus_events);
    EXPECT_FALSE(d.reverse_video);
    EXPECT_EQ(d.cursor_shape, term::kCursorDefault);
    EXPECT_EQ(d.mouse_reporting, term::kMouseNone);
    EXPECT_EQ(d.mouse_encoding, term::kMouseEncodingDefault);
    EXPECT_TRUE(d.cursor_visible);
    EXPECT_FALSE(d.application_cursor_keys);
    EXPECT_TRUE(d.rend.IsDefault()) << "pen or link left on";
  }
}

TEST(TerminalSequencesTest, DumbTerminal) {
  Result<TerminalCapabilities> caps = LoadTerminalCapabilities("dumb");
  ASSERT_TRUE(caps.ok());
  EXPECT_EQ(caps->smcup, "");
  EXPECT_EQ(caps->rmcup, "");
  EXPECT_FALSE(caps->has_ech);
  EXPECT_FALSE(caps->has_bce);
  EXPECT_EQ(caps->colors, 0);
  EXPECT_EQ(InitSequence(*caps, false), "\x1b[?1h");
  EXPECT_FALSE(TermSupportsTitle("dumb"));
}

TEST(TerminalSequencesTest, PlainXtermHasEightColors) {
  Result<TerminalCapabilities> caps = LoadTerminalCapabilities("xterm");
  ASSERT_TRUE(caps.ok());
  EXPECT_EQ(caps->colors, 8);
}

TEST(TerminalSequencesTest, UnknownTerm) {
  Result<TerminalCapabilities> caps = LoadTerminalCapabilities("no-such-terminal-xyz");
  ASSERT_FALSE(caps.ok());
  EXPECT_NE(caps.status().message().find("no-such-terminal-xyz"), std::string::npos);
  // A later lookup still works.
  EXPECT_TRUE(LoadTerminalCapabilities("xterm-256color").ok());
}

TEST(TerminalSequencesTest, TitleSupportByPrefix) {
  for (const char* term : {"xterm", "xterm-256color", "rxvt-unicode", "kterm", "Eterm", "alacritty",
                           "screen.xterm-256color", "tmux-256color"}) {
    EXPECT_TRUE(TermSupportsTitle(term)) << term;
  }
  for (const char* term : {"", "dumb", "linux", "vt100", "eterm-color", "XTERM", "st-256color"}) {
    EXPECT_FALSE(TermSupportsTitle(term)) << term;
  }
}

TEST(TerminalSequencesTest, TitlePrefixRule) {
  EXPECT_EQ(TitlePrefix(std::nullopt), "[roam] ");
  EXPECT_EQ(TitlePrefix(""), "");
  EXPECT_EQ(TitlePrefix("1"), "");
  EXPECT_EQ(TitleSequence("[roam] ", "vim"), "\x1b]0;[roam] vim\a");
}

TEST(TerminalSequencesTest, SuspendAndExitTexts) {
  EXPECT_EQ(SuspendText("roam"), "\n\x1b[37;44m[roam is suspended.]\x1b[m\n");
  EXPECT_EQ(SuspendText("mosh"), "\n\x1b[37;44m[mosh is suspended.]\x1b[m\n");
  EXPECT_EQ(ExitingText("roam"), "[roam is exiting.]\n");
}

}  // namespace
}  // namespace roam::client
