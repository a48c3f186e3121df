// Frame pacing for the server's screen pushes.

#include "session/frame_pacer.h"

#include <algorithm>

namespace roam::session {

Duration FrameIntervalFromSrtt(Duration srtt) {
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(srtt);
  auto half = std::chrono::milliseconds((ms.count() + 1) / 2);
  return std::clamp<Duration>(half, kFrameIntervalMin, kFrameIntervalMax);
}

void FramePacer::OnOutput(TimePoint now) {
  if (!first_unpushed_) first_unpushed_ = now;
  last_output_ = std::max(last_output_, now);
}

void FramePacer::OnPushed(TimePoint /*now*/) { first_unpushed_.reset(); }

bool FramePacer::ShouldPush(TimePoint now, Duration interval) const {
  if (!first_unpushed_) return false;
  return now - last_output_ >= kSettle || now - *first_unpushed_ >= interval;
}

TimePoint FramePacer::NextWakeup(Duration interval) const {
  if (!first_unpushed_) return kNever;
  return std::min(last_output_ + kSettle, *first_unpushed_ + interval);
}

}  // namespace roam::session
