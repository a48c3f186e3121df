// BootstrapOutcome: what running ssh to start the server produced, kept
// within a bound, and the kind of failure it shows (ClassifyBootstrap).

#ifndef ROAM_CLIENT_BOOTSTRAP_OUTCOME_H_
#define ROAM_CLIENT_BOOTSTRAP_OUTCOME_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace roam::client {

// What happened when ssh was run, as far as the wrapper can see.
struct BootstrapOutcome {
  std::optional<int> ssh_exit_status;  // nullopt: still running or killed
  bool saw_connect = false;
  // The end of what ssh printed that was not ours (all of it is shown to
  // the user as it arrives; this copy is for ClassifyBootstrap: see
  // AppendBootstrapOutput).
  std::string output;
};

// What BootstrapOutcome::output keeps: at least the last 64 KiB of ssh's
// output and never more than twice that. A remote host can print without
// end before (or instead of) the CONNECT line; roam's memory must not grow
// with it.
inline constexpr size_t kMaxBootstrapOutput = 64 * 1024;

// Appends `text` to outcome->output; once more than 2 * kMaxBootstrapOutput
// bytes are held, only the last kMaxBootstrapOutput are kept (so the cost
// stays amortized O(text.size())).
void AppendBootstrapOutput(BootstrapOutcome* outcome, std::string_view text);

enum class BootstrapProblem {
  kNone,            // the CONNECT line arrived
  kSshFailed,       // ssh itself failed: exit status 255
  kServerNotFound,  // exit 127 or "command not found"/"not found" in the output
  kNoConnectLine,   // anything else without a CONNECT line
};

BootstrapProblem ClassifyBootstrap(const BootstrapOutcome& outcome);

}  // namespace roam::client

#endif  // ROAM_CLIENT_BOOTSTRAP_OUTCOME_H_
