// Connect-phase messages and the connection-failure text.

#include "predict/connect_phase.h"

#include <algorithm>

namespace roam::predict {

ConnectPhase::Step ConnectPhase::Check(TimePoint now) const {
  Step step;
  Duration waited = now - start_;
  if (waited >= kConnectTimeout) {
    step.message = "Timed out waiting for server...";
    step.give_up = true;
    step.next_wakeup = now + kConnectWakeInterval;
    return step;
  }
  if (waited >= kConnectNoticeAfter) {
    step.message = "Nothing received from server on UDP port " + std::to_string(port_) + ".";
  }
  step.next_wakeup = std::min(now + kConnectWakeInterval, start_ + kConnectTimeout);
  if (waited < kConnectNoticeAfter) step.next_wakeup = start_ + kConnectNoticeAfter;
  return step;
}

std::string ConnectFailureText(std::string_view program, std::string_view ip, uint16_t port) {
  std::string host =
      ip.find(':') != std::string_view::npos ? "[" + std::string(ip) + "]" : std::string(ip);
  std::string p(program);
  std::string port_text = std::to_string(port);
  return p + " did not make a successful connection to " + host + ":" + port_text +
         ".\nPlease verify that UDP port " + port_text +
         " is not firewalled and can reach the server.\n\n(By default, " + p +
         " uses a UDP port between 60001 and 60999. The -p option\nselects a specific UDP port "
         "number.)\n";
}

std::string UncleanShutdownText(std::string_view program, std::string_view server) {
  return std::string(program) + " did not shut down cleanly. Please note that the " +
         std::string(server) + " process may still be running on the server.\n";
}

}  // namespace roam::predict
