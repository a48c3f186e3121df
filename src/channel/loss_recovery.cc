#include "channel/loss_recovery.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "base/check.h"
#include "channel/ack_tracker.h"

namespace roam::channel {

void LossRecovery::OnPacketSent(SentPacket packet, TimePoint now) {
  ROAM_CHECK(packet.pn == next_pn_);
  ++next_pn_;
  ++stats_.packets_sent;
  if (sent_.empty()) first_pn_ = packet.pn;
  Entry entry{std::move(packet), State::kOutstanding};
  SentPacket& p = entry.packet;
  if (p.in_flight) {
    bytes_in_flight_ += p.bytes;
    cc_->OnPacketSent(now, PacketRef{p.pn, p.bytes, p.time_sent}, bytes_in_flight_);
  }
  if (p.ack_eliciting) {
    ++eliciting_in_flight_;
    last_eliciting_sent_ = p.time_sent;
  }
  // A packet that carries nothing to deliver (ACKs, padding) needs no
  // tracking beyond its number.
  if (!p.ack_eliciting && !p.in_flight) entry.state = State::kDone;
  sent_.push_back(std::move(entry));
  if (sent_.size() > kMaxTrackedPackets) {
    std::vector<SentPacket> lost;
    for (Entry& e : sent_) {
      if (e.state != State::kOutstanding) continue;
      lost.push_back(Settle(&e, State::kLost));
      ++stats_.packets_lost;
      break;
    }
    evicted_.insert(evicted_.end(), std::make_move_iterator(lost.begin()),
                    std::make_move_iterator(lost.end()));
    ReportLost(now, lost);
  }
  PopCompleted();
}

std::vector<SentPacket> LossRecovery::TakeEvicted() { return std::exchange(evicted_, {}); }

LossRecovery::Entry* LossRecovery::Find(uint64_t pn) {
  if (pn < first_pn_ || pn - first_pn_ >= sent_.size()) return nullptr;
  return &sent_[pn - first_pn_];
}

SentPacket LossRecovery::Settle(Entry* e, State state) {
  e->state = state;
  if (e->packet.in_flight) bytes_in_flight_ -= e->packet.bytes;
  if (e->packet.ack_eliciting) --eliciting_in_flight_;
  return std::move(e->packet);
}

void LossRecovery::PopCompleted() {
  while (!sent_.empty() && sent_.front().state != State::kOutstanding) {
    sent_.pop_front();
    ++first_pn_;
  }
  if (sent_.empty()) first_pn_ = next_pn_;
}

LossRecovery::AckOutcome LossRecovery::OnAck(const AckFrame& ack, TimePoint now) {
  AckOutcome out;
  if (ack.ranges.empty() || ack.ranges.front().largest >= next_pn_) {
    ++stats_.bad_acks;  // acknowledges what we never sent: ignore the whole frame
    return out;
  }
  const uint64_t largest = ack.ranges.front().largest;
  const uint64_t prior_in_flight = bytes_in_flight_;
  bool largest_newly_acked = false;
  bool any_eliciting = false;
  TimePoint largest_sent{};
  // Walk the ranges from the smallest, so `acked` comes out ascending.
  for (auto r = ack.ranges.rbegin(); r != ack.ranges.rend(); ++r) {
    const uint64_t lo = std::max(r->smallest, first_pn_);
    const uint64_t hi = std::min(r->largest, next_pn_ - 1);
    for (uint64_t pn = lo; pn <= hi && pn >= lo; ++pn) {
      Entry* e = Find(pn);
      if (!e || e->state != State::kOutstanding) continue;
      if (pn == largest) {
        largest_newly_acked = true;
        largest_sent = e->packet.time_sent;
      }
      any_eliciting |= e->packet.ack_eliciting;
      out.acked.push_back(Settle(e, State::kAcked));
      ++stats_.packets_acked;
    }
  }
  if (!has_largest_acked_ || largest > largest_acked_) {
    largest_acked_ = largest;
    has_largest_acked_ = true;
  }
  if (out.acked.empty()) {
    PopCompleted();
    return out;
  }
  if (largest_newly_acked && any_eliciting) {
    // The peer's delay is believed up to kMaxAckDelay; capped while still
    // in microseconds, since any varint would overflow as nanoseconds.
    const uint64_t max_delay_us = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(kMaxAckDelay).count());
    const Duration ack_delay = std::chrono::microseconds(std::min(ack.ack_delay_us, max_delay_us));
    rtt_.OnSample(now - largest_sent, ack_delay);
    if (first_sample_time_ == kNever) first_sample_time_ = now;
  }
  std::vector<PacketRef> refs;
  refs.reserve(out.acked.size());
  for (const SentPacket& p : out.acked) {
    if (p.in_flight) refs.push_back(PacketRef{p.pn, p.bytes, p.time_sent});
  }
  if (!refs.empty()) cc_->OnPacketsAcked(now, refs, prior_in_flight, rtt_);
  out.lost = DetectLost(now);
  ReportLost(now, out.lost);
  pto_count_ = 0;
  PopCompleted();
  return out;
}

std::vector<SentPacket> LossRecovery::DetectLost(TimePoint now) {
  std::vector<SentPacket> lost;
  loss_time_ = kNever;
  if (!has_largest_acked_) return lost;
  const Duration loss_delay =
      std::max<Duration>(std::max(rtt_.latest(), rtt_.smoothed()) * 9 / 8, kGranularity);
  const TimePoint lost_send_time = now - loss_delay;
  for (Entry& e : sent_) {
    if (e.packet.pn > largest_acked_) break;
    if (e.state != State::kOutstanding) continue;
    if (e.packet.time_sent <= lost_send_time || largest_acked_ >= e.packet.pn + kPacketThreshold) {
      lost.push_back(Settle(&e, State::kLost));
      ++stats_.packets_lost;
    } else {
      loss_time_ = std::min(loss_time_, e.packet.time_sent + loss_delay);
    }
  }
  return lost;
}

bool LossRecovery::IsPersistentCongestion(const std::vector<SentPacket>& lost) const {
  // RFC 9002 §7.6, simplified: two ack-eliciting packets lost more than
  // three probe timeouts apart, both sent after the first RTT sample, with
  // nothing between them acknowledged.
  if (!rtt_.has_sample() || lost.size() < 2) return false;
  const SentPacket* first = nullptr;
  const SentPacket* last = nullptr;
  for (const SentPacket& p : lost) {
    if (!p.ack_eliciting || p.time_sent < first_sample_time_) continue;
    if (!first) first = &p;
    last = &p;
  }
  if (!first || first == last) return false;
  if (last->time_sent - first->time_sent <= rtt_.ProbeTimeout(kMaxAckDelay) * 3) return false;
  for (uint64_t pn = first->pn; pn <= last->pn; ++pn) {
    const uint64_t index = pn - first_pn_;
    if (pn >= first_pn_ && index < sent_.size() && sent_[index].state == State::kAcked) {
      return false;
    }
  }
  return true;
}

void LossRecovery::ReportLost(TimePoint now, const std::vector<SentPacket>& lost) {
  if (lost.empty()) return;
  std::vector<PacketRef> refs;
  for (const SentPacket& p : lost) {
    if (p.in_flight) refs.push_back(PacketRef{p.pn, p.bytes, p.time_sent});
  }
  const bool persistent = IsPersistentCongestion(lost);
  if (persistent) ++stats_.persistent_congestion;
  if (!refs.empty()) cc_->OnPacketsLost(now, refs, persistent, bytes_in_flight_);
}

Duration LossRecovery::ProbeTimeout() const {
  const Duration base = rtt_.ProbeTimeout(kMaxAckDelay);
  Duration backed_off = base;
  for (int i = 0; i < pto_count_ && backed_off < kMaxProbeTimeout; ++i) backed_off *= 2;
  return std::max(base, std::min(backed_off, kMaxProbeTimeout));
}

TimePoint LossRecovery::Deadline() const {
  if (loss_time_ != kNever) return loss_time_;
  if (eliciting_in_flight_ == 0) return kNever;
  return last_eliciting_sent_ + ProbeTimeout();
}

LossRecovery::TimeoutOutcome LossRecovery::OnTimeout(TimePoint now) {
  TimeoutOutcome out;
  if (loss_time_ != kNever) {
    if (now < loss_time_) return out;
    out.lost = DetectLost(now);
    ReportLost(now, out.lost);
    PopCompleted();
    return out;
  }
  if (eliciting_in_flight_ == 0 || now < Deadline()) return out;
  ++pto_count_;
  ++stats_.probe_timeouts;
  out.probes = 2;
  // The next probe timeout counts from now, not from the last send.
  last_eliciting_sent_ = now;
  return out;
}

const SentPacket* LossRecovery::OldestUnacked() const {
  for (const Entry& e : sent_) {
    if (e.state == State::kOutstanding && e.packet.ack_eliciting) return &e.packet;
  }
  return nullptr;
}

}  // namespace roam::channel
