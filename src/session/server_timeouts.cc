// Server-side timers outside SSP.

#include "session/server_timeouts.h"

#include <algorithm>
#include <charconv>

namespace roam::session {

namespace {

// Whole non-negative seconds, at most about 100 years.
std::optional<long> ParseSeconds(std::string_view text) {
  constexpr long kMaxSeconds = 100L * 365 * 24 * 3600;
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0 ||
      value > kMaxSeconds) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

ServerTimeoutConfig ParseServerTimeouts(std::optional<std::string_view> network_tmout,
                                        std::optional<std::string_view> signal_tmout) {
  ServerTimeoutConfig config;
  if (network_tmout) {
    std::optional<long> s = ParseSeconds(*network_tmout);
    if (!s) {
      config.warnings.push_back("MOSH_SERVER_NETWORK_TMOUT=\"" + std::string(*network_tmout) +
                                "\" is not a whole number of seconds; ignoring it");
    } else if (*s > 0) {
      config.network_timeout = std::chrono::seconds(*s);
    }
  }
  if (signal_tmout) {
    std::optional<long> s = ParseSeconds(*signal_tmout);
    if (!s) {
      config.warnings.push_back("MOSH_SERVER_SIGNAL_TMOUT=\"" + std::string(*signal_tmout) +
                                "\" is not a whole number of seconds; ignoring it");
    } else {
      config.signal_timeout = std::chrono::seconds(*s);
    }
  }
  return config;
}

ServerTimeouts::ServerTimeouts(ServerTimeoutConfig config, TimePoint start)
    : config_(std::move(config)), start_(start) {}

void ServerTimeouts::OnClientState(TimePoint now) { last_client_state_ = now; }

bool ServerTimeouts::NoClientExpired(TimePoint now) const {
  return !last_client_state_ && now - start_ >= kNoClientExitAfter;
}

bool ServerTimeouts::NetworkTimedOut(TimePoint now) const {
  return config_.network_timeout && now - SilentSince() >= *config_.network_timeout;
}

bool ServerTimeouts::Sigusr1Ends(TimePoint now) const {
  return !config_.signal_timeout || now - SilentSince() >= *config_.signal_timeout;
}

bool ServerTimeouts::ClientAttached(TimePoint now) const {
  return last_client_state_ && now - *last_client_state_ < kUtmpDetachedAfter;
}

Duration ServerTimeouts::PollTimeout(TimePoint now, Duration ssp_wait, Duration echo_ack_wait,
                                     bool shutting_down) const {
  Duration wait = std::min(ssp_wait, echo_ack_wait);
  if (!last_client_state_ || shutting_down) {
    wait = std::min<Duration>(wait, kPollCapWhileUnsettled);
  }
  if (config_.network_timeout) {
    Duration left = SilentSince() + *config_.network_timeout - now;
    wait = std::min(wait, left);
  }
  return std::max(wait, Duration::zero());
}

}  // namespace roam::session
