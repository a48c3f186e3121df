// Stream framing: the session's sealed datagrams carried over a reliable
// byte stream (a TCP connection, or an ssh connection's stdin and stdout)
// when UDP does not get through (docs/protocol.md §10).
//
//   frame = length(u16, big-endian) ‖ datagram (length bytes, 24..2048)
//
// The datagram is exactly what would have been a UDP payload: nonce,
// ciphertext and tag under the session key, so the stream adds no trust of
// its own; whoever can write to it can only have their bytes dropped by
// authentication. StreamDeframer takes bytes as they arrive and hands out
// whole datagrams; a length outside 24..2048 cannot be resynchronized, so
// it is malformed and the stream must be closed.

#ifndef ROAM_NET_STREAM_FRAMING_H_
#define ROAM_NET_STREAM_FRAMING_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace roam::net {

inline constexpr size_t kMinFramedDatagram = 24;    // nonce + tag
inline constexpr size_t kMaxFramedDatagram = 2048;  // as on UDP

// Appends the frame of `datagram`. REQUIRES: its size is within
// kMinFramedDatagram..kMaxFramedDatagram (checked).
void AppendFrame(std::string_view datagram, std::string* out);

struct DeframerStats {
  uint64_t frames = 0;
  uint64_t malformed = 0;  // a length outside the bounds: the stream was given up
};

class StreamDeframer {
 public:
  void Feed(std::string_view bytes) { buffer_.append(bytes); }
  // The next whole datagram; nullopt when more bytes are needed.
  // Errors: kMalformed (bad length); the stream is unusable from then on.
  Result<std::optional<std::string>> Next();
  // Bytes held: at most one frame plus what was fed since.
  size_t buffered() const { return buffer_.size() - pos_; }
  const DeframerStats& stats() const { return stats_; }

 private:
  std::string buffer_;
  size_t pos_ = 0;
  bool broken_ = false;
  DeframerStats stats_;
};

}  // namespace roam::net

#endif  // ROAM_NET_STREAM_FRAMING_H_
