// Process probes: looking at a process the test did not fork itself.
//
// A detached server (roam-server, mosh-server) is the grandchild of the test:
// its parent exits after printing the banner, so the test cannot waitpid it.
// These read /proc to tell whether it still runs and how much memory it holds.

#ifndef ROAM_TESTS_E2E_COMMON_PROCESS_PROBE_H_
#define ROAM_TESTS_E2E_COMMON_PROCESS_PROBE_H_

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

namespace roam::testing {

// The path of a roam program freshly built with this test ("roam-server",
// "roam-client", "roam").
std::string RoamProgram(const std::string& name);

// Whether `pid` exists and is not a zombie.
bool ProcessAlive(pid_t pid);

// Polls until `pid` is gone (bounded). Returns whether it went.
bool WaitForProcessExit(pid_t pid, std::chrono::milliseconds timeout);

// The resident set size of `pid` in KiB (VmRSS in /proc/<pid>/status), or
// nullopt if the process is gone.
std::optional<long> VmRssKib(pid_t pid);

// The pids of `pid`'s direct children (from /proc/<pid>/task/*/children).
std::string ChildrenOf(pid_t pid);

}  // namespace roam::testing

#endif  // ROAM_TESTS_E2E_COMMON_PROCESS_PROBE_H_
