// FramePacer: when the server copies the emulator's screen into the
// transport's current state (a "frame").
//
// Copying on every pty read wastes work during bulk output (`cat bigfile`),
// and copying in the middle of an application's redraw sends half-drawn
// screens. The pacer pushes a frame:
//   * as soon as the pty has been quiet for kSettle after the last output
//     (the redraw is complete; this keeps keystroke echo fast), or
//   * once the oldest unpushed change is one send interval old, even if
//     output is still flowing, so long bursts still show progress at the
//     frame rate the link supports and every stale intermediate screen is
//     skipped.
// The send interval follows SSP's: clamp(ceil(SRTT / 2), 20 ms, 250 ms).
//
// An echo settles sooner. Output that starts shortly after the user's
// input was written to the pty (within kEchoWindow) and stays small (at most
// kEchoMaxBytes) is the application echoing a keystroke; a shell writes
// that in one go, so it is pushed once the pty has been quiet for
// kEchoSettle instead of kSettle. On a fast link the settle is most of what
// a keystroke's round trip costs on the server.
// Pure logic on injected time.

#ifndef ROAM_SESSION_FRAME_PACER_H_
#define ROAM_SESSION_FRAME_PACER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/clock.h"

namespace roam::session {

inline constexpr auto kFrameIntervalMin = std::chrono::milliseconds(20);  // SSP's SEND_INTERVAL_MIN
inline constexpr auto kFrameIntervalMax =
    std::chrono::milliseconds(250);  // SSP's SEND_INTERVAL_MAX
// Quiet time after output that marks a redraw as finished. roam-server
// relies on it instead of SSP's fixed 8 ms SEND_MINDELAY, so an echo is
// pushed and sent about kSettle after the shell wrote it.
inline constexpr auto kSettle = std::chrono::milliseconds(2);
// The quiet time that ends an echo, and what counts as one.
inline constexpr auto kEchoSettle = std::chrono::microseconds(100);
inline constexpr size_t kEchoMaxBytes = 32;
inline constexpr auto kEchoWindow = std::chrono::milliseconds(50);

// clamp(ceil(srtt / 2), kFrameIntervalMin, kFrameIntervalMax), in whole ms.
Duration FrameIntervalFromSrtt(Duration srtt);

class FramePacer {
 public:
  // The pty produced `bytes` of output that changed the emulator at `now`.
  void OnOutput(TimePoint now, size_t bytes);
  // A change of the screen that is not an echo (a resize, say).
  void OnOutput(TimePoint now) { OnOutput(now, SIZE_MAX); }
  // The user's input was written to the pty at `now`.
  void OnInput(TimePoint now) { last_input_ = now; }
  // The current screen was pushed to the transport at `now`.
  void OnPushed(TimePoint now);

  // Whether the screen should be pushed now, given the current send interval.
  bool ShouldPush(TimePoint now, Duration interval) const;
  // When ShouldPush will next become true without new events (kNever if
  // nothing is waiting).
  TimePoint NextWakeup(Duration interval) const;

  bool dirty() const { return first_unpushed_.has_value(); }

 private:
  // The quiet time that ends the unpushed output: kEchoSettle for an echo.
  Duration Settle() const;

  std::optional<TimePoint> first_unpushed_;  // oldest change not yet pushed
  TimePoint last_output_{};
  size_t unpushed_bytes_ = 0;  // output since first_unpushed_ (saturating)
  std::optional<TimePoint> last_input_;
};

}  // namespace roam::session

#endif  // ROAM_SESSION_FRAME_PACER_H_
