#include "client/terminal_sequences.h"

#include <gtest/gtest.h>

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
            "\x1b[?1015l\x1b[?1006l\x1b[?1005l\x1b[?1049l\x1b[23;0;0t");
  EXPECT_EQ(ExitSequence(*caps, true),
            "\x1b[?1l\x1b[0m\x1b[?25h\x1b[?1003l\x1b[?1002l\x1b[?1001l\x1b[?1000l"
            "\x1b[?1015l\x1b[?1006l\x1b[?1005l");
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
