#include "support/screen_compare.h"

#include <algorithm>

#include "support/subprocess.h"

namespace roam::testing {

namespace {
constexpr std::chrono::milliseconds kPollInterval(100);
}  // namespace

std::vector<std::string> NormalizeScreen(const std::vector<std::string>& rows) {
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    const size_t end = row.find_last_not_of(" \r");
    out.push_back(end == std::string::npos ? std::string() : row.substr(0, end + 1));
  }
  while (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

ScreenComparison CompareScreens(const std::vector<std::string>& left,
                                const std::vector<std::string>& right,
                                const std::string& left_label, const std::string& right_label) {
  const std::vector<std::string> a = NormalizeScreen(left);
  const std::vector<std::string> b = NormalizeScreen(right);
  ScreenComparison result;
  std::string rows;
  const size_t count = std::max(a.size(), b.size());
  int differing = 0;
  for (size_t i = 0; i < count; ++i) {
    const std::string& x = i < a.size() ? a[i] : std::string();
    const std::string& y = i < b.size() ? b[i] : std::string();
    if (x == y) continue;
    ++differing;
    size_t column = 0;
    while (column < x.size() && column < y.size() && x[column] == y[column]) ++column;
    rows += "row " + std::to_string(i) + " (first difference at column " + std::to_string(column) +
            "):\n";
    rows += "  - " + x + "\n";
    rows += "  + " + y + "\n";
    rows += "    " + std::string(column, ' ') + "^\n";
  }
  result.match = differing == 0;
  if (!result.match) {
    result.diff = "screens differ in " + std::to_string(differing) + " row(s); - " + left_label +
                  ", + " + right_label + "\n" + rows;
  }
  return result;
}

ScreenComparison ScreenMatches(TmuxSession& left, TmuxSession& right, const std::string& left_label,
                               const std::string& right_label) {
  return CompareScreens(left.Capture(), right.Capture(), left_label, right_label);
}

ScreenComparison WaitForScreensToMatch(TmuxSession& left, TmuxSession& right,
                                       std::chrono::milliseconds timeout,
                                       const std::string& left_label,
                                       const std::string& right_label) {
  ScreenComparison last;
  PollUntil(
      [&] {
        last = ScreenMatches(left, right, left_label, right_label);
        return last.match;
      },
      timeout, kPollInterval);
  return last;
}

}  // namespace roam::testing
