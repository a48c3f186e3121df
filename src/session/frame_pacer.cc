// Frame pacing for the server's screen pushes.

#include "session/frame_pacer.h"

#include <algorithm>

namespace roam::session {

Duration FrameIntervalFromSrtt(Duration srtt) {
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(srtt);
  auto half = std::chrono::milliseconds((ms.count() + 1) / 2);
  return std::clamp<Duration>(half, kFrameIntervalMin, kFrameIntervalMax);
}

void FramePacer::OnOutput(TimePoint now, size_t bytes) {
  if (!first_unpushed_) {
    first_unpushed_ = now;
    unpushed_bytes_ = 0;
  }
  unpushed_bytes_ = bytes > SIZE_MAX - unpushed_bytes_ ? SIZE_MAX : unpushed_bytes_ + bytes;
  last_output_ = std::max(last_output_, now);
}

void FramePacer::OnPushed(TimePoint /*now*/) {
  first_unpushed_.reset();
  unpushed_bytes_ = 0;
}

Duration FramePacer::Settle() const {
  const bool echo = last_input_ && first_unpushed_ && *first_unpushed_ >= *last_input_ &&
                    *first_unpushed_ - *last_input_ <= kEchoWindow &&
                    unpushed_bytes_ <= kEchoMaxBytes;
  return echo ? Duration(kEchoSettle) : Duration(kSettle);
}

bool FramePacer::ShouldPush(TimePoint now, Duration interval) const {
  if (!first_unpushed_) return false;
  return now - last_output_ >= Settle() || now - *first_unpushed_ >= interval;
}

TimePoint FramePacer::NextWakeup(Duration interval) const {
  if (!first_unpushed_) return kNever;
  return std::min(last_output_ + Settle(), *first_unpushed_ + interval);
}

}  // namespace roam::session
