// UserStream: the client -> server synchronized object (docs/protocol.md §6.1), the
// ordered list of what the user did: bytes typed and window resizes.
//
// It satisfies ssp::SyncState. Its diff is a ClientBuffers.UserMessage: each
// run of consecutive bytes becomes one Keystroke, each resize its own
// ResizeMessage, one extension per Instruction. Subtract() drops an
// acknowledged prefix so that the history the sender keeps stays short.
// The server walks the new events of each received state with EventsOfDiff()
// and collapses runs of resizes with CompactResizes().

#ifndef ROAM_STATE_USER_STREAM_H_
#define ROAM_STATE_USER_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"
#include "state/roam_hello.h"

namespace roam::state {

// One byte typed by the user (after escape-key handling).
struct UserByte {
  char byte = 0;
  friend bool operator==(const UserByte&, const UserByte&) = default;
};

// The user's window became `width` x `height` character cells.
struct Resize {
  int32_t width = 0;
  int32_t height = 0;
  friend bool operator==(const Resize&, const Resize&) = default;
};

// RoamHello: a roam client's announcement (state/roam_hello.h).
using UserEvent = std::variant<UserByte, Resize, RoamHello>;

class UserStream {
 public:
  void PushByte(char byte) { events_.push_back(UserByte{byte}); }
  void PushBytes(std::string_view bytes);
  void PushResize(int32_t width, int32_t height) { events_.push_back(Resize{width, height}); }
  void PushHello(const RoamHello& hello) { events_.push_back(hello); }

  const std::vector<UserEvent>& events() const { return events_; }
  bool empty() const { return events_.empty(); }
  size_t size() const { return events_.size(); }

  friend bool operator==(const UserStream&, const UserStream&) = default;

  // Removes `prefix`'s events from the front when they match this stream's
  // first events; otherwise (prefix is not an ancestor) does nothing.
  void Subtract(const UserStream& prefix);

  // Returns a serialized UserMessage holding the events after `old`, or the
  // empty string when there are none. `old` should be a prefix of this
  // stream; if it is not, the diff holds every event of this stream.
  std::string DiffFrom(const UserStream& old) const;
  // The diff from the empty stream.
  std::string InitDiff() const;

  // Appends the events of the UserMessage `diff`. Instructions with unknown
  // extensions are ignored. Errors: kMalformed when `diff` does not parse;
  // the stream is then unchanged.
  Status Apply(std::string_view diff);

  // The events this stream holds after `old`, which should be a prefix of
  // it (if it is not, every event) — what DiffFrom encodes, without the
  // encoding.
  std::vector<UserEvent> EventsAfter(const UserStream& old) const;

  // The events a diff carries, in order (what Apply would append).
  // Errors: kMalformed.
  static Result<std::vector<UserEvent>> EventsOfDiff(std::string_view diff);

  // Returns `events` with every Resize that is directly followed by another
  // Resize removed: only the last of a run of resizes takes effect (docs/protocol.md §6.1).
  static std::vector<UserEvent> CompactResizes(const std::vector<UserEvent>& events);

 private:
  bool HasPrefix(const UserStream& prefix) const;

  std::vector<UserEvent> events_;
};

}  // namespace roam::state

#endif  // ROAM_STATE_USER_STREAM_H_
