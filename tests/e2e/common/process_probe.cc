#include "e2e/common/process_probe.h"

#include <signal.h>

#include <filesystem>
#include <sstream>

#include "support/subprocess.h"

namespace roam::testing {

std::string RoamProgram(const std::string& name) { return std::string(ROAM_BIN_DIR) + "/" + name; }

bool ProcessAlive(pid_t pid) {
  if (pid <= 0 || kill(pid, 0) != 0) return false;
  const std::string stat = ReadFileBytes("/proc/" + std::to_string(pid) + "/stat");
  // "pid (comm) S ...": the state follows the last ')'.
  const auto close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return false;
  return stat[close + 2] != 'Z';
}

bool WaitForProcessExit(pid_t pid, std::chrono::milliseconds timeout) {
  return PollUntil([&] { return !ProcessAlive(pid); }, timeout, std::chrono::milliseconds(20));
}

std::optional<long> VmRssKib(pid_t pid) {
  std::istringstream in(ReadFileBytes("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      long kib = -1;
      fields >> kib;
      if (kib >= 0) return kib;
    }
  }
  return std::nullopt;
}

std::string ChildrenOf(pid_t pid) {
  std::string all;
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator(tasks, ec)) {
    all += ReadFileBytes((task.path() / "children").string());
  }
  return all;
}

}  // namespace roam::testing
