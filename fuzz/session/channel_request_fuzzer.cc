// Fuzz target: the channel open requests (wire/channel_open.proto) through
// ChannelPolicy::Parse and Check. The first input byte switches policy rows
// off (bit i: row i disabled); the rest is the request as a peer sent it.
// A request must parse only into a known kind (one a client may open, or
// one only a server opens, which is always refused); Check must allow exactly the
// kinds whose row is on; an allowed test kind must get its test service; and
// a parsed request must survive being serialized and parsed again.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "session/channel_policy.h"
#include "session/test_services.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using roam::session::ChannelKind;
  using roam::session::ChannelPolicy;
  if (size == 0) return 0;
  const uint8_t disabled = data[0];
  const std::string_view request(reinterpret_cast<const char*>(data) + 1, size - 1);

  ChannelPolicy policy;
  for (int k = 0; k < static_cast<int>(ChannelKind::kCount); ++k) {
    if (disabled & (1 << k)) policy.Set(static_cast<ChannelKind>(k), false);
  }

  roam::Result<RoamChannel::OpenRequest> parsed = ChannelPolicy::Parse(request);
  if (!parsed.ok()) {
    ROAM_CHECK(parsed.status().code() == roam::StatusCode::kMalformed);
    ROAM_CHECK(!parsed.status().message().empty());
    return 0;
  }
  const ChannelKind kind = ChannelPolicy::KindOf(*parsed);
  if (kind == ChannelKind::kCount) {
    // Kinds only a server opens (a forwarded connection, the agent) are
    // never a client's to ask for: refused whatever the policy.
    ROAM_CHECK(parsed->kind_case() == RoamChannel::OpenRequest::kForwarded ||
               parsed->kind_case() == RoamChannel::OpenRequest::kAgent);
    ROAM_CHECK(!policy.Check(*parsed).ok());
    return 0;
  }

  const roam::Status allowed = policy.Check(*parsed);
  ROAM_CHECK(allowed.ok() == policy.row(kind).allowed);
  if (!allowed.ok()) {
    // The refusal is what the peer is told: it names the kind.
    ROAM_CHECK(allowed.message().find(policy.row(kind).name) != std::string::npos);
  } else if (kind == ChannelKind::kEcho || kind == ChannelKind::kDiscard ||
             kind == ChannelKind::kSource) {
    // The test services exist for their own kinds only; the others are
    // served by the session (exec, forwarding).
    ROAM_CHECK(roam::session::MakeTestService(*parsed, 4) != nullptr);
  }

  const std::string again = parsed->SerializeAsString();
  roam::Result<RoamChannel::OpenRequest> reparsed = ChannelPolicy::Parse(again);
  ROAM_CHECK(reparsed.ok());
  ROAM_CHECK(ChannelPolicy::KindOf(*reparsed) == kind);
  if (kind == ChannelKind::kSource) {
    ROAM_CHECK(reparsed->source().bytes() == parsed->source().bytes());
  }
  return 0;
}
