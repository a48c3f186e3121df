#include "support/subprocess.h"

#include <gtest/gtest.h>

namespace roam::testing {
namespace {

using std::chrono::milliseconds;

TEST(SubprocessTest, CapturesOutputAndStatus) {
  CommandResult r = RunCommand({"sh", "-c", "echo out; echo err >&2; exit 3"}, milliseconds(5000));
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.output.find("out"), std::string::npos);
  EXPECT_NE(r.output.find("err"), std::string::npos);
}

TEST(SubprocessTest, StdinRoundTrip) {
  SubprocessOptions o;
  o.pipe_stdin = true;
  Subprocess p({"cat"}, o);
  ASSERT_TRUE(p.WriteStdin("hello\n"));
  EXPECT_TRUE(p.ReadUntil([](const std::string& s) { return s == "hello\n"; }, milliseconds(5000)));
  p.CloseStdin();
  EXPECT_EQ(p.Wait(milliseconds(5000)), 0);
}

TEST(SubprocessTest, TimeoutThenKill) {
  Subprocess p({"sleep", "30"});
  EXPECT_FALSE(p.Wait(milliseconds(100)).has_value());
  p.Kill();
  EXPECT_EQ(p.Wait(milliseconds(100)), 128 + 15);
}

TEST(SubprocessTest, EnvironmentIsPassed) {
  SubprocessOptions o;
  o.env = {"ROAM_TEST_VALUE=42"};
  CommandResult r = RunCommand({"sh", "-c", "echo v=$ROAM_TEST_VALUE"}, milliseconds(5000), o);
  EXPECT_EQ(r.output, "v=42\n");
}

}  // namespace
}  // namespace roam::testing
