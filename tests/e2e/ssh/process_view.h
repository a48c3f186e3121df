// Process view: what /proc says about processes a test did not start itself.
//
// Through ssh, the programs under test are started by sshd (the server side)
// or by a wrapper inside a tmux pane (the client side), so the test knows
// them only by what /proc shows: the executable a process runs, its argv,
// and an environment entry that ties it to one test.

#ifndef ROAM_TESTS_E2E_SSH_PROCESS_VIEW_H_
#define ROAM_TESTS_E2E_SSH_PROCESS_VIEW_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace roam::testing {

// The path /proc/<pid>/exe points at (" (deleted)" suffix dropped), or ""
// if the process is gone or not readable.
std::string ExecutableOf(pid_t pid);

// The argv of `pid` as /proc/<pid>/cmdline holds it (each word followed by
// a NUL), or "" if the process is gone.
std::string CmdlineOf(pid_t pid);

// Joins `words` the way /proc/<pid>/cmdline does (each followed by a NUL).
std::string CmdlineFrom(const std::vector<std::string>& words);

// Whether any of `pids` runs the executable at `path` (links resolved).
bool AnyRuns(const std::vector<pid_t>& pids, const std::string& path);

// Whether any of `pids` has exactly this argv (CmdlineFrom form).
bool AnyHasCmdline(const std::vector<pid_t>& pids, const std::string& cmdline);

// The processes of this user that run the executable at `path` and whose
// environment holds the whole entry `env_entry` ("NAME=VALUE").
std::vector<pid_t> ProcessesRunning(const std::string& path, const std::string& env_entry);

// "pid exe argv" for each of `pids`, one per line, for failure messages.
std::string DescribeProcesses(const std::vector<pid_t>& pids);

}  // namespace roam::testing

#endif  // ROAM_TESTS_E2E_SSH_PROCESS_VIEW_H_
