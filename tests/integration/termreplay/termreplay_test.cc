// roam-termreplay: runs the installed tool on small files and checks the
// printed screen, attributes and argument handling.

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

struct Result {
  int status;
  std::string out;
};

// Runs the tool with `args` (stderr discarded) and returns its stdout.
Result RunTool(const std::string& args) {
  std::string cmd = std::string(ROAM_TERMREPLAY) + " " + args + " 2>/dev/null";
  FILE* f = popen(cmd.c_str(), "r");
  Result r{-1, ""};
  if (f == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) r.out.append(buf, n);
  r.status = pclose(f);
  return r;
}

class TermReplayTest : public ::testing::Test {
 protected:
  std::string WriteInput(const std::string& bytes) {
    path_ =
        std::filesystem::temp_directory_path() /
        ("roam_termreplay_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::ofstream(path_, std::ios::binary) << bytes;
    return path_.string();
  }
  void TearDown() override {
    if (!path_.empty()) std::filesystem::remove(path_);
  }
  std::filesystem::path path_;
};

TEST_F(TermReplayTest, PrintsFinalScreen) {
  std::string file = WriteInput("hello\r\n\x1b[1;31mworld\x1b[0m\x1b[3;3Hx   ");
  Result r = RunTool("--cols 10 --rows 4 " + file);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "hello\nworld\n  x\n\n");
}

TEST_F(TermReplayTest, AttrsShowCursorAndRuns) {
  std::string file = WriteInput("ab\x1b[1;31mcd\x1b[0me");
  Result r = RunTool("--cols 6 --rows 1 --attrs " + file);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "abcde\ncursor 0,5\nrow 0 cols 2-3 bold fg=1\n");
}

TEST_F(TermReplayTest, DefaultSizeIs80x24) {
  std::string file = WriteInput(std::string(85, 'x'));
  Result r = RunTool(file);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, std::string(80, 'x') + "\nxxxxx\n" + std::string(22, '\n'));
}

TEST_F(TermReplayTest, BadArgumentsAndMissingFile) {
  EXPECT_NE(RunTool("--cols 0 x").status, 0);
  EXPECT_NE(RunTool("").status, 0);
  EXPECT_NE(RunTool("/nonexistent/roam/termreplay/input").status, 0);
}

}  // namespace
