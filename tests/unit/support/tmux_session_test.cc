#include "support/tmux_session.h"

#include <gtest/gtest.h>

#include "support/subprocess.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;

TEST(TmuxSessionTest, TypesAndCaptures) {
  ASSERT_TRUE(HaveProgram("tmux")) << "tmux is required (scripts/install-deps.sh installs it)";
  TmuxSession t("exec /bin/sh", 60, 10, {"PS1=$ "});
  ASSERT_TRUE(t.started());
  t.Type("echo roam-$((6*7))");
  t.Keys({"Enter"});
  EXPECT_TRUE(t.WaitForText("roam-42", milliseconds(10000))) << t.CaptureText();
  t.Resize(70, 12);
  EXPECT_TRUE(t.WaitForScreen([&](const std::string&) { return t.Capture().size() == 12u; },
                              milliseconds(5000)));
  t.Type("exit");
  t.Keys({"Enter"});
  EXPECT_TRUE(PollUntil([&] { return !t.PaneAlive(); }, milliseconds(10000)));
}

}  // namespace
}  // namespace roam::testing
