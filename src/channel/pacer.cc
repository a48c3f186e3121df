#include "channel/pacer.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace roam::channel {

namespace {
double Seconds(Duration d) { return std::chrono::duration<double>(d).count(); }
}  // namespace

double Pacer::Burst() const {
  return std::max(static_cast<double>(kBurstPackets * mds_),
                  static_cast<double>(rate_) * Seconds(kBurstTime));
}

double Pacer::BudgetAt(TimePoint now) const {
  if (now <= last_) return budget_;
  return std::min(Burst(), budget_ + static_cast<double>(rate_) * Seconds(now - last_));
}

void Pacer::SetRate(uint64_t rate, size_t max_datagram_size, TimePoint now) {
  budget_ = BudgetAt(now);
  last_ = std::max(last_, now);
  rate_ = rate;
  mds_ = max_datagram_size;
  budget_ = std::min(budget_, Burst());
}

bool Pacer::CanSend(size_t bytes, TimePoint now) const {
  if (rate_ == 0) return true;
  return BudgetAt(now) >= static_cast<double>(bytes);
}

TimePoint Pacer::NextSendTime(size_t bytes, TimePoint now) const {
  if (rate_ == 0) return now;
  const double missing = static_cast<double>(bytes) - BudgetAt(now);
  if (missing <= 0) return now;
  const auto wait = std::chrono::duration<double>(missing / static_cast<double>(rate_));
  return now + std::chrono::ceil<Duration>(wait);
}

void Pacer::OnSent(size_t bytes, TimePoint now) {
  if (rate_ == 0) return;
  budget_ = BudgetAt(now) - static_cast<double>(bytes);
  last_ = std::max(last_, now);
  // A packet sent while over budget (probes, ACK-only) may push it below
  // zero; let it recover instead of accumulating debt without bound.
  budget_ = std::max(budget_, -Burst());
}

}  // namespace roam::channel
