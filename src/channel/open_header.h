// The header of a channel's bytes (docs/protocol.md §9.8): the opener's
// request first on its side, the acceptor's answer first on the other.
//
//   request = varint length ‖ RoamChannel.OpenRequest   (length ≤ 65536)
//   answer  = 00 00                                     accepted
//           | 01 ‖ varint length ‖ reason               refused
//
// The multiplexer reads and writes these on every channel; a control socket
// (client/control_socket.h) carries the same bytes, so a command opened
// through another roam process's session speaks exactly what a channel
// would.

#ifndef ROAM_CHANNEL_OPEN_HEADER_H_
#define ROAM_CHANNEL_OPEN_HEADER_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace roam::channel {

// Open requests longer than this are refused unread.
inline constexpr size_t kMaxOpenRequestBytes = 64 * 1024;
// Refusal reasons are cut to this many bytes.
inline constexpr size_t kMaxReasonBytes = 1024;

std::string EncodeOpenRequest(std::string_view request);
std::string EncodeAcceptAnswer();
// `reason` is cut to kMaxReasonBytes.
std::string EncodeRefuseAnswer(std::string_view reason);

struct ParsedRequest {
  std::string request;  // the serialized RoamChannel.OpenRequest
  size_t consumed = 0;  // header bytes, length prefix included
};
// The request at the start of `head`, or nullopt while it is incomplete.
// Errors: kOutOfRange when its length is above kMaxOpenRequestBytes.
Result<std::optional<ParsedRequest>> ParseOpenRequest(std::string_view head);

struct ParsedAnswer {
  bool accepted = false;
  std::string reason;  // refused only
  size_t consumed = 0;
};
// The answer at the start of `head`, or nullopt while it is incomplete.
// Errors: kInvalidArgument for another status byte or a reason longer than
// kMaxReasonBytes.
Result<std::optional<ParsedAnswer>> ParseOpenAnswer(std::string_view head);

}  // namespace roam::channel

#endif  // ROAM_CHANNEL_OPEN_HEADER_H_
