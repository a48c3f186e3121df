// ServerTimeouts: the server's timers outside SSP (docs/protocol.md §5.10), as decisions.
//
// * MOSH_SERVER_NETWORK_TMOUT=T: once no new client state has arrived for at
//   least T seconds, the server shuts down (0 or unset: never).
// * MOSH_SERVER_SIGNAL_TMOUT=T: SIGUSR1 ends the server only if the client
//   has been silent for at least T seconds; unset, SIGUSR1 always ends it.
// * No client state within 60 s of start: the server exits.
// * utmp shows "HOST via mosh [PID]" while a client state arrived within the
//   last 30 s, and "mosh [PID]" otherwise.
// * The main loop's poll timeout: min(SSP wait, echo-ack wait), at most
//   5000 ms while no client state has arrived yet or while shutting down,
//   and no later than the network-timeout deadline.
// Pure logic: every decision takes `now`; the event loop owns the clock.
// Before the first client state, "silent since" counts from the start time.

#ifndef ROAM_SESSION_SERVER_TIMEOUTS_H_
#define ROAM_SESSION_SERVER_TIMEOUTS_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"

namespace roam::session {

inline constexpr auto kNoClientExitAfter =
    std::chrono::seconds(60);  // "No connection within 60 seconds."
inline constexpr auto kUtmpDetachedAfter = std::chrono::seconds(30);  // back to "mosh [PID]"
inline constexpr auto kPollCapWhileUnsettled =
    std::chrono::seconds(5);  // no client yet, or shutting down

struct ServerTimeoutConfig {
  std::optional<Duration> network_timeout;  // nullopt: never
  std::optional<Duration> signal_timeout;   // nullopt: SIGUSR1 always ends the server
  // One line per variable that was set but not a non-negative integer (it is
  // then ignored); the caller prints them.
  std::vector<std::string> warnings;
};

// Reads the two variables' values (nullopt = unset). Values are whole
// seconds; a network timeout of 0 means never; a signal timeout of 0 means
// SIGUSR1 always ends the server.
ServerTimeoutConfig ParseServerTimeouts(std::optional<std::string_view> network_tmout,
                                        std::optional<std::string_view> signal_tmout);

class ServerTimeouts {
 public:
  ServerTimeouts(ServerTimeoutConfig config, TimePoint start);

  // A new client state arrived at `now`.
  void OnClientState(TimePoint now);
  bool any_client_state() const { return last_client_state_.has_value(); }

  // No client state arrived within kNoClientExitAfter of the start.
  bool NoClientExpired(TimePoint now) const;
  // The network timeout is set and has run out.
  bool NetworkTimedOut(TimePoint now) const;
  // Whether a SIGUSR1 received at `now` ends the server.
  bool Sigusr1Ends(TimePoint now) const;
  // Whether utmp should show the client as attached.
  bool ClientAttached(TimePoint now) const;

  // The poll timeout for the main loop, >= 0. `ssp_wait` and `echo_ack_wait`
  // are the other components' waits (Duration::max() for none).
  Duration PollTimeout(TimePoint now, Duration ssp_wait, Duration echo_ack_wait,
                       bool shutting_down) const;

 private:
  TimePoint SilentSince() const { return last_client_state_.value_or(start_); }

  ServerTimeoutConfig config_;
  TimePoint start_;
  std::optional<TimePoint> last_client_state_;
};

}  // namespace roam::session

#endif  // ROAM_SESSION_SERVER_TIMEOUTS_H_
