#include "client/escape_key.h"

#include <gtest/gtest.h>

namespace roam::client {
namespace {

using Kind = EscapeEvent::Kind;
using Events = std::vector<EscapeEvent>;

EscapeEvent Send(std::string bytes) { return {Kind::kSend, std::move(bytes)}; }
EscapeEvent Act(Kind kind) { return {kind, ""}; }

TEST(EscapeKeyConfigTest, Default) {
  EscapeKeyConfig c = EscapeKeyConfig::FromEnv(std::nullopt);
  EXPECT_TRUE(c.enabled);
  EXPECT_EQ(c.key, 0x1E);
  EXPECT_EQ(c.pass_key, '^');
  EXPECT_FALSE(c.needs_newline);
  EXPECT_EQ(c.name, "Ctrl-^");
  EXPECT_EQ(c.HelpText(), "Commands: Ctrl-Z suspends, \".\" quits, \"^\" gives literal Ctrl-^");
  EXPECT_EQ(c.QuitHint(), " [To quit: Ctrl-^ .]");
}

TEST(EscapeKeyConfigTest, EmptyDisables) {
  EscapeKeyConfig c = EscapeKeyConfig::FromEnv("");
  EXPECT_FALSE(c.enabled);
  EXPECT_EQ(c.HelpText(), "");
  EXPECT_EQ(c.QuitHint(), "");
}

TEST(EscapeKeyConfigTest, RefusedKeysGiveDefault) {
  for (char k : {'\x03', '\x04', '\n', '\x0C', '\r'}) {
    EscapeKeyConfig c = EscapeKeyConfig::FromEnv(std::string(1, k));
    EXPECT_EQ(c.key, 0x1E) << int(k);
    EXPECT_TRUE(c.enabled);
  }
  EXPECT_EQ(EscapeKeyConfig::FromEnv("^]").key, 0x1E);    // notation is not accepted
  EXPECT_EQ(EscapeKeyConfig::FromEnv("\x80").key, 0x1E);  // not ASCII
}

TEST(EscapeKeyConfigTest, EveryControlCharacter) {
  for (int k = 1; k < 0x20; ++k) {
    if (k == 0x03 || k == 0x04 || k == 0x0A || k == 0x0C || k == 0x0D) continue;
    EscapeKeyConfig c = EscapeKeyConfig::FromEnv(std::string(1, static_cast<char>(k)));
    EXPECT_EQ(c.key, static_cast<char>(k));
    EXPECT_EQ(c.pass_key, static_cast<char>(k + 0x40));
    EXPECT_FALSE(c.needs_newline);
    EXPECT_EQ(c.name, std::string("Ctrl-") + static_cast<char>(k + 0x40));
    char alt = (k + 0x40 >= 'A' && k + 0x40 <= 'Z') ? static_cast<char>(k + 0x60)
                                                    : static_cast<char>(k + 0x40);
    EXPECT_EQ(c.pass_key_alt, alt) << k;
  }
}

TEST(EscapeKeyConfigTest, ControlBracket) {
  EscapeKeyConfig c = EscapeKeyConfig::FromEnv("\x1D");  // Ctrl-]
  EXPECT_EQ(c.name, "Ctrl-]");
  EXPECT_EQ(c.HelpText(), "Commands: Ctrl-Z suspends, \".\" quits, \"]\" gives literal Ctrl-]");
  EXPECT_EQ(c.QuitHint(), " [To quit: Ctrl-] .]");
}

TEST(EscapeKeyConfigTest, DeleteIsCtrlQuestionMark) {
  EscapeKeyConfig c = EscapeKeyConfig::FromEnv("\x7F");
  EXPECT_EQ(c.pass_key, '?');
  EXPECT_EQ(c.name, "Ctrl-?");
}

TEST(EscapeKeyConfigTest, PrintableKey) {
  EscapeKeyConfig c = EscapeKeyConfig::FromEnv("~");
  EXPECT_EQ(c.key, '~');
  EXPECT_EQ(c.pass_key, '~');
  EXPECT_TRUE(c.needs_newline);
  EXPECT_EQ(c.name, "\"~\"");
  EXPECT_EQ(c.HelpText(), "Commands: Ctrl-Z suspends, \".\" quits, \"~\" gives literal \"~\"");
  EXPECT_EQ(c.QuitHint(), " [To quit: \"~\" .]");
}

TEST(EscapeKeyTest, PlainTypingPassesThrough) {
  EscapeKey k;
  EXPECT_EQ(k.Feed("ls -l\r"), (Events{Send("ls -l\r")}));
  EXPECT_EQ(k.Feed(""), Events{});
}

TEST(EscapeKeyTest, DotQuits) {
  EscapeKey k;
  EXPECT_EQ(k.Feed("a\x1E"), (Events{Send("a"), Act(Kind::kShowHelp)}));
  EXPECT_TRUE(k.waiting_for_command());
  EXPECT_EQ(k.Feed("."), (Events{Act(Kind::kClearHelp), Act(Kind::kQuit)}));
  EXPECT_FALSE(k.waiting_for_command());
}

TEST(EscapeKeyTest, CtrlZSuspendsAndTypingContinues) {
  EscapeKey k;
  EXPECT_EQ(k.Feed("\x1E\x1Ax"),
            (Events{Act(Kind::kShowHelp), Act(Kind::kClearHelp), Act(Kind::kSuspend), Send("x")}));
}

TEST(EscapeKeyTest, PassKeySendsOneLiteralEscape) {
  EscapeKey k;
  EXPECT_EQ(k.Feed("\x1E^b"), (Events{Act(Kind::kShowHelp), Act(Kind::kClearHelp),
                                      Send("\x1E"
                                           "b")}));
}

TEST(EscapeKeyTest, OtherByteSendsEscapeAndByte) {
  EscapeKey k;
  EXPECT_EQ(k.Feed("\x1Eq"), (Events{Act(Kind::kShowHelp), Act(Kind::kClearHelp), Send("\x1Eq")}));
  // The escape key twice: the second is an "other" byte.
  EXPECT_EQ(k.Feed("\x1E\x1E"),
            (Events{Act(Kind::kShowHelp), Act(Kind::kClearHelp), Send("\x1E\x1E")}));
}

TEST(EscapeKeyTest, EveryByteAfterEscape) {
  for (int b = 0; b < 256; ++b) {
    EscapeKey k;
    char c = static_cast<char>(b);
    Events got = k.Feed(std::string("\x1E") + c);
    ASSERT_GE(got.size(), 3u);
    EXPECT_EQ(got[0], Act(Kind::kShowHelp));
    EXPECT_EQ(got[1], Act(Kind::kClearHelp));
    if (c == '.') {
      EXPECT_EQ(got[2], Act(Kind::kQuit));
    } else if (c == 0x1A) {
      EXPECT_EQ(got[2], Act(Kind::kSuspend));
    } else if (c == '^') {
      EXPECT_EQ(got[2], Send("\x1E"));
    } else {
      EXPECT_EQ(got[2], Send(std::string("\x1E") + c)) << b;
    }
    EXPECT_EQ(got.size(), 3u);
  }
}

TEST(EscapeKeyTest, LetterPassKeyAcceptsLowercase) {
  EscapeKey k(EscapeKeyConfig::FromEnv("\x01"));  // Ctrl-A, pass key "A" or "a"
  EXPECT_EQ(k.Feed("\x01"
                   "a"),
            (Events{Act(Kind::kShowHelp), Act(Kind::kClearHelp), Send("\x01")}));
  EXPECT_EQ(k.Feed("\x01"
                   "A"),
            (Events{Act(Kind::kShowHelp), Act(Kind::kClearHelp), Send("\x01")}));
  EXPECT_EQ(k.Feed("\x01"
                   "b"),
            (Events{Act(Kind::kShowHelp), Act(Kind::kClearHelp),
                    Send("\x01"
                         "b")}));
  // The default key is now ordinary.
  EXPECT_EQ(k.Feed("\x1E"), (Events{Send("\x1E")}));
}

TEST(EscapeKeyTest, PrintableKeyOnlyAfterNewline) {
  EscapeKey k(EscapeKeyConfig::FromEnv("~"));
  // The very first keystroke is never an escape.
  EXPECT_EQ(k.Feed("~."), (Events{Send("~.")}));
  EXPECT_EQ(k.Feed("a~"), (Events{Send("a~")}));
  EXPECT_EQ(k.Feed("\r~."),
            (Events{Send("\r"), Act(Kind::kShowHelp), Act(Kind::kClearHelp), Act(Kind::kQuit)}));
  EXPECT_EQ(k.Feed("\n~~"),
            (Events{Send("\n"), Act(Kind::kShowHelp), Act(Kind::kClearHelp), Send("~")}));
  // After "~~" the next "~" is not at a line start.
  EXPECT_EQ(k.Feed("~"), (Events{Send("~")}));
}

TEST(EscapeKeyTest, PrintableKeyFollowedByNewlineStaysArmed) {
  EscapeKey k(EscapeKeyConfig::FromEnv("~"));
  EXPECT_EQ(k.Feed("\r~\r~."),
            (Events{Send("\r"), Act(Kind::kShowHelp), Act(Kind::kClearHelp), Send("~\r"),
                    Act(Kind::kShowHelp), Act(Kind::kClearHelp), Act(Kind::kQuit)}));
}

TEST(EscapeKeyTest, DisabledPassesEverything) {
  EscapeKey k(EscapeKeyConfig::FromEnv(""));
  EXPECT_EQ(k.Feed("\x1E.\x1E\x1A"), (Events{Send("\x1E.\x1E\x1A")}));
}

TEST(EscapeKeyTest, EscapeSplitAcrossFeeds) {
  EscapeKey k;
  EXPECT_EQ(k.Feed("\x1E"), (Events{Act(Kind::kShowHelp)}));
  EXPECT_EQ(k.Feed("^"), (Events{Act(Kind::kClearHelp), Send("\x1E")}));
}

}  // namespace
}  // namespace roam::client
