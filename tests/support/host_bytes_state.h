// HostBytesState: a small server -> client synchronized object for testing
// the transport: the raw bytes the host application has written so far, the
// echo-ack number and the last size the server announced. A test stand-in:
// the real terminal state is state::ScreenState (src/state/screen_state.h).
//
// It satisfies ssp::SyncState. Its diff is a HostBuffers.HostMessage with, in
// this order and one extension per Instruction: EchoAck (if it grew),
// ResizeMessage (if the size changed) and HostBytes (the bytes appended since
// `old`). Like the terminal state it is a full snapshot: Subtract is a no-op.
// The echo ack only grows; Apply rejects a diff that would lower it (a stock
// Mosh client aborts there, roam reports an error and keeps its state).

#ifndef ROAM_TESTS_SUPPORT_HOST_BYTES_STATE_H_
#define ROAM_TESTS_SUPPORT_HOST_BYTES_STATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace roam::state {

struct TerminalSize {
  int32_t width = 0;
  int32_t height = 0;
  friend bool operator==(const TerminalSize&, const TerminalSize&) = default;
};

class HostBytesState {
 public:
  void AppendBytes(std::string_view bytes) { bytes_.append(bytes); }
  // REQUIRES: echo_ack >= this->echo_ack() (echo acks never decrease).
  void SetEchoAck(uint64_t echo_ack);
  void SetSize(TerminalSize size) { size_ = size; }

  const std::string& bytes() const { return bytes_; }
  uint64_t echo_ack() const { return echo_ack_; }
  const std::optional<TerminalSize>& size() const { return size_; }

  friend bool operator==(const HostBytesState&, const HostBytesState&) = default;

  // A full snapshot: nothing to subtract.
  void Subtract(const HostBytesState& /*prefix*/) {}

  // Returns a serialized HostMessage that turns `old` into this state, or the
  // empty string when they are equal. If `old`'s bytes are not a prefix of
  // these (not an ancestor), all bytes are sent again.
  std::string DiffFrom(const HostBytesState& old) const;
  std::string InitDiff() const;

  // Applies a HostMessage. Errors: kMalformed when it does not parse;
  // kInvalidArgument when an EchoAck would decrease the echo ack. On error the
  // state is unchanged.
  Status Apply(std::string_view diff);

 private:
  std::string bytes_;
  uint64_t echo_ack_ = 0;
  std::optional<TerminalSize> size_;
};

}  // namespace roam::state

#endif  // ROAM_TESTS_SUPPORT_HOST_BYTES_STATE_H_
