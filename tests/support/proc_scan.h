// Reading /proc to find and watch processes a test did not fork itself
// (servers that detached, whatever a session left behind). Only ever used to
// look at, or end by PID, processes that carry a marker the test set.

#ifndef ROAM_TESTS_SUPPORT_PROC_SCAN_H_
#define ROAM_TESTS_SUPPORT_PROC_SCAN_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace roam::testing {

struct ProcInfo {
  pid_t ppid = -1;
  char state = '?';
};

// Reads the parent and state of `pid` from /proc/<pid>/stat; false if gone.
bool ReadProcInfo(pid_t pid, ProcInfo* info);

// Every pid in /proc.
std::vector<pid_t> AllPids();

// Whether `pid` still runs (a zombie waiting for its parent counts as gone).
bool ProcessRunning(pid_t pid);

// The running processes (other than this one) whose environment holds the
// entry `name_equals_value` exactly ("NAME=VALUE").
std::vector<pid_t> ProcessesWithEnvironmentEntry(const std::string& name_equals_value);

}  // namespace roam::testing

#endif  // ROAM_TESTS_SUPPORT_PROC_SCAN_H_
