#include "client/bootstrap_messages.h"

namespace roam::client {

std::string BootstrapProblemMessage(BootstrapProblem problem, const BootstrapOutcome& outcome,
                                    std::string_view host, std::string_view server) {
  const std::string h(host);
  switch (problem) {
    case BootstrapProblem::kNone:
      return "";
    case BootstrapProblem::kSshFailed:
      return "roam: ssh could not connect to " + h + " (exit status 255); check that \"ssh " + h +
             "\" works on its own";
    case BootstrapProblem::kServerNotFound:
      if (!server.empty()) {
        return "roam: the server command \"" + std::string(server) + "\" was not found on " + h +
               "; check the --server path";
      }
      return "roam: neither roam-server nor mosh-server was found on " + h +
             "'s PATH; install roam (or mosh) there, or give the server's path with --server=PATH";
    case BootstrapProblem::kNoConnectLine: {
      const std::string who = server.empty() ? std::string("the server")
                                             : "the server command \"" + std::string(server) + "\"";
      const std::string what = outcome.ssh_exit_status
                                   ? "exited with status " +
                                         std::to_string(*outcome.ssh_exit_status) +
                                         " without printing its \"MOSH CONNECT\" line"
                                   : std::string("did not print its \"MOSH CONNECT\" line in time");
      const std::string check = server.empty()
                                    ? "check that roam-server (or mosh-server) starts there"
                                    : "check that --server names roam-server or mosh-server";
      return "roam: " + who + " on " + h + " " + what + " (its output, if any, is above); " + check;
    }
  }
  return "";
}

std::string UdpUnreachableMessage(std::string_view host, std::string_view ip, uint16_t port) {
  std::string p = std::to_string(port);
  const std::string where =
      host == ip ? std::string(host) : std::string(host) + " (" + std::string(ip) + ")";
  return "roam: no reply from " + where + " on UDP port " + p + "; check that UDP port " + p +
         " is not firewalled on the way (the server uses a port in 60001-60999 unless -p picks "
         "one)";
}

}  // namespace roam::client
