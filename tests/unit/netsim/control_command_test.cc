// Control channel: command lines parse into commands, bad lines are errors,
// and the line splitter copes with partial and runaway input.

#include "netsim/control_command.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace roam::netsim {
namespace {

ControlCommand Parse(std::string_view line) {
  Result<std::optional<ControlCommand>> r = ParseControlCommand(line);
  EXPECT_TRUE(r.ok()) << line << ": " << r.status().ToString();
  EXPECT_TRUE(r.ok() && r->has_value()) << line;
  return r.ok() && r->has_value() ? **r : ControlCommand{};
}

TEST(ControlCommandTest, RebindWithAndWithoutAnAddress) {
  ControlCommand c = Parse("rebind");
  EXPECT_EQ(c.kind, ControlCommand::Kind::kRebind);
  EXPECT_EQ(c.arg, "");
  c = Parse("  rebind 127.0.0.2\r");
  EXPECT_EQ(c.kind, ControlCommand::Kind::kRebind);
  EXPECT_EQ(c.arg, "127.0.0.2");
}

TEST(ControlCommandTest, OutageTakesFractionalSeconds) {
  const ControlCommand c = Parse("outage 2.5");
  EXPECT_EQ(c.kind, ControlCommand::Kind::kOutage);
  EXPECT_EQ(c.duration, std::chrono::milliseconds(2500));
}

TEST(ControlCommandTest, ProfileNamesAProfile) {
  const ControlCommand c = Parse("profile lossy");
  EXPECT_EQ(c.kind, ControlCommand::Kind::kProfile);
  EXPECT_EQ(c.arg, "lossy");
}

TEST(ControlCommandTest, MoveWithAndWithoutAnAddress) {
  ControlCommand c = Parse("move");
  EXPECT_EQ(c.kind, ControlCommand::Kind::kMove);
  EXPECT_EQ(c.arg, "");
  c = Parse("move 198.18.1.7");
  EXPECT_EQ(c.kind, ControlCommand::Kind::kMove);
  EXPECT_EQ(c.arg, "198.18.1.7");
}

TEST(ControlCommandTest, BlankAndCommentLinesAreIgnored) {
  for (std::string_view line : {"", "   ", "# a comment", "\t"}) {
    Result<std::optional<ControlCommand>> r = ParseControlCommand(line);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->has_value());
  }
}

TEST(ControlCommandTest, BadLinesAreErrors) {
  for (std::string_view line : {"reboot", "outage", "outage -1", "outage 0", "outage 1e9",
                                "outage 3s", "profile", "profile a b", "rebind a b", "move a b"}) {
    Result<std::optional<ControlCommand>> r = ParseControlCommand(line);
    ASSERT_FALSE(r.ok()) << line;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(ControlLineSplitterTest, JoinsPartialWrites) {
  ControlLineSplitter s;
  EXPECT_TRUE(s.Append("reb").empty());
  EXPECT_EQ(s.Append("ind\noutage 1\nprof"), (std::vector<std::string>{"rebind", "outage 1"}));
  EXPECT_EQ(s.Append("ile lan\n"), (std::vector<std::string>{"profile lan"}));
}

TEST(ControlLineSplitterTest, DropsOverlongLinesWhole) {
  ControlLineSplitter s;
  const std::string junk(ControlLineSplitter::kMaxLineBytes + 10, 'z');
  EXPECT_TRUE(s.Append(junk).empty());
  EXPECT_EQ(s.Append("zzz\nrebind\n"), (std::vector<std::string>{"rebind"}));
  EXPECT_EQ(s.overlong_lines(), 1u);
}

}  // namespace
}  // namespace roam::netsim
