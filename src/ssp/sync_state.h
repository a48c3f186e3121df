// SyncState: what the State Synchronization Protocol needs from an object it
// synchronizes (docs/protocol.md §5.2, §6.1, §7.1).
//
// SSP never looks inside a state. It keeps copies of past states, compares
// them, asks for the diff between two of them, and applies diffs received
// from the peer. A type T is a SyncState when:
//
//   * T is default-constructible and copyable; copies are independent values
//     (the sender keeps up to 32 of them, the receiver up to 1024).
//   * `a == b` is true exactly when the two objects would produce the same
//     diffs against any common base (for the UserStream: the same events).
//   * `a.Subtract(prefix)` removes the part of `a` that `prefix` already
//     covers, when `prefix` is an older version of `a` (an ancestor). Used to
//     drop the acknowledged prefix so that old history does not grow without
//     bound; a no-op for objects that are a full snapshot (the terminal). If
//     `prefix` is not an ancestor of `a`, `a` is left unchanged. Never aborts.
//     `a.Subtract(a)` (prefix aliasing the object) must work too: the
//     sender subtracts its acknowledged state from itself last.
//   * `a.DiffFrom(old)` returns the bytes that turn `old` into `a` when applied
//     to a copy of `old`; the empty string when there is nothing to say (and
//     only then is the Instruction's diff empty). `old` is normally an
//     ancestor of `a`; if it is not (a misbehaving peer fed us inconsistent
//     states), the result is a best effort, never a crash.
//   * `a.InitDiff()` returns the diff from a default-constructed (initial)
//     object, i.e. DiffFrom(T{}) up to the object's own choice of base.
//   * `a.Apply(diff)` applies bytes from the peer. On error (malformed or
//     semantically invalid diff) it returns a non-OK Status and leaves `a`
//     unchanged. Never aborts, whatever the bytes.
//
// Diffs are the protobuf bytes that go in Instruction.diff (docs/protocol.md §6, §7).

#ifndef ROAM_SSP_SYNC_STATE_H_
#define ROAM_SSP_SYNC_STATE_H_

#include <concepts>
#include <string>
#include <string_view>

#include "base/status.h"

namespace roam::ssp {

template <typename T>
concept SyncState = std::default_initializable<T> && std::copyable<T> &&
    std::equality_comparable<T> && requires(T a, const T& c, std::string_view diff) {
  { a.Subtract(c) } -> std::same_as<void>;
  { c.DiffFrom(c) } -> std::same_as<std::string>;
  { c.InitDiff() } -> std::same_as<std::string>;
  { a.Apply(diff) } -> std::same_as<Status>;
};

}  // namespace roam::ssp

#endif  // ROAM_SSP_SYNC_STATE_H_
