#include "client/bootstrap_outcome.h"

namespace roam::client {

void AppendBootstrapOutput(BootstrapOutcome* outcome, std::string_view text) {
  std::string& out = outcome->output;
  if (text.size() >= kMaxBootstrapOutput) {
    out.assign(text.substr(text.size() - kMaxBootstrapOutput));
    return;
  }
  out.append(text);
  // Trim only once twice the limit is held, so appends stay cheap.
  if (out.size() > 2 * kMaxBootstrapOutput) out.erase(0, out.size() - kMaxBootstrapOutput);
}

BootstrapProblem ClassifyBootstrap(const BootstrapOutcome& outcome) {
  if (outcome.saw_connect) return BootstrapProblem::kNone;
  if (outcome.ssh_exit_status == 255) return BootstrapProblem::kSshFailed;
  if (outcome.ssh_exit_status == 127 ||
      outcome.output.find("command not found") != std::string::npos ||
      outcome.output.find("roam-server: not found") != std::string::npos ||
      outcome.output.find("mosh-server: not found") != std::string::npos) {
    return BootstrapProblem::kServerNotFound;
  }
  return BootstrapProblem::kNoConnectLine;
}

}  // namespace roam::client
