// ChannelPolicy: the one table that decides which kinds of channel a peer
// may open (docs/protocol.md §9.8).
//
// Every open request is parsed into a kind, and the kind's row says whether
// it is allowed and, if not, the reason the peer is told. roam-server's
// flags switch rows off (in the spirit of sshd's AllowTcpForwarding and
// DisableForwarding); nothing else opens a channel.

#ifndef ROAM_SESSION_CHANNEL_POLICY_H_
#define ROAM_SESSION_CHANNEL_POLICY_H_

#include <array>
#include <string>
#include <string_view>

#include "base/status.h"
#include "wire/channel_open.pb.h"

namespace roam::session {

enum class ChannelKind {
  kEcho,  // test services: echo, discard, source
  kDiscard,
  kSource,
  kExec,           // remote commands and subsystems
  kTcpForward,     // connect to a TCP host:port (-L, -D)
  kUnixForward,    // connect to a Unix socket (-L to a socket)
  kRemoteForward,  // listen for connections back to the client (-R)
  kHistory,        // the session's history lines (native scrollback)
  kCount,
};

struct ChannelPolicyRow {
  ChannelKind kind;
  std::string_view name;  // as in messages and flags
  bool allowed;
};

class ChannelPolicy {
 public:
  // Every kind allowed.
  ChannelPolicy();

  // Parses an open request. Errors: kMalformed (not a valid request, or of a
  // kind this build does not know).
  static Result<RoamChannel::OpenRequest> Parse(std::string_view request);
  static ChannelKind KindOf(const RoamChannel::OpenRequest& request);

  // OK when `request` may be opened; otherwise the refusal, whose message is
  // what the peer is told.
  Status Check(const RoamChannel::OpenRequest& request) const;

  void Set(ChannelKind kind, bool allowed);
  const ChannelPolicyRow& row(ChannelKind kind) const;

 private:
  std::array<ChannelPolicyRow, static_cast<size_t>(ChannelKind::kCount)> rows_;
};

}  // namespace roam::session

#endif  // ROAM_SESSION_CHANNEL_POLICY_H_
