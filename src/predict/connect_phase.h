// ConnectPhase: what the client says while it waits for the server's first
// state (docs/protocol.md §13.3, "connect phase").
//
// Until a server state arrives the client wakes at least every 250 ms. After
// 250 ms the bar says "Nothing received from server on UDP port <port>.";
// at 15 s it says "Timed out waiting for server...", and the client starts
// its shutdown and exits 1, printing ConnectFailureText on stderr. Pure logic
// on injected time.

#ifndef ROAM_PREDICT_CONNECT_PHASE_H_
#define ROAM_PREDICT_CONNECT_PHASE_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace roam::predict {

inline constexpr auto kConnectWakeInterval =
    std::chrono::milliseconds(250);  // wake at least this often
inline constexpr auto kConnectNoticeAfter =
    std::chrono::milliseconds(250);  // then show "Nothing received..."
inline constexpr auto kConnectTimeout = std::chrono::seconds(15);  // then give up

class ConnectPhase {
 public:
  ConnectPhase(TimePoint start, uint16_t port) : start_(start), port_(port) {}

  struct Step {
    std::optional<std::string> message;  // set it on the bar (without prefix)
    bool give_up = false;                // start the shutdown; exit 1
    TimePoint next_wakeup = kNever;
  };
  // What to show at `now` while no server state has arrived.
  Step Check(TimePoint now) const;

 private:
  TimePoint start_;
  uint16_t port_;
};

// The stderr text after a connect-phase timeout, for `program` ("roam"):
//   "<program> did not make a successful connection to IP:PORT.\n"
//   "Please verify that UDP port PORT is not firewalled and can reach the server.\n\n"
//   "(By default, <program> uses a UDP port between 60001 and 60999. The -p option\n"
//   "selects a specific UDP port number.)\n"
// IPv6 addresses are shown in brackets.
std::string ConnectFailureText(std::string_view program, std::string_view ip, uint16_t port);

// "<program> did not shut down cleanly. Please note that the <server>
// process may still be running on the server.\n"
std::string UncleanShutdownText(std::string_view program, std::string_view server);

}  // namespace roam::predict

#endif  // ROAM_PREDICT_CONNECT_PHASE_H_
