// Transport: one end of an SSP session (docs/protocol.md §5), synchronizing a Local
// state to the peer and receiving the peer's Remote state.
//
// It joins the pieces below it: the sealed-datagram Connection (net), the
// Fragmenter and FragmentAssembly (fragments and zlib), the TransportSender
// (timers, numbering, shutdown) and the receiver's list of held peer states
// (docs/protocol.md §5.7). It is sans-I/O: the adapter hands it received datagrams with
// Receive(), asks Tick() what to send at `now`, sleeps until NextWakeup(), and
// performs the socket operations. The application changes current_state()
// and reads the peer's newest state or, for the UserStream, the events that
// arrived since it last looked (TakeRemoteDiff()).
//
// Every datagram and Instruction from the network is untrusted: whatever is
// not acted on is dropped and counted in stats(); nothing a peer sends can
// abort the process.

#ifndef ROAM_SSP_TRANSPORT_H_
#define ROAM_SSP_TRANSPORT_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "base/status.h"
#include "net/address.h"
#include "net/connection.h"
#include "ssp/fragment.h"
#include "ssp/fragment_assembly.h"
#include "ssp/sync_state.h"
#include "ssp/transport_sender.h"
#include "wire/instruction_codec.h"

namespace roam::ssp {

// Peer states held at most before new ones are quenched (docs/protocol.md §5.7).
inline constexpr size_t kReceivedStatesLimit = 1024;
// While over the limit, accept at most one new state per this long.
inline constexpr Millis kReceiverQuenchTime{15000};
// A payload whose first byte has this bit set is a roam extension packet,
// not a fragment: fragment ids start at 1 and count up, so a fragment's
// first byte is 0 (docs/protocol.md §9.1).
inline constexpr uint8_t kExtensionPacketBit = 0x80;
// Extension packets held for the application between two TakeExtensionPackets.
inline constexpr size_t kMaxQueuedExtensionPackets = 4096;

// What the receiver counts above the datagram and fragment layers.
struct ReceiverStats {
  uint64_t short_fragments = 0;      // payload shorter than a fragment header
  uint64_t states_accepted = 0;      // new in-order states (ack and liveness move)
  uint64_t states_out_of_order = 0;  // new states inserted before a held one
  uint64_t duplicate_states = 0;     // new_num already held (ack still processed)
  uint64_t unknown_reference = 0;    // old_num not held: ignored
  uint64_t quenched = 0;             // refused while over the held-state limit
  uint64_t bad_diffs = 0;            // the state's Apply() rejected the diff
  uint64_t extension_dropped = 0;  // a roam extension packet nobody takes (docs/protocol.md §9.1)
};

struct TransportStats {
  net::ConnectionStats connection;
  AssemblyStats assembly;
  ReceiverStats receiver;
  uint64_t unsplittable_instructions = 0;  // Instructions that could not be fragmented (a bug)

  // Everything from the peer that was not acted on, over all layers and
  // reasons (replays count where they end: out-of-order datagrams whose
  // states turn out to be duplicates are counted as duplicates).
  uint64_t dropped() const {
    return connection.dropped_short + connection.dropped_oversize + connection.dropped_auth +
           connection.dropped_exhausted + connection.dropped_direction + receiver.short_fragments +
           assembly.duplicates + assembly.stale + assembly.conflicting + assembly.oversize +
           assembly.bad_zlib + assembly.bad_protobuf + assembly.bad_version +
           receiver.duplicate_states + receiver.unknown_reference + receiver.quenched +
           receiver.bad_diffs + receiver.extension_dropped;
  }
};

template <SyncState Local, SyncState Remote>
class Transport {
 public:
  // `connection` carries the key and role (and, for a client, the server's
  // address). `initial_local` and `initial_remote` are the two states 0.
  // REQUIRES: `random` outlives the transport.
  Transport(net::Connection connection, const Local& initial_local, const Remote& initial_remote,
            Random* random, TimePoint now)
      : connection_(std::move(connection)),
        sender_(
            initial_local,
            connection_.role() == net::Role::kServer ? kSendMinDelayServer : kSendMinDelayClient,
            random, now),
        last_consumed_(initial_remote) {
    received_states_.push_back(ReceivedState{now, 0, initial_remote});
  }

  // Processes one datagram that arrived from `from` on local socket
  // `socket_id` (ecn_ce: the IP header said Congestion Experienced).
  // Authentication, direction, sequence and roaming happen in the
  // Connection, in that order; only an authentic payload reaches the
  // fragment layer, and only a complete, valid Instruction the receiver.
  void Receive(std::string_view datagram, const net::Address& from, int socket_id, bool ecn_ce,
               TimePoint now) {
    const uint64_t out_of_order_before = connection_.stats().out_of_order;
    std::optional<std::string> payload =
        connection_.Receive(datagram, from, socket_id, ecn_ce, now);
    if (!payload) return;  // counted by the Connection
    const bool in_order = connection_.stats().out_of_order == out_of_order_before;
    if (!payload->empty() && (static_cast<uint8_t>((*payload)[0]) & kExtensionPacketBit)) {
      // Authentic, but not SSP: for the roam extension layer, if there is
      // one; never into the fragment assembly.
      if (accept_extensions_ && extension_packets_.size() < kMaxQueuedExtensionPackets) {
        extension_packets_.push_back(std::move(*payload));
      } else {
        ++receiver_stats_.extension_dropped;
      }
      return;
    }
    Result<Fragment> fragment = Fragment::Decode(*payload);
    if (!fragment.ok()) {
      ++receiver_stats_.short_fragments;
      return;
    }
    std::optional<TransportBuffers::Instruction> instruction =
        assembly_.Add(std::move(*fragment), in_order);
    if (instruction) ProcessInstruction(*instruction, now);
  }

  // Returns the datagrams to send at `now` (usually none or one Instruction's
  // worth of fragments). After a fatal error (the key's usage limit), returns
  // nothing; see fatal_error().
  std::vector<net::OutgoingDatagram> Tick(TimePoint now) {
    std::vector<net::OutgoingDatagram> out;
    if (!fatal_error_.ok()) return out;
    std::optional<TransportBuffers::Instruction> instruction = sender_.Tick(Timing(), now);
    if (!instruction) return out;
    Result<std::vector<Fragment>> fragments =
        fragmenter_.Split(wire::Serialize(*instruction), connection_.mtu());
    if (!fragments.ok()) {
      ++unsplittable_instructions_;
      return out;
    }
    // A small Instruction on a lossy link goes out twice (the same
    // fragments, each copy in datagrams of its own): see kLossAwareMinLoss.
    for (int copy = 0; copy < sender_.copies(); ++copy) {
      for (const Fragment& fragment : *fragments) {
        Result<net::OutgoingDatagram> datagram = connection_.Seal(fragment.Encode(), now);
        if (!datagram.ok()) {
          if (datagram.status().code() == StatusCode::kResourceExhausted) {
            fatal_error_ = datagram.status();
          }
          // kUnavailable: no remote address (yet, or any more); send nothing.
          return out;
        }
        out.push_back(std::move(*datagram));
      }
    }
    return out;
  }

  // Seals one roam extension packet (docs/protocol.md §9.1) into a datagram
  // to the peer, through the same key, nonce counter, timestamps, roaming
  // and port hopping as SSP's fragments. Errors: as Connection::Seal
  // (kUnavailable: no peer address; kResourceExhausted: the key is used up,
  // after which fatal_error() is set).
  // REQUIRES: payload is at least 10 bytes and starts with the extension bit.
  Result<net::OutgoingDatagram> SealExtension(std::string_view payload, TimePoint now) {
    if (!fatal_error_.ok()) return fatal_error_;
    Result<net::OutgoingDatagram> datagram = connection_.Seal(payload, now);
    if (!datagram.ok() && datagram.status().code() == StatusCode::kResourceExhausted) {
      fatal_error_ = datagram.status();
    }
    return datagram;
  }

  // Whether authentic extension packets are kept for TakeExtensionPackets
  // (true once the peer announced itself); otherwise they are dropped and
  // counted.
  void set_accept_extensions(bool accept) { accept_extensions_ = accept; }
  // The extension packets received since the last call, in arrival order.
  std::vector<std::string> TakeExtensionPackets() {
    std::vector<std::string> out(std::make_move_iterator(extension_packets_.begin()),
                                 std::make_move_iterator(extension_packets_.end()));
    extension_packets_.clear();
    return out;
  }

  // When Tick() should next run: never before `now`; kNever while the remote
  // address is unknown or after a fatal error.
  TimePoint NextWakeup(TimePoint now) const {
    if (!fatal_error_.ok()) return kNever;
    return sender_.NextWakeup(Timing(), now);
  }

  // The live local state; change it freely until StartShutdown().
  Local& current_state() { return sender_.current_state(); }
  const Local& current_state() const { return sender_.current_state(); }
  // Before the first RTT sample, frames are spaced by the interval derived
  // from SSP's initial 1 s RTT guess (250 ms), so the first screen after the
  // connection's first ack waits a quarter second. With `fast_start`, they
  // are spaced by the minimum interval until the first sample arrives (one
  // round trip later), then by the measured one as usual.
  void SetFastStart(bool fast_start) { fast_start_ = fast_start; }
  // The spacing of frames now: from the RTT estimate, or the minimum under
  // SetFastStart(true) while there is no sample yet.
  Millis frame_interval() const {
    if (fast_start_ && !connection_.rtt().has_sample()) return net::kSendIntervalMin;
    return connection_.rtt().send_interval();
  }

  // See TransportSender::SetSendMinDelay.
  void SetSendMinDelay(Millis mindelay) { sender_.SetSendMinDelay(mindelay); }

  // The newest peer state held (state 0 until one arrives). For a state whose
  // Subtract() trims history (UserStream), it holds only what arrived since
  // the last TakeRemoteDiff().
  const Remote& latest_remote_state() const { return received_states_.back().state; }
  uint64_t latest_remote_state_num() const { return received_states_.back().num; }
  // True once a peer state other than state 0 has been accepted.
  bool has_remote_state() const { return latest_remote_state_num() != 0; }

  // Calls `consume(last_consumed, newest)` with the last consumed peer state
  // and the newest one, marks the newest consumed, and trims every held
  // state by the oldest one (docs/protocol.md §5.7). The application reads what changed
  // straight from the two states, with no encoding in between.
  template <typename Fn>
  void ConsumeRemote(Fn&& consume) {
    consume(static_cast<const Remote&>(last_consumed_), latest_remote_state());
    last_consumed_ = received_states_.back().state;
    const Remote& oldest = received_states_.front().state;
    last_consumed_.Subtract(oldest);
    for (size_t i = received_states_.size(); i-- > 0;) received_states_[i].state.Subtract(oldest);
  }

  // ConsumeRemote, returning the diff from the last consumed peer state to
  // the newest one (empty when nothing new).
  std::string TakeRemoteDiff() {
    std::string diff;
    ConsumeRemote([&](const Remote& old, const Remote& newest) { diff = newest.DiffFrom(old); });
    return diff;
  }

  // Shutdown handshake (docs/protocol.md §5.9).
  void StartShutdown(TimePoint now) { sender_.StartShutdown(now); }
  bool shutdown_in_progress() const { return sender_.shutdown_in_progress(); }
  bool shutdown_acknowledged() const { return sender_.shutdown_acknowledged(); }
  bool shutdown_ack_timed_out(TimePoint now) const { return sender_.shutdown_ack_timed_out(now); }
  bool counterparty_shutdown_ack_sent() const { return sender_.counterparty_shutdown_ack_sent(); }

  // Non-OK once the session can no longer send (kResourceExhausted: the
  // key's usage limit). The application must end the session.
  const Status& fatal_error() const { return fatal_error_; }

  TransportStats stats() const {
    return TransportStats{connection_.stats(), assembly_.stats(), receiver_stats_,
                          unsplittable_instructions_};
  }

  // Local time a new peer state was last accepted ({} if never).
  TimePoint last_new_state_at() const { return last_new_state_at_; }
  size_t received_states_size() const { return received_states_.size(); }

  const TransportSender<Local>& sender() const { return sender_; }
  // The newest local state number sent, the newest the peer acknowledged,
  // and when that one was sent (for prediction and the connection bar).
  uint64_t last_sent_state_num() const { return sender_.last_sent_num(); }
  uint64_t acked_state_num() const { return sender_.acked_num(); }
  TimePoint last_acked_time() const { return sender_.last_acked_time(); }
  // For the socket adapter: remote address, MTU, socket ids to close, EMSGSIZE.
  net::Connection& connection() { return connection_; }
  const net::Connection& connection() const { return connection_; }

 private:
  struct ReceivedState {
    TimePoint time;
    uint64_t num;
    Remote state;
  };

  LinkTiming Timing() const {
    const net::RttEstimator& rtt = connection_.rtt();
    return LinkTiming{rtt.rto(),
                      frame_interval(),
                      last_new_state_at_,
                      connection_.has_remote(),
                      connection_.peer_loss(),
                      std::chrono::duration_cast<Duration>(
                          std::chrono::duration<double, std::milli>(rtt.srtt_ms()))};
  }

  // The receiver algorithm of docs/protocol.md §5.7 for one decoded Instruction.
  void ProcessInstruction(const TransportBuffers::Instruction& instruction, TimePoint now) {
    // Acks are processed always, even from duplicates.
    sender_.ProcessAcknowledgmentThrough(instruction.ack_num());
    connection_.set_last_roundtrip_success(sender_.last_acked_time());

    const uint64_t new_num = instruction.new_num();
    auto held = [&](uint64_t num) {
      return std::find_if(received_states_.begin(), received_states_.end(),
                          [&](const ReceivedState& s) { return s.num == num; });
    };
    if (held(new_num) != received_states_.end()) {
      ++receiver_stats_.duplicate_states;
      return;
    }
    auto ref = held(instruction.old_num());
    if (ref == received_states_.end()) {
      ++receiver_stats_.unknown_reference;  // ignore: the peer will resend
      return;
    }

    // Build the new state before touching the list, so that a bad diff
    // leaves everything as it was.
    Remote state = ref->state;
    if (!instruction.diff().empty()) {
      if (!state.Apply(instruction.diff()).ok()) {
        ++receiver_stats_.bad_diffs;
        return;
      }
    }

    const uint64_t throwaway = instruction.throwaway_num();
    std::erase_if(received_states_, [&](const ReceivedState& s) { return s.num < throwaway; });

    if (received_states_.size() > kReceivedStatesLimit) {
      if (now < quench_until_) {
        ++receiver_stats_.quenched;
        return;
      }
      quench_until_ = now + kReceiverQuenchTime;
    }

    auto pos = std::upper_bound(received_states_.begin(), received_states_.end(), new_num,
                                [](uint64_t num, const ReceivedState& s) { return num < s.num; });
    const bool in_order = pos == received_states_.end();
    received_states_.insert(pos, ReceivedState{now, new_num, std::move(state)});
    if (!in_order) {
      ++receiver_stats_.states_out_of_order;  // no ack or liveness update
      return;
    }
    ++receiver_stats_.states_accepted;
    sender_.set_ack_num(new_num);
    last_new_state_at_ = now;
    if (!instruction.diff().empty()) {
      sender_.SetDataAck(now, instruction.diff().size() <= kSmallDiffBytes);
    }
  }

  net::Connection connection_;
  TransportSender<Local> sender_;
  Fragmenter fragmenter_;
  FragmentAssembly assembly_;
  std::deque<ReceivedState> received_states_;  // ascending num; never empty
  Remote last_consumed_;
  TimePoint last_new_state_at_{};
  TimePoint quench_until_{};
  ReceiverStats receiver_stats_;
  uint64_t unsplittable_instructions_ = 0;
  Status fatal_error_;
  bool fast_start_ = false;  // SetFastStart
  bool accept_extensions_ = false;
  std::deque<std::string> extension_packets_;
};

}  // namespace roam::ssp

#endif  // ROAM_SSP_TRANSPORT_H_
