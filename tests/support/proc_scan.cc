#include "support/proc_scan.h"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "support/subprocess.h"

namespace roam::testing {

bool ReadProcInfo(pid_t pid, ProcInfo* info) {
  const std::string stat = ReadFileBytes("/proc/" + std::to_string(pid) + "/stat");
  // "pid (comm) S ppid ..."; comm may contain spaces and parentheses.
  const size_t close_paren = stat.rfind(')');
  if (close_paren == std::string::npos) return false;
  std::istringstream rest(stat.substr(close_paren + 1));
  rest >> info->state >> info->ppid;
  return static_cast<bool>(rest);
}

std::vector<pid_t> AllPids() {
  std::vector<pid_t> pids;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return pids;
  while (dirent* entry = readdir(proc)) {
    char* end = nullptr;
    const long pid = std::strtol(entry->d_name, &end, 10);
    if (end != entry->d_name && *end == '\0' && pid > 0) pids.push_back(static_cast<pid_t>(pid));
  }
  closedir(proc);
  return pids;
}

bool ProcessRunning(pid_t pid) {
  ProcInfo info;
  return kill(pid, 0) == 0 && ReadProcInfo(pid, &info) && info.state != 'Z';
}

std::vector<pid_t> ProcessesWithEnvironmentEntry(const std::string& marker) {
  std::vector<pid_t> found;
  const pid_t self = getpid();
  for (pid_t pid : AllPids()) {
    if (pid == self) continue;
    const std::string environ = ReadFileBytes("/proc/" + std::to_string(pid) + "/environ");
    // Entries are NUL-terminated; match a whole entry.
    size_t at = environ.find(marker);
    while (at != std::string::npos) {
      const bool starts_entry = at == 0 || environ[at - 1] == '\0';
      const size_t end = at + marker.size();
      const bool ends_entry = end == environ.size() || environ[end] == '\0';
      if (starts_entry && ends_entry) {
        if (ProcessRunning(pid)) found.push_back(pid);
        break;
      }
      at = environ.find(marker, at + 1);
    }
  }
  return found;
}

}  // namespace roam::testing
