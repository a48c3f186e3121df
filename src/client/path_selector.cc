#include "client/path_selector.h"

#include <algorithm>

namespace roam::client {

Result<TransportMode> ParseTransportMode(std::string_view text) {
  if (text == "auto") return TransportMode::kAuto;
  if (text == "udp") return TransportMode::kUdp;
  if (text == "tcp") return TransportMode::kTcp;
  if (text == "ssh") return TransportMode::kSsh;
  return InvalidArgument("unknown --transport value \"" + std::string(text) +
                         "\" (use auto, udp, tcp or ssh)");
}

std::string_view TransportModeName(TransportMode mode) {
  switch (mode) {
    case TransportMode::kAuto:
      return "auto";
    case TransportMode::kUdp:
      return "udp";
    case TransportMode::kTcp:
      return "tcp";
    case TransportMode::kSsh:
      return "ssh";
  }
  return "auto";
}

void PathSelector::OnReceived(Path via, TimePoint now) {
  if (via == Path::kUdp) {
    last_udp_ = now;
    udp_ever_ = true;
  }
}

void PathSelector::OnStreamUp(TimePoint now) {
  stream_up_ = true;
  last_probe_ = now;  // the first probe comes one interval later
}

void PathSelector::OnStreamDown(TimePoint) { stream_up_ = false; }

bool PathSelector::UdpBlocked(TimePoint now) const {
  if (!udp_ever_) return now - start_ >= kFallbackAfter;
  return now - last_udp_ >= kUdpSilence;
}

PathSelector::Path PathSelector::SendPath(TimePoint now) const {
  switch (mode_) {
    case TransportMode::kUdp:
      return Path::kUdp;
    case TransportMode::kTcp:
    case TransportMode::kSsh:
      return Path::kStream;
    case TransportMode::kAuto:
      break;
  }
  const bool stream = stream_up_ && UdpBlocked(now);
  return stream ? Path::kStream : Path::kUdp;
}

bool PathSelector::WantStream(TimePoint now) const {
  switch (mode_) {
    case TransportMode::kUdp:
      return false;
    case TransportMode::kTcp:
    case TransportMode::kSsh:
      return true;
    case TransportMode::kAuto:
      break;
  }
  return UdpBlocked(now);
}

bool PathSelector::TakeUdpProbe(TimePoint now) {
  if (mode_ != TransportMode::kAuto || SendPath(now) != Path::kStream) return false;
  if (now - last_probe_ < kProbeInterval) return false;
  last_probe_ = now;
  return true;
}

TimePoint PathSelector::NextWakeup(TimePoint now) const {
  if (mode_ != TransportMode::kAuto) return kNever;
  // The moment UDP counts as blocked matters only while it is ahead: once
  // passed, nothing changes until something arrives.
  const TimePoint blocked_at = udp_ever_ ? last_udp_ + kUdpSilence : start_ + kFallbackAfter;
  TimePoint t = blocked_at > now ? blocked_at : kNever;
  if (SendPath(now) == Path::kStream) t = std::min(t, last_probe_ + kProbeInterval);
  return std::max(t, now);
}

std::string_view PathSelector::Describe(TimePoint now) const {
  if (SendPath(now) == Path::kUdp) return "UDP";
  return mode_ == TransportMode::kTcp ? "TCP" : "ssh";
}

}  // namespace roam::client
