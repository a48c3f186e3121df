#include "channel/congestion_controller.h"

#include "channel/cubic.h"

namespace roam::channel {

std::unique_ptr<CongestionController> MakeCongestionController(CongestionAlgorithm algorithm,
                                                               size_t max_datagram_size,
                                                               TimePoint /*now*/) {
  switch (algorithm) {
    case CongestionAlgorithm::kNewReno:
    case CongestionAlgorithm::kBbr:
      break;
    case CongestionAlgorithm::kCubic:
      return std::make_unique<Cubic>(max_datagram_size);
  }
  return std::make_unique<NewReno>(max_datagram_size);
}

}  // namespace roam::channel
