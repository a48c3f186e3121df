#include "e2e/ssh/process_view.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "support/subprocess.h"

namespace roam::testing {

namespace {

// Whether the NUL-separated `block` holds `entry` as one whole entry.
bool HoldsEntry(const std::string& block, const std::string& entry) {
  size_t at = block.find(entry);
  while (at != std::string::npos) {
    const bool starts = at == 0 || block[at - 1] == '\0';
    const size_t end = at + entry.size();
    const bool ends = end == block.size() || block[end] == '\0';
    if (starts && ends) return true;
    at = block.find(entry, at + 1);
  }
  return false;
}

// `path` with symbolic links resolved, as /proc/<pid>/exe shows it.
std::string Canonical(const std::string& path) {
  std::error_code ec;
  std::string resolved = std::filesystem::weakly_canonical(path, ec).string();
  return ec ? path : resolved;
}

}  // namespace

std::string ExecutableOf(pid_t pid) {
  std::error_code ec;
  std::string path =
      std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec).string();
  if (ec) return "";
  constexpr std::string_view kDeleted = " (deleted)";
  if (path.size() > kDeleted.size() &&
      path.compare(path.size() - kDeleted.size(), kDeleted.size(), kDeleted) == 0) {
    path.resize(path.size() - kDeleted.size());
  }
  return path;
}

std::string CmdlineOf(pid_t pid) {
  return ReadFileBytes("/proc/" + std::to_string(pid) + "/cmdline");
}

std::string CmdlineFrom(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    out += w;
    out.push_back('\0');
  }
  return out;
}

bool AnyRuns(const std::vector<pid_t>& pids, const std::string& path) {
  const std::string target = Canonical(path);
  return std::any_of(pids.begin(), pids.end(),
                     [&](pid_t pid) { return ExecutableOf(pid) == target; });
}

bool AnyHasCmdline(const std::vector<pid_t>& pids, const std::string& cmdline) {
  return std::any_of(pids.begin(), pids.end(),
                     [&](pid_t pid) { return CmdlineOf(pid) == cmdline; });
}

std::vector<pid_t> ProcessesRunning(const std::string& path, const std::string& env_entry) {
  const std::string target = Canonical(path);
  std::vector<pid_t> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(),
                                     [](unsigned char ch) { return std::isdigit(ch) != 0; }))
      continue;
    const pid_t pid = static_cast<pid_t>(std::strtol(name.c_str(), nullptr, 10));
    if (ExecutableOf(pid) != target) continue;
    if (HoldsEntry(ReadFileBytes("/proc/" + name + "/environ"), env_entry)) found.push_back(pid);
  }
  return found;
}

std::string DescribeProcesses(const std::vector<pid_t>& pids) {
  std::string out;
  for (pid_t pid : pids) {
    std::string argv = CmdlineOf(pid);
    std::replace(argv.begin(), argv.end(), '\0', ' ');
    out += std::to_string(pid) + " " + ExecutableOf(pid) + " " + argv + "\n";
  }
  return out;
}

}  // namespace roam::testing
