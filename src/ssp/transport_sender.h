// TransportSender: the sending half of the State Synchronization Protocol
// (docs/protocol.md §5.3-§5.6, §5.9), for any SyncState.
//
// It owns the live local state (current_state) and the list of states it has
// sent (sent_states: first = newest acknowledged by the peer, last = newest
// sent). Each Tick decides from the timers whether to send, and against which
// earlier state to diff; it returns at most one Instruction, complete with
// protocol version, numbers, throwaway number and chaff. Fragmenting,
// sealing and sockets belong to the caller (Transport).
//
// It is sans-I/O: time comes in as `now`, the link's RTO and frame interval
// and the time a new peer state was last heard come in as a LinkTiming, and
// chaff comes from an injected Random. Every rule and constant is Mosh 1.4's,
// so a stock peer sees the same pacing, numbering and shutdown handshake.

#ifndef ROAM_SSP_TRANSPORT_SENDER_H_
#define ROAM_SSP_TRANSPORT_SENDER_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>

#include "base/check.h"
#include "base/clock.h"
#include "base/random.h"
#include "ssp/sync_state.h"
#include "wire/instruction_codec.h"

namespace roam::ssp {

// Heartbeat: an empty-diff Instruction with a new number at least this often.
inline constexpr Millis kAckInterval{3000};
// Delay before acknowledging a new peer state that carried a non-empty diff.
inline constexpr Millis kAckDelay{100};
// How long to collect local changes before sending them.
inline constexpr Millis kSendMinDelayServer{8};
inline constexpr Millis kSendMinDelayClient{1};
// Resend at frame rate only while a new peer state arrived within this long;
// also the time a shutdown is given before the sender gives up on it.
inline constexpr Millis kActiveRetryTimeout{10000};
// Shutdown Instructions sent before giving up on an acknowledgement.
inline constexpr int kShutdownRetries = 16;
// Sent states kept; adding one more deletes the entry 16th from the end.
inline constexpr size_t kSentStatesLimit = 32;
inline constexpr size_t kSentStatesCullFromEnd = 16;
// Chaff is `random byte mod 17` random bytes: 0..16.
inline constexpr uint64_t kChaffLengthModulus = 17;

// Loss-aware sending (roam's; the bytes on the wire stay SSP's). On a link
// measured to lose at least kLossAwareMinLoss of the peer's datagrams, a
// lost keystroke would otherwise wait RTO + ACK_DELAY (a few hundred ms)
// for its resend. So a data Instruction whose diff is at most
// kSmallDiffBytes (a keystroke, an echo) is sent twice (copies() == 2: the
// same fragments in two datagrams; a peer that gets both drops the second
// as an identical fragment or a duplicate state, as Mosh does), and while it
// is unacknowledged it is resent after SRTT * 5/4 + kEarlyResendSlack when
// that comes before RTO + ACK_DELAY. A small peer state is acknowledged at
// once rather than within ACK_DELAY (so that resend is not spurious), and
// that ack goes out twice too. Bulk output and heartbeats are never doubled.
inline constexpr double kLossAwareMinLoss = 0.02;
inline constexpr size_t kSmallDiffBytes = 256;
inline constexpr Millis kEarlyResendSlack{20};

// What the sender needs to know about the link, read fresh at every call.
struct LinkTiming {
  Millis rto{1000};               // retransmission timeout (docs/protocol.md §2.3)
  Millis send_interval{250};      // frame interval (docs/protocol.md §2.3)
  TimePoint last_new_state_at{};  // when a NEW peer state was last accepted; {} if never
  bool remote_known = false;      // false: nowhere to send (server before contact)
  double loss = 0;                // measured loss of the peer's datagrams (0..1)
  Duration srtt{Millis(1000)};    // smoothed round-trip time
};

template <SyncState S>
class TransportSender {
 public:
  // `initial` is state 0, which both sides hold without sending it.
  // `send_mindelay` is kSendMinDelayServer or kSendMinDelayClient.
  // REQUIRES: `random` outlives the sender.
  TransportSender(const S& initial, Millis send_mindelay, Random* random, TimePoint now)
      : current_state_(initial),
        send_mindelay_(send_mindelay),
        random_(random),
        next_ack_time_(now),
        next_send_time_(now) {
    sent_states_.push_back(SentState{now, 0, initial});
  }

  // The live local state. The application changes it between calls; after
  // StartShutdown() it must not change any more.
  S& current_state() { return current_state_; }
  const S& current_state() const { return current_state_; }

  // Replaces SEND_MINDELAY, the time changes are collected before the first
  // send after a quiet period. For a sender whose application already
  // collects changes itself (roam-server pushes a screen only once the
  // program's output has settled), 0 removes the fixed wait. The frame
  // interval still spaces every send.
  void SetSendMinDelay(Millis mindelay) { send_mindelay_ = mindelay; }
  Millis send_mindelay() const { return send_mindelay_; }

  // The newest peer state received in order: sent as ack_num.
  void set_ack_num(uint64_t ack_num) { ack_num_ = ack_num; }
  uint64_t ack_num() const { return ack_num_; }

  // A new peer state with a non-empty diff arrived at `now`: acknowledge it
  // within kAckDelay; at once if its diff was `small` (kSmallDiffBytes) and
  // the link is lossy (the peer's loss-aware resend waits about one SRTT).
  void SetDataAck(TimePoint now, bool small = false) {
    pending_data_ack_ = true;
    pending_small_data_ack_ = pending_small_data_ack_ || small;
    next_ack_time_ = std::min(next_ack_time_, now + kAckDelay);
  }

  // The peer acknowledged our state `ack_num`: if we still hold it, every
  // older sent state is forgotten; otherwise (culled or never sent) ignored.
  void ProcessAcknowledgmentThrough(uint64_t ack_num) {
    auto it = std::find_if(sent_states_.begin(), sent_states_.end(),
                           [&](const SentState& s) { return s.num == ack_num; });
    if (it == sent_states_.end()) return;
    while (sent_states_.front().num < ack_num) PopFront();
  }

  // When the application should next call Tick(): the earlier of the ack and
  // send timers, never before `now`; kNever while the remote is unknown or
  // nothing is due. Changes no state, except that, like every timer
  // computation, it starts the SEND_MINDELAY clock if it is the first to
  // notice unsent changes (so NextWakeup and the following Tick agree).
  TimePoint NextWakeup(const LinkTiming& link, TimePoint now) const {
    Timers t = ComputeTimers(link, now);
    mindelay_clock_ = t.mindelay_clock;
    if (!link.remote_known) return kNever;
    return std::max(now, std::min(t.next_ack, t.next_send));
  }

  // Runs the timers and returns the Instruction to send now, if any.
  // copies() then says how many times to send it.
  std::optional<TransportBuffers::Instruction> Tick(const LinkTiming& link, TimePoint now) {
    copies_ = 1;
    CalculateTimers(link, now);
    if (!link.remote_known) return std::nullopt;
    if (now < next_ack_time_ && now < next_send_time_) return std::nullopt;

    std::string diff = current_state_.DiffFrom(sent_states_[assumed_].state);
    if (assumed_ != 0) {
      // Prospective resend: prefer a diff against the acknowledged state when
      // it is not much bigger, so a lost intermediate state does not matter.
      std::string d2 = current_state_.DiffFrom(sent_states_.front().state);
      if (d2.size() <= diff.size() || (d2.size() < 1000 && d2.size() - diff.size() < 100)) {
        assumed_ = 0;
        diff = std::move(d2);
      }
    }

    std::optional<TransportBuffers::Instruction> out;
    if (diff.empty()) {
      if (now >= next_ack_time_) {
        // The ack of a small peer state goes out twice too (not heartbeats).
        const bool answers_small = pending_small_data_ack_;
        out = SendEmptyAck(now);
        if (answers_small && LossAware(link)) copies_ = 2;
        mindelay_clock_.reset();
      }
      if (now >= next_send_time_) {
        next_send_time_ = kNever;
        mindelay_clock_.reset();
      }
    } else if (now >= next_send_time_ || now >= next_ack_time_) {
      small_in_flight_ = diff.size() <= kSmallDiffBytes;
      if (small_in_flight_ && LossAware(link)) copies_ = 2;
      out = SendData(std::move(diff), now);
      mindelay_clock_.reset();
    }
    return out;
  }

  // How many times the Instruction the last Tick() returned should go out
  // (see kLossAwareMinLoss): 1, or 2 for a small one on a lossy link.
  int copies() const { return copies_; }

  // Begins the shutdown handshake (docs/protocol.md §5.9): every following Instruction
  // carries new_num 2^64-1 and goes out once per frame interval.
  void StartShutdown(TimePoint now) {
    if (shutdown_in_progress_) return;
    shutdown_in_progress_ = true;
    shutdown_start_ = now;
  }
  bool shutdown_in_progress() const { return shutdown_in_progress_; }
  // The peer acknowledged our shutdown state: the session ended cleanly.
  bool shutdown_acknowledged() const { return sent_states_.front().num == wire::kShutdownStateNum; }
  // The shutdown was sent kShutdownRetries times or kActiveRetryTimeout ago
  // without an acknowledgement: give up.
  bool shutdown_ack_timed_out(TimePoint now) const {
    return shutdown_in_progress_ &&
           (shutdown_tries_ >= kShutdownRetries || now - shutdown_start_ >= kActiveRetryTimeout);
  }
  // We have sent an Instruction acknowledging the peer's shutdown state: on
  // the peer side of a shutdown, the session is over.
  bool counterparty_shutdown_ack_sent() const { return counterparty_shutdown_ack_sent_; }

  // Send time of the newest state the peer acknowledged (for port hopping).
  TimePoint last_acked_time() const { return sent_states_.front().time; }

  // Introspection, for tests and invariants.
  size_t sent_states_size() const { return sent_states_.size(); }
  uint64_t sent_state_num(size_t i) const { return sent_states_.at(i).num; }
  uint64_t acked_num() const { return sent_states_.front().num; }
  uint64_t last_sent_num() const { return sent_states_.back().num; }
  TimePoint last_sent_time() const { return sent_states_.back().time; }
  uint64_t assumed_receiver_num() const { return sent_states_[assumed_].num; }
  int shutdown_tries() const { return shutdown_tries_; }

 private:
  struct SentState {
    TimePoint time;
    uint64_t num;
    S state;
  };
  struct Timers {
    size_t assumed;
    TimePoint next_ack;
    TimePoint next_send;
    std::optional<TimePoint> mindelay_clock;
  };

  // The timer rules of docs/protocol.md §5.4, computed without changing anything.
  Timers ComputeTimers(const LinkTiming& link, TimePoint now) const {
    Timers t{0, next_ack_time_, next_send_time_, mindelay_clock_};
    // update_assumed: give recent unacknowledged sends the benefit of the doubt.
    for (size_t i = 1; i < sent_states_.size(); ++i) {
      if (now - sent_states_[i].time < link.rto + kAckDelay) {
        t.assumed = i;
      } else {
        break;
      }
    }
    if (pending_data_ack_ && t.next_ack > now + kAckDelay) t.next_ack = now + kAckDelay;
    if (pending_small_data_ack_ && LossAware(link)) t.next_ack = std::min(t.next_ack, now);

    const SentState& last = sent_states_.back();
    const bool heard_recently = link.last_new_state_at + kActiveRetryTimeout > now;
    if (!(current_state_ == last.state)) {
      if (!t.mindelay_clock) t.mindelay_clock = now;
      t.next_send = std::max(*t.mindelay_clock + send_mindelay_, last.time + link.send_interval);
    } else if (!(current_state_ == sent_states_[t.assumed].state) && heard_recently) {
      t.next_send = last.time + link.send_interval;
      if (t.mindelay_clock) t.next_send = std::max(t.next_send, *t.mindelay_clock + send_mindelay_);
    } else if (!(current_state_ == sent_states_.front().state) && heard_recently) {
      t.next_send = last.time + link.rto + kAckDelay;
      if (small_in_flight_ && LossAware(link)) {
        t.next_send =
            std::min<TimePoint>(t.next_send, last.time + link.srtt * 5 / 4 + kEarlyResendSlack);
      }
    } else {
      t.next_send = kNever;
    }
    if (shutdown_in_progress_ || ack_num_ == wire::kShutdownStateNum) {
      t.next_ack = last.time + link.send_interval;
    }
    return t;
  }

  static bool LossAware(const LinkTiming& link) { return link.loss >= kLossAwareMinLoss; }

  void CalculateTimers(const LinkTiming& link, TimePoint now) {
    Timers t = ComputeTimers(link, now);
    assumed_ = t.assumed;
    Rationalize();
    next_ack_time_ = t.next_ack;
    next_send_time_ = t.next_send;
    mindelay_clock_ = t.mindelay_clock;
  }

  // Drops the acknowledged prefix from the live state and every sent state.
  // The first entry is subtracted from itself last.
  void Rationalize() {
    const S& prefix = sent_states_.front().state;
    current_state_.Subtract(prefix);
    for (size_t i = sent_states_.size(); i-- > 0;) sent_states_[i].state.Subtract(prefix);
  }

  TransportBuffers::Instruction SendEmptyAck(TimePoint now) {
    uint64_t n = shutdown_in_progress_ ? wire::kShutdownStateNum : sent_states_.back().num + 1;
    AddSentState(now, n);
    TransportBuffers::Instruction instruction = MakeInstruction(std::string(), n);
    next_ack_time_ = now + kAckInterval;
    next_send_time_ = kNever;
    return instruction;
  }

  TransportBuffers::Instruction SendData(std::string diff, TimePoint now) {
    SentState& last = sent_states_.back();
    uint64_t n = (current_state_ == last.state) ? last.num : last.num + 1;
    if (shutdown_in_progress_) n = wire::kShutdownStateNum;
    AddSentState(now, n);
    TransportBuffers::Instruction instruction = MakeInstruction(std::move(diff), n);
    assumed_ = sent_states_.size() - 1;
    next_ack_time_ = now + kAckInterval;
    next_send_time_ = kNever;
    return instruction;
  }

  // Records that state `n` (the live state) went out at `now`: a resend of
  // the last number refreshes its time, a new number is appended (culling
  // the entry 16th from the end when the list would exceed its limit).
  void AddSentState(TimePoint now, uint64_t n) {
    if (n == sent_states_.back().num) {
      sent_states_.back().time = now;
      return;
    }
    sent_states_.push_back(SentState{now, n, current_state_});
    if (sent_states_.size() > kSentStatesLimit) {
      size_t victim = sent_states_.size() - kSentStatesCullFromEnd;
      sent_states_.erase(sent_states_.begin() + static_cast<ptrdiff_t>(victim));
      if (assumed_ > victim) {
        --assumed_;
      } else if (assumed_ == victim) {
        assumed_ = victim - 1;
      }
    }
  }

  // Builds the Instruction for old = assumed, new = `n`; all seven fields
  // set, in field order.
  TransportBuffers::Instruction MakeInstruction(std::string diff, uint64_t n) {
    TransportBuffers::Instruction instruction;
    instruction.set_protocol_version(wire::kProtocolVersion);
    instruction.set_old_num(sent_states_[assumed_].num);
    instruction.set_new_num(n);
    instruction.set_ack_num(ack_num_);
    instruction.set_throwaway_num(sent_states_.front().num);
    instruction.set_diff(std::move(diff));
    instruction.set_chaff(MakeChaff());
    pending_data_ack_ = false;
    pending_small_data_ack_ = false;
    if (shutdown_in_progress_) ++shutdown_tries_;
    if (ack_num_ == wire::kShutdownStateNum) counterparty_shutdown_ack_sent_ = true;
    return instruction;
  }

  std::string MakeChaff() {
    size_t length = static_cast<size_t>((random_->Next() & 0xFF) % kChaffLengthModulus);
    std::string chaff(length, '\0');
    for (char& c : chaff) c = static_cast<char>(random_->Next() & 0xFF);
    return chaff;
  }

  void PopFront() {
    sent_states_.pop_front();
    assumed_ = assumed_ > 0 ? assumed_ - 1 : 0;
  }

  S current_state_;
  Millis send_mindelay_;
  Random* random_;
  std::deque<SentState> sent_states_;
  size_t assumed_ = 0;  // index into sent_states_
  uint64_t ack_num_ = 0;
  bool pending_data_ack_ = false;
  bool pending_small_data_ack_ = false;  // a small peer state awaits its ack
  TimePoint next_ack_time_;
  TimePoint next_send_time_;
  // When unsent changes were first noticed (cached by const NextWakeup too).
  mutable std::optional<TimePoint> mindelay_clock_;
  // The last data Instruction was small (kSmallDiffBytes): loss-aware
  // sending applies to it and to its resends.
  bool small_in_flight_ = false;
  int copies_ = 1;  // for the Instruction the last Tick() returned
  bool shutdown_in_progress_ = false;
  TimePoint shutdown_start_{};
  int shutdown_tries_ = 0;
  bool counterparty_shutdown_ack_sent_ = false;
};

}  // namespace roam::ssp

#endif  // ROAM_SSP_TRANSPORT_SENDER_H_
