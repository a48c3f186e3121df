#include "e2e/common/relayed_session.h"

#include <vector>

#include "e2e/common/process_probe.h"
#include "support/subprocess.h"

namespace roam::testing {

namespace {

std::vector<std::string> Env(std::vector<std::string> base, const std::vector<std::string>& more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

}  // namespace

std::string RelayedSession::Start(const RelayedSessionOptions& options) {
  name_ = options.profile.name;
  if (!HaveProgram("tmux")) return "tmux missing";
  const std::string server =
      options.server_program.empty() ? RoamProgram("roam-server") : options.server_program;
  if (!server_.Start({server, "new", "-i", "127.0.0.1", "-p", "0", "--", "env",
                      "PS1=" + options.prompt, "/bin/sh"},
                     Env({"LANG=C.UTF-8"}, options.env))) {
    return server + " did not start: " + server_.output();
  }
  relay_ = std::make_unique<RelayThread>(server_.port(), options.profile, options.seed);
  if (!relay_->ok()) return "relay: " + relay_->error();
  command_ = "MOSH_KEY=" + server_.key() + " '" + RoamProgram("roam-client") + "' 127.0.0.1 " +
             std::to_string(relay_->listen_port()) + "; echo EXIT=$?; exec sleep 3600";
  pane_ = std::make_unique<TmuxSession>(
      command_, options.cols, options.rows,
      Env({"LANG=C.UTF-8", "TERM=xterm-256color", "MOSH_PREDICTION_DISPLAY=never"}, options.env),
      options.history_limit);
  if (!pane_->started()) return "tmux pane did not start";
  // What a capture shows of the prompt: tmux drops trailing blanks.
  std::string mark = options.prompt;
  while (!mark.empty() && mark.back() == ' ') mark.pop_back();
  if (!pane_->WaitForText(mark, options.connect_timeout)) return "no prompt\n" + Context();
  return "";
}

std::string RelayedSession::Context() {
  std::string out = "profile: " + name_ + "\ncommand: " + command_ + "\n";
  if (pane_) out += "pane:\n" + pane_->CaptureText() + "\n";
  if (relay_ && relay_->ok()) {
    const netsim::UdpRelayStats s = relay_->Stats();
    out += "relay: from_client=" + std::to_string(s.from_client) +
           " from_server=" + std::to_string(s.from_server) +
           " rebinds=" + std::to_string(s.rebinds) +
           " lost(up)=" + std::to_string(s.up.lost_random + s.up.lost_burst) +
           " lost(down)=" + std::to_string(s.down.lost_random + s.down.lost_burst) +
           " lost_outage(up)=" + std::to_string(s.up.lost_outage) + "\n";
  }
  return out;
}

}  // namespace roam::testing
