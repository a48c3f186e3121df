#include "session/channel_policy.h"

#include <climits>

namespace roam::session {

ChannelPolicy::ChannelPolicy()
    : rows_{{
          {ChannelKind::kEcho, "echo", true},
          {ChannelKind::kDiscard, "discard", true},
          {ChannelKind::kSource, "source", true},
          {ChannelKind::kExec, "exec", true},
          {ChannelKind::kTcpForward, "TCP forwarding", true},
          {ChannelKind::kUnixForward, "Unix socket forwarding", true},
          {ChannelKind::kRemoteForward, "remote forwarding", true},
          {ChannelKind::kHistory, "history", true},
      }} {}

Result<RoamChannel::OpenRequest> ChannelPolicy::Parse(std::string_view request) {
  RoamChannel::OpenRequest parsed;
  if (request.size() > static_cast<size_t>(INT_MAX) ||
      !parsed.ParseFromArray(request.data(), static_cast<int>(request.size()))) {
    return Malformed("unreadable channel request");
  }
  if (parsed.kind_case() == RoamChannel::OpenRequest::KIND_NOT_SET) {
    return Malformed("channel request of an unknown kind");
  }
  return parsed;
}

ChannelKind ChannelPolicy::KindOf(const RoamChannel::OpenRequest& request) {
  switch (request.kind_case()) {
    case RoamChannel::OpenRequest::kEcho:
      return ChannelKind::kEcho;
    case RoamChannel::OpenRequest::kDiscard:
      return ChannelKind::kDiscard;
    case RoamChannel::OpenRequest::kSource:
      return ChannelKind::kSource;
    case RoamChannel::OpenRequest::kExec:
      return ChannelKind::kExec;
    case RoamChannel::OpenRequest::kConnect:
      return request.connect().has_path() ? ChannelKind::kUnixForward : ChannelKind::kTcpForward;
    case RoamChannel::OpenRequest::kListen:
      return ChannelKind::kRemoteForward;
    case RoamChannel::OpenRequest::kHistory:
      return ChannelKind::kHistory;
    case RoamChannel::OpenRequest::kForwarded:
    case RoamChannel::OpenRequest::kAgent:
      break;  // only ever opened by the server
    case RoamChannel::OpenRequest::KIND_NOT_SET:
      break;
  }
  return ChannelKind::kCount;
}

Status ChannelPolicy::Check(const RoamChannel::OpenRequest& request) const {
  const ChannelKind kind = KindOf(request);
  if (kind == ChannelKind::kCount) return InvalidArgument("unknown channel kind");
  const ChannelPolicyRow& r = row(kind);
  if (!r.allowed)
    return InvalidArgument(std::string(r.name) + " channels are disabled on this server");
  return Status::Ok();
}

void ChannelPolicy::Set(ChannelKind kind, bool allowed) {
  rows_[static_cast<size_t>(kind)].allowed = allowed;
}

const ChannelPolicyRow& ChannelPolicy::row(ChannelKind kind) const {
  return rows_[static_cast<size_t>(kind)];
}

}  // namespace roam::session
