// Reading a tmux pane's history (see history_lines.h).

#include "e2e/common/history_lines.h"

#include <algorithm>
#include <regex>
#include <sstream>

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

}  // namespace roam::testing
