// Fidelity of roam's emulator against tmux on real programs.
//
// Each program (vim, less, htop/top, man under less, bash with readline
// editing, an alternate-screen script, `ls -l --color`, `man` through cat)
// runs once under a pty at 80x24 and
// at 132x43 with a scripted input; its output is recorded and cut at the
// moments worth looking at. The very same bytes are then replayed into a
// tmux pane of the same size (`cat`, raw mode) and into roam's emulator,
// and after every segment tmux's `capture-pane -p` text and cursor must
// equal roam's screen. Because both sides see identical bytes, screens
// that change by themselves (htop's meters and clock) need no masking.
// Known differences would go to DIFFERENCES.md; there are none so far.

#include <gtest/gtest.h>

#include <string>

#include "oracle/common/grid_compare.h"
#include "oracle/common/recordings.h"
#include "oracle/common/roam_model.h"
#include "oracle/common/tmux_replay.h"

namespace roam::oracle {
namespace {

struct Case {
  const char* name;
  Recording (*record)(int cols, int rows);
  int cols;
  int rows;
};

class TmuxFidelityTest : public ::testing::TestWithParam<Case> {};

TEST_P(TmuxFidelityTest, RoamShowsWhatTmuxShows) {
  const Case& c = GetParam();
  Recording rec = c.record(c.cols, c.rows);
  ASSERT_TRUE(rec.ok) << c.name << ": " << rec.error;
  ASSERT_FALSE(rec.segments.empty());
  TmuxReplayResult tmux = ReplayInTmux(rec.segments, c.cols, c.rows);
  ASSERT_TRUE(tmux.ok) << tmux.error;
  ASSERT_EQ(tmux.screens.size(), rec.segments.size());
  auto roam_term = MakeRoamModel(c.cols, c.rows);
  for (size_t i = 0; i < rec.segments.size(); ++i) {
    roam_term->Write(rec.segments[i]);
    roam_term->TakeReplies();
    std::string report =
        CompareText(ToTextScreen(roam_term->Grid()), "roam", tmux.screens[i], "tmux", true);
    EXPECT_EQ(report, "") << c.name << " " << c.cols << "x" << c.rows << ", segment " << i << " ("
                          << rec.labels[i] << "), last bytes: \""
                          << Printable(rec.segments[i].substr(
                                 rec.segments[i].size() > 300 ? rec.segments[i].size() - 300 : 0))
                          << "\"";
    if (!report.empty()) break;
  }
}

std::vector<Case> Cases() {
  std::vector<Case> cases;
  const std::pair<int, int> sizes[] = {{80, 24}, {132, 43}};
  for (auto [cols, rows] : sizes) {
    cases.push_back({"vim", &RecordVim, cols, rows});
    cases.push_back({"less", &RecordLess, cols, rows});
    cases.push_back({"top", &RecordTop, cols, rows});
    cases.push_back({"man", &RecordManLess, cols, rows});
    cases.push_back({"bash", &RecordBash, cols, rows});
    cases.push_back({"altscreen", &RecordAltScreen, cols, rows});
    cases.push_back({"ls", &RecordLsColor, cols, rows});
    cases.push_back({"man_cat", &RecordManCat, cols, rows});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Programs, TmuxFidelityTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           return std::string(param_info.param.name) + "_" +
                                  std::to_string(param_info.param.cols) + "x" +
                                  std::to_string(param_info.param.rows);
                         });

}  // namespace
}  // namespace roam::oracle
