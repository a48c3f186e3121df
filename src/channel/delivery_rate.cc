#include "channel/delivery_rate.h"

#include <algorithm>
#include <chrono>

namespace roam::channel {

double RateSample::rate() const {
  if (!valid || interval <= Duration::zero()) return 0;
  return static_cast<double>(delivered) / std::chrono::duration<double>(interval).count();
}

DeliveryRateEstimator::Record* DeliveryRateEstimator::Find(uint64_t pn) {
  auto it = std::lower_bound(records_.begin(), records_.end(), pn,
                             [](const Record& r, uint64_t key) { return r.pn < key; });
  if (it == records_.end() || it->pn != pn || it->done) return nullptr;
  return &*it;
}

void DeliveryRateEstimator::PopDone() {
  while (!records_.empty() && records_.front().done) records_.pop_front();
}

void DeliveryRateEstimator::OnPacketSent(TimePoint now, const PacketRef& packet,
                                         uint64_t bytes_in_flight) {
  // Nothing else in flight: a new send burst starts here, and the time
  // before it (idle) must not stretch the next sample.
  if (bytes_in_flight <= packet.bytes) {
    first_sent_time_ = now;
    delivered_time_ = now;
  }
  if (!records_.empty() && packet.pn <= records_.back().pn) return;  // not ascending: ignore
  records_.push_back(Record{packet.pn, packet.bytes, packet.time_sent, delivered_, delivered_time_,
                            first_sent_time_, app_limited_until_ != 0, false});
  if (records_.size() > kMaxRecords) {
    records_.front().done = true;
    PopDone();
  }
}

RateSample DeliveryRateEstimator::OnAck(TimePoint now, const std::vector<PacketRef>& acked,
                                        Duration min_rtt) {
  RateSample rs;
  const Record* newest = nullptr;
  Record newest_copy;
  for (const PacketRef& p : acked) {
    rs.acked_bytes += p.bytes;
    Record* r = Find(p.pn);
    if (!r) continue;
    delivered_ += r->bytes;
    delivered_time_ = now;
    // The most recently sent of the acknowledged packets gives the sample.
    if (!newest || r->delivered > newest->delivered ||
        (r->delivered == newest->delivered && r->sent > newest->sent)) {
      newest_copy = *r;
      newest = &newest_copy;
      // The next sample's send interval starts where this packet went out.
      first_sent_time_ = r->sent;
    }
    r->done = true;
  }
  PopDone();
  if (app_limited_until_ != 0 && delivered_ > app_limited_until_) app_limited_until_ = 0;
  if (!newest) return rs;

  rs.has_packet = true;
  rs.prior_delivered = newest->delivered;
  rs.app_limited = newest->app_limited;
  rs.delivered = delivered_ - newest->delivered;
  rs.rtt = now - newest->sent;
  const Duration send_elapsed = newest->sent - newest->first_sent_time;
  const Duration ack_elapsed = delivered_time_ - newest->delivered_time;
  rs.interval = std::max(send_elapsed, ack_elapsed);
  rs.valid = rs.interval > Duration::zero() && rs.interval >= min_rtt && rs.delivered > 0;
  return rs;
}

void DeliveryRateEstimator::OnLost(const std::vector<PacketRef>& lost) {
  for (const PacketRef& p : lost) {
    if (Record* r = Find(p.pn)) r->done = true;
  }
  PopDone();
}

void DeliveryRateEstimator::OnAppLimited(uint64_t bytes_in_flight) {
  app_limited_until_ = std::max<uint64_t>(delivered_ + bytes_in_flight, 1);
}

}  // namespace roam::channel
