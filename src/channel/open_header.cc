#include "channel/open_header.h"

#include <cstdint>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "base/varint.h"

namespace roam::channel {
namespace {

constexpr uint8_t kAccepted = 0;
constexpr uint8_t kRefused = 1;

std::string LengthPrefixed(std::string_view bytes) {
  std::string out;
  ByteWriter w(&out);
  WriteVarint(&w, bytes.size());
  w.WriteBytes(bytes);
  return out;
}

}  // namespace

std::string EncodeOpenRequest(std::string_view request) { return LengthPrefixed(request); }

std::string EncodeAcceptAnswer() { return std::string("\x00\x00", 2); }

std::string EncodeRefuseAnswer(std::string_view reason) {
  return std::string(1, static_cast<char>(kRefused)) +
         LengthPrefixed(reason.substr(0, kMaxReasonBytes));
}

Result<std::optional<ParsedRequest>> ParseOpenRequest(std::string_view head) {
  ByteReader r(head);
  uint64_t length = 0;
  if (!ReadVarint(&r, &length)) return std::optional<ParsedRequest>();
  if (length > kMaxOpenRequestBytes) return OutOfRange("open request too long");
  std::string_view request;
  if (!r.ReadBytes(static_cast<size_t>(length), &request)) return std::optional<ParsedRequest>();
  return std::optional<ParsedRequest>(ParsedRequest{std::string(request), r.position()});
}

Result<std::optional<ParsedAnswer>> ParseOpenAnswer(std::string_view head) {
  ByteReader r(head);
  uint8_t status = 0;
  uint64_t length = 0;
  if (!r.ReadU8(&status) || !ReadVarint(&r, &length)) return std::optional<ParsedAnswer>();
  if (status > kRefused || length > kMaxReasonBytes) {
    return InvalidArgument("unreadable reply from the peer");
  }
  std::string_view reason;
  if (!r.ReadBytes(static_cast<size_t>(length), &reason)) return std::optional<ParsedAnswer>();
  return std::optional<ParsedAnswer>(
      ParsedAnswer{status == kAccepted, std::string(reason), r.position()});
}

}  // namespace roam::channel
