#include "channel/congestion_controller.h"

#include "channel/bbr.h"
#include "channel/cubic.h"

namespace roam::channel {

std::unique_ptr<CongestionController> MakeCongestionController(CongestionAlgorithm algorithm,
                                                               size_t max_datagram_size,
                                                               TimePoint now) {
  switch (algorithm) {
    case CongestionAlgorithm::kNewReno:
      return std::make_unique<NewReno>(max_datagram_size);
    case CongestionAlgorithm::kCubic:
      return std::make_unique<Cubic>(max_datagram_size);
    case CongestionAlgorithm::kBbr:
      // The start time seeds the gain cycle's random phase: two sessions
      // started apart do not probe in step, and a replay is identical.
      return std::make_unique<Bbr>(max_datagram_size, now,
                                   static_cast<uint64_t>(now.time_since_epoch().count()));
  }
  return std::make_unique<NewReno>(max_datagram_size);
}

}  // namespace roam::channel
