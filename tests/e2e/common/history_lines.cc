// Reading a tmux pane's history (see history_lines.h).

#include "e2e/common/history_lines.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "support/subprocess.h"

namespace roam::testing {

namespace {

// Whether `text` is a decimal number; its value in *n.
bool Number(const std::string& text, long* n) {
  if (text.empty() || text.size() > 9) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  *n = std::stol(text);
  return true;
}

// The first line where `a` and `b` differ, with some context.
std::string FirstDifference(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::ostringstream out;
  out << "roam pane: " << a.size() << " lines, direct pane: " << b.size() << " lines\n";
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    const std::string x = i < a.size() ? a[i] : "<none>";
    const std::string y = i < b.size() ? b[i] : "<none>";
    if (x == y) continue;
    out << "first difference at line " << i << ":\n  roam:   " << x << "\n  direct: " << y << "\n";
    for (size_t j = i > 3 ? i - 3 : 0; j < std::min(i + 4, a.size()); ++j) {
      out << "  roam[" << j << "]: " << a[j] << "\n";
    }
    for (size_t j = i > 3 ? i - 3 : 0; j < std::min(i + 4, b.size()); ++j) {
      out << "  direct[" << j << "]: " << b[j] << "\n";
    }
    break;
  }
  return out.str();
}

}  // namespace

std::vector<std::string> Lines(const std::string& capture) {
  std::vector<std::string> out;
  std::istringstream in(capture);
  std::string line;
  static const std::regex trailing("(\\x1b\\[[0-9;:]*m|\\s)+$");
  while (std::getline(in, line)) out.push_back(std::regex_replace(line, trailing, ""));
  while (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

std::string Plain(const std::string& line) {
  static const std::regex sgr("\\x1b\\[[0-9;:]*m");
  return std::regex_replace(line, sgr, "");
}

::testing::AssertionResult NumbersOnceInOrder(const std::vector<std::string>& lines,
                                              const std::string& command, long last, long* skipped,
                                              long* after_marker) {
  static const std::regex marker_re("^\\[roam: ([0-9,]+) lines not shown\\]$");
  size_t i = 0;
  long expect = 1;
  while (i < lines.size() && Plain(lines[i]).find(command) == std::string::npos) ++i;
  if (i < lines.size()) {
    ++i;
  } else {
    // No command line: then the marker must stand for it.
    i = 0;
    while (i < lines.size() && !std::regex_match(Plain(lines[i]), marker_re)) ++i;
    expect = 0;
  }
  if (i == lines.size()) {
    std::string head;
    for (size_t j = 0; j < std::min<size_t>(lines.size(), 8); ++j) head += "\n  " + lines[j];
    return ::testing::AssertionFailure()
           << "no line with " << command << " and no marker; the first lines:" << head;
  }
  *skipped = 0;
  *after_marker = 0;
  bool seen_marker = false;
  for (; i < lines.size() && expect <= last; ++i) {
    const std::string text = Plain(lines[i]);
    std::smatch m;
    long n = 0;
    if (std::regex_match(text, m, marker_re)) {
      if (seen_marker) return ::testing::AssertionFailure() << "a second marker at line " << i;
      seen_marker = true;
      std::string digits = m[1];
      std::erase(digits, ',');
      *skipped = std::stol(digits);
      expect += *skipped;
      continue;
    }
    if (!Number(text, &n) || n != expect) {
      return ::testing::AssertionFailure()
             << "line " << i << " is \"" << text << "\", expected " << expect;
    }
    if (seen_marker) ++*after_marker;
    ++expect;
  }
  if (expect != last + 1) {
    return ::testing::AssertionFailure() << "the numbers stop before " << expect;
  }
  return ::testing::AssertionSuccess();
}

std::vector<std::string> SessionLines(const std::string& capture) {
  std::vector<std::string> lines = Lines(capture);
  size_t first = 0;
  while (first < lines.size() && Plain(lines[first]).rfind("e2e$", 0) != 0) ++first;
  lines.erase(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(first));
  return lines;
}

::testing::AssertionResult HistoriesMatch(TmuxSession& roam, TmuxSession& direct,
                                          std::chrono::milliseconds timeout) {
  std::vector<std::string> a;
  std::vector<std::string> b;
  const bool same = PollUntil(
      [&] {
        a = SessionLines(roam.CaptureHistory());
        b = SessionLines(direct.CaptureHistory());
        return a == b;
      },
      timeout, std::chrono::milliseconds(250));
  if (same) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << FirstDifference(a, b);
}

bool RunStep(TmuxSession& pane, const std::string& command, int step,
             std::chrono::milliseconds timeout) {
  pane.Type(command + "; echo ok-$((" + std::to_string(step) + "+0))");
  pane.Keys({"Enter"});
  return pane.WaitForText("ok-" + std::to_string(step) + "\ne2e$", timeout);
}

void CompareScrollbackSession(TmuxSession& roam, TmuxSession& direct, const std::string& dir,
                              std::chrono::milliseconds step_timeout) {
  {
    std::ofstream colours(dir + "/colours.txt");
    for (int i = 1; i <= 2000; ++i) {
      colours << "\x1b[3" << i % 8 << (i % 3 == 0 ? ";1" : "") << (i % 5 == 0 ? ";4" : "")
              << "mcoloured line " << i << "\x1b[0m plain tail " << i << "\n";
    }
    std::ofstream known(dir + "/known.txt");
    for (int i = 1; i <= 120; ++i) known << "known line " << i << "\n";
  }
  int step = 0;
  auto both = [&](const std::string& command) {
    ++step;
    for (TmuxSession* p : {&roam, &direct}) {
      ASSERT_TRUE(RunStep(*p, command, step, step_timeout)) << command << "\n" << p->CaptureText();
    }
  };
  auto full_screen = [&](const std::string& command, const std::string& shown,
                         const std::vector<std::string>& quit) {
    for (TmuxSession* p : {&roam, &direct}) {
      p->Type(command);
      p->Keys({"Enter"});
      ASSERT_TRUE(p->WaitForText(shown, step_timeout)) << command << "\n" << p->CaptureText();
      p->Keys(quit);
      ASSERT_TRUE(p->WaitForScreen(
          [&](const std::string& s) { return s.find(shown) == std::string::npos; }, step_timeout))
          << command << "\n"
          << p->CaptureText();
    }
  };

  ASSERT_NO_FATAL_FAILURE(both("seq 1 5000"));
  ASSERT_NO_FATAL_FAILURE(both("cat " + dir + "/colours.txt"));
  ASSERT_NO_FATAL_FAILURE(full_screen("less " + dir + "/known.txt", "known line 3", {"q"}));
  ASSERT_NO_FATAL_FAILURE(both("echo between less and vim"));
  ASSERT_NO_FATAL_FAILURE(full_screen("vim -u NONE -N " + dir + "/known.txt", "known line 3",
                                      {"Escape", ":q!", "Enter"}));
  ASSERT_NO_FATAL_FAILURE(both("seq 1 30"));
  ASSERT_NO_FATAL_FAILURE(full_screen("man ls", "LS(1)", {"q"}));
  ASSERT_NO_FATAL_FAILURE(both("echo after man"));
  {
    ::testing::AssertionResult same = HistoriesMatch(roam, direct, step_timeout);
    ASSERT_TRUE(same) << "after seq, colours, less and vim";
  }
  // The history must really be there (not two empty panes).
  const std::vector<std::string> lines = Lines(roam.CaptureHistory());
  ASSERT_GT(lines.size(), 7000u);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "1"), lines.end());
  EXPECT_NE(std::find(lines.begin(), lines.end(), "5000"), lines.end());

  ASSERT_NO_FATAL_FAILURE(both("clear"));
  ASSERT_NO_FATAL_FAILURE(both("seq 1 40"));
  {
    ::testing::AssertionResult same = HistoriesMatch(roam, direct, step_timeout);
    EXPECT_TRUE(same) << "after clear";
  }
  const std::vector<std::string> cleared = Lines(roam.CaptureHistory());
  EXPECT_EQ(std::find(cleared.begin(), cleared.end(), "5000"), cleared.end())
      << "clear left the old history";
}

}  // namespace roam::testing
