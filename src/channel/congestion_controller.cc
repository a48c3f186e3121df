#include "channel/congestion_controller.h"

namespace roam::channel {

std::unique_ptr<CongestionController> MakeCongestionController(CongestionAlgorithm algorithm,
                                                               size_t max_datagram_size,
                                                               TimePoint /*now*/) {
  switch (algorithm) {
    case CongestionAlgorithm::kNewReno:
    case CongestionAlgorithm::kCubic:
    case CongestionAlgorithm::kBbr:
      break;
  }
  return std::make_unique<NewReno>(max_datagram_size);
}

}  // namespace roam::channel
