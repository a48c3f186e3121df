// LinkModel: see link_model.h for the order in which a packet meets outage,
// bottleneck, loss, propagation, reordering and duplication.

#include "netsim/link_model.h"

#include <algorithm>
#include <utility>

#include "netsim/json_object.h"

namespace roam::netsim {
namespace {

using std::chrono::nanoseconds;

// Time to push `bytes` through a bottleneck of `rate` bytes/s, rounded up to
// the nanosecond. REQUIRES: rate > 0.
Duration SerializationTime(uint64_t bytes, uint64_t rate) {
  const long double ns = static_cast<long double>(bytes) * 1e9L / static_cast<long double>(rate);
  return std::chrono::duration_cast<Duration>(nanoseconds(static_cast<int64_t>(ns + 0.999L)));
}

}  // namespace

std::string CountersToJson(const LinkCounters& c) {
  return JsonObject()
      .Add("received", c.received)
      .Add("passed", c.passed)
      .Add("lost_random", c.lost_random)
      .Add("lost_burst", c.lost_burst)
      .Add("lost_outage", c.lost_outage)
      .Add("dropped_queue", c.dropped_queue)
      .Add("duplicated", c.duplicated)
      .Add("reordered", c.reordered)
      .Add("bytes_passed", c.bytes_passed)
      .ToString();
}

LinkModel::LinkModel(LinkConfig config, uint64_t seed, TimePoint start, LinkMode mode)
    : config_(std::move(config)),
      random_(seed),
      start_(start),
      mode_(mode),
      link_free_at_(start),
      last_in_order_at_(start) {}

void LinkModel::SetConfig(LinkConfig config) { config_ = std::move(config); }

void LinkModel::AddOutageNow(TimePoint now, Duration duration) {
  if (duration <= Duration::zero()) return;
  runtime_outages_.push_back({now, now + duration});
}

std::optional<TimePoint> LinkModel::OutageEnd(TimePoint now) const {
  std::vector<Window> windows = runtime_outages_;
  for (const Outage& o : config_.outages) {
    if (o.duration > Duration::zero())
      windows.push_back({start_ + o.start, start_ + o.start + o.duration});
  }
  std::optional<TimePoint> end;
  TimePoint t = now;
  // Each pass either extends `end` through an overlapping window or stops, so
  // windows.size() + 1 passes are enough.
  for (size_t pass = 0; pass <= windows.size(); ++pass) {
    bool extended = false;
    for (const Window& w : windows) {
      if (w.begin <= t && t < w.end && (!end || w.end > *end)) {
        end = w.end;
        extended = true;
      }
    }
    if (!extended) break;
    t = *end;
  }
  return end;
}

bool LinkModel::InOutage(TimePoint t) const { return OutageEnd(t).has_value(); }

uint64_t LinkModel::BacklogBytes(TimePoint now) const {
  if (config_.rate_bytes_per_sec == 0 || link_free_at_ <= now) return 0;
  const long double ns = static_cast<long double>(
      std::chrono::duration_cast<nanoseconds>(link_free_at_ - now).count());
  return static_cast<uint64_t>(ns * static_cast<long double>(config_.rate_bytes_per_sec) / 1e9L);
}

int LinkModel::DrawLoss() {
  // The chain steps on every packet, lost or not, so bursts keep their shape
  // whatever the independent loss does.
  if (config_.burst.enabled()) {
    if (burst_bad_) {
      if (random_.Chance(config_.burst.p_bad_to_good)) burst_bad_ = false;
    } else if (random_.Chance(config_.burst.p_good_to_bad)) {
      burst_bad_ = true;
    }
  }
  if (random_.Chance(config_.loss)) return 1;
  if (config_.burst.enabled() &&
      random_.Chance(burst_bad_ ? config_.burst.loss_bad : config_.burst.loss_good)) {
    return 2;
  }
  return 0;
}

Duration LinkModel::DrawPropagation() {
  const int64_t delay_ns = std::chrono::duration_cast<nanoseconds>(config_.delay).count();
  const int64_t jitter_ns = std::chrono::duration_cast<nanoseconds>(config_.jitter).count();
  int64_t ns = delay_ns;
  if (jitter_ns > 0) {
    const uint64_t span = 2 * static_cast<uint64_t>(jitter_ns) + 1;
    ns += static_cast<int64_t>(random_.Uniform(span)) - jitter_ns;
  }
  return std::chrono::duration_cast<Duration>(nanoseconds(std::max<int64_t>(ns, 0)));
}

std::vector<Delivery> LinkModel::Send(std::string_view packet, TimePoint now) {
  ++counters_.received;
  std::vector<Delivery> out;
  const uint64_t size = packet.size();
  const uint64_t rate = config_.rate_bytes_per_sec;

  if (mode_ == LinkMode::kStream) {
    TimePoint t = now;
    if (std::optional<TimePoint> end = OutageEnd(now)) {
      ++counters_.lost_outage;
      t = *end;  // the stream stalls until the link is back
    }
    if (rate > 0) {
      link_free_at_ = std::max(t, link_free_at_) + SerializationTime(size, rate);
      t = link_free_at_;
    }
    // A lost segment costs a retransmission timeout, doubling per repeat.
    Duration rto = std::max<Duration>(kStreamRetransmitFloor, 2 * (config_.delay + config_.jitter));
    for (int attempt = 0; attempt < kStreamMaxRetransmits; ++attempt) {
      const int lost = DrawLoss();
      if (lost == 0) break;
      ++(lost == 1 ? counters_.lost_random : counters_.lost_burst);
      t += rto;
      rto *= 2;
    }
    const TimePoint at = std::max(t + DrawPropagation(), last_in_order_at_);
    last_in_order_at_ = at;
    ++counters_.passed;
    counters_.bytes_passed += size;
    out.push_back({std::string(packet), at});
    return out;
  }

  if (InOutage(now)) {
    ++counters_.lost_outage;
    return out;
  }
  TimePoint leave = now;
  if (rate > 0) {
    if (BacklogBytes(now) + size > config_.queue_bytes) {
      ++counters_.dropped_queue;
      return out;
    }
    link_free_at_ = std::max(now, link_free_at_) + SerializationTime(size, rate);
    leave = link_free_at_;
  }
  const int lost = DrawLoss();
  if (lost == 1) {
    ++counters_.lost_random;
    return out;
  }
  if (lost == 2) {
    ++counters_.lost_burst;
    return out;
  }
  TimePoint at = std::max(leave + DrawPropagation(), last_in_order_at_);
  if (random_.Chance(config_.reorder)) {
    ++counters_.reordered;
    at += config_.reorder_extra;  // held back; the FIFO floor stays put
  } else {
    last_in_order_at_ = at;
  }
  ++counters_.passed;
  counters_.bytes_passed += size;
  out.push_back({std::string(packet), at});
  if (random_.Chance(config_.duplicate)) {
    ++counters_.duplicated;
    out.push_back({std::string(packet), at});
  }
  return out;
}

}  // namespace roam::netsim
