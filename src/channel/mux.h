// Mux: reliable, flow-controlled, congestion-controlled byte streams
// ("channels") multiplexed over the session's sealed datagrams, between two
// roam peers that agreed on them in the handshake (docs/protocol.md §9).
//
// One Mux per side of a session. It is sans-I/O: the session core hands it
// every channel packet that arrived (OnPacket), asks it for packets to send
// (NextPacket) after the screen state and keystrokes have had their turn,
// and sleeps until NextDeadline. The datagram layer underneath seals each
// packet with the session key and the session's nonce counter and carries
// it to wherever the peer is now, so channels roam, hop ports and ride out
// outages exactly as the screen does.
//
// What it does, in the terms of RFC 9000 and RFC 9002:
//   * channels are bidirectional streams; the client opens ids 0, 4, 8, ...,
//     the server ids 1, 5, 9, ...; the peer may have at most
//     `max_incoming_channels` open at once (MAX_STREAMS), beyond which its
//     frames are dropped and counted;
//   * a channel starts with a typed open request (opaque bytes to the Mux,
//     checked by the session's policy table) and is accepted or refused with
//     a reason by the other side (docs/protocol.md §9.8); data written
//     before the answer is sent at once and discarded on refusal;
//   * half-close (FIN each way), reset with an error code, STOP_SENDING;
//   * flow control per channel and per session: the receiver grants
//     windows and never stores more than it granted; the sender never holds
//     more than `stream_send_buffer` per channel, so a slow reader holds a
//     fast writer back and no queue is unbounded;
//   * ACK ranges, loss detection, probe timeouts, congestion control and
//     pacing (ack_tracker.h, loss_recovery.h, congestion_controller.h,
//     pacer.h).
//
// Peer input is untrusted: a malformed packet is dropped whole; a frame that
// breaks a rule (data beyond a window, an unknown or unopened channel, too
// many channels, a contradictory final size) is dropped and counted, and the
// rest of the packet still applies. Nothing the peer sends can abort the
// process or make memory grow beyond the configured windows.

#ifndef ROAM_CHANNEL_MUX_H_
#define ROAM_CHANNEL_MUX_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "channel/ack_tracker.h"
#include "channel/congestion_controller.h"
#include "channel/frame.h"
#include "channel/loss_recovery.h"
#include "channel/open_header.h"
#include "channel/pacer.h"
#include "channel/receive_stream.h"
#include "channel/send_stream.h"

namespace roam::channel {

enum class Side { kClient, kServer };

struct MuxConfig {
  // The defaults let one channel fill about 13 MB/s at 300 ms RTT (a send
  // buffer must hold a round trip's worth) and several channels more; ssh's
  // channel window is 2 MiB.
  uint64_t stream_window = 8 << 20;     // bytes each channel may have in flight to us
  uint64_t session_window = 32 << 20;   // bytes all channels together may have in flight to us
  size_t stream_send_buffer = 4 << 20;  // bytes written but not yet acknowledged, per channel
  uint64_t max_incoming_channels = 128;
  CongestionAlgorithm congestion = CongestionAlgorithm::kBbr;
};

// The limits a side grants its peer from the start, exchanged in the
// handshake (docs/protocol.md §8).
struct TransportParameters {
  uint64_t initial_max_data = 0;
  uint64_t initial_max_stream_data = 0;
  uint64_t initial_max_streams = 0;
  friend bool operator==(const TransportParameters&, const TransportParameters&) = default;
};
TransportParameters LocalParameters(const MuxConfig& config);

// Error codes carried by RESET_STREAM and STOP_SENDING (docs/protocol.md §9.8).
enum ChannelError : uint64_t {
  kErrorNone = 0,
  kErrorCancelled = 1,      // the application gave the channel up
  kErrorRefused = 2,        // the open request was refused
  kErrorBadRequest = 3,     // the open request or reply could not be read
  kErrorServiceFailed = 4,  // the service behind the channel failed
};

enum class ChannelPhase {
  kOpening,   // we asked; no answer yet
  kIncoming,  // the peer asked; waiting for Accept or Refuse
  kOpen,
  kRefused,  // our request was refused (reason in ChannelInfo)
};

struct ChannelStats {
  uint64_t bytes_written = 0;        // accepted by Write
  uint64_t bytes_read = 0;           // handed out by Read
  uint64_t bytes_retransmitted = 0;  // sent again after a loss
  TimePoint opened{};
};

struct ChannelInfo {
  ChannelPhase phase = ChannelPhase::kOpening;
  std::string reason;   // refusal reason, kRefused only
  size_t readable = 0;  // bytes Read would return now
  size_t writable = 0;  // bytes Write would take now
  bool eof = false;     // the peer finished sending and everything was read
  bool peer_reset = false;
  uint64_t peer_reset_code = 0;
  bool stop_sending = false;  // the peer no longer reads; writes are discarded
  bool write_closed = false;  // CloseWrite or Reset was called
  bool send_done = false;     // everything written was acknowledged (after CloseWrite)
  uint64_t buffered_send = 0;
  uint64_t buffered_receive = 0;
  ChannelStats stats;
};

struct MuxEvent {
  enum Kind : uint32_t {
    kIncoming = 1,       // a peer's open request is complete: Accept or Refuse it
    kAccepted = 2,       // our request was accepted
    kRefused = 4,        // our request was refused
    kReadable = 8,       // new bytes to read
    kWritable = 16,      // send buffer space freed
    kEof = 32,           // the peer finished; nothing more will arrive
    kReset = 64,         // the peer reset its direction
    kStopSending = 128,  // the peer stopped reading ours
  };
  uint64_t id = 0;
  uint32_t kinds = 0;  // bitwise OR of Kind
};

struct MuxStats {
  uint64_t packets_received = 0;
  uint64_t packets_malformed = 0;        // dropped whole
  uint64_t packets_duplicate = 0;        // dropped whole
  uint64_t frames_flow_violation = 0;    // data beyond a window
  uint64_t frames_bad_stream = 0;        // unknown, unopened or unidirectional id
  uint64_t frames_too_many_streams = 0;  // beyond the channels we allowed
  uint64_t frames_final_size = 0;        // contradicts a final size
  uint64_t frames_late = 0;              // for a channel already closed (harmless)
  uint64_t bytes_sent = 0;               // channel packet bytes
  uint64_t bytes_received = 0;
  uint64_t channels_opened = 0;
  uint64_t channels_incoming = 0;
  uint64_t channels_refused = 0;
  uint64_t channels_closed = 0;
  uint64_t requests_too_long = 0;
  uint64_t ack_only_packets = 0;
  uint64_t path_changes = 0;
  // Everything a peer sent that was not acted on.
  uint64_t dropped() const {
    return packets_malformed + packets_duplicate + frames_flow_violation + frames_bad_stream +
           frames_too_many_streams + frames_final_size + requests_too_long;
  }
};

class Mux {
 public:
  // `peer` is what the peer announced in the handshake.
  Mux(Side side, MuxConfig config, TransportParameters peer, TimePoint now);
  ~Mux();
  Mux(const Mux&) = delete;
  Mux& operator=(const Mux&) = delete;

  // ---- network side ----

  // Processes one channel packet (marker included) that arrived at `now`.
  void OnPacket(std::string_view packet, TimePoint now);
  // The next packet to send at `now`, at most `max_size` bytes (>= 64), or
  // nullopt when nothing may go now (then see NextDeadline).
  std::optional<std::string> NextPacket(TimePoint now, size_t max_size);
  // When NextPacket may next have something (never before `now`; kNever).
  TimePoint NextDeadline(TimePoint now) const;
  // The peer's address changed: restart the congestion controller and the
  // RTT estimate for the new path; nothing in flight is lost by it.
  void OnPathChange(TimePoint now);

  // ---- application side ----

  // Opens a channel with `request` (the serialized open request). Errors:
  // kResourceExhausted when the peer allows no more channels now;
  // kOutOfRange when the request is longer than kMaxOpenRequestBytes.
  Result<uint64_t> Open(std::string_view request, TimePoint now);
  // The open request of a kIncoming channel (empty if unknown).
  std::string Request(uint64_t id) const;
  // Answers a kIncoming channel. Errors: kInvalidArgument when `id` is not
  // waiting for an answer.
  Status Accept(uint64_t id);
  Status Refuse(uint64_t id, std::string_view reason);

  // Buffers what fits of `data` for the peer; returns the count (0 when the
  // buffer is full, the write side closed, or the peer stopped reading).
  size_t Write(uint64_t id, std::string_view data);
  // Appends up to `max` received bytes to `*out`; returns the count.
  size_t Read(uint64_t id, std::string* out, size_t max);
  // Sends FIN after the written bytes. On a kIncoming channel, after the
  // answer (the channel is then accepted half-closed).
  void CloseWrite(uint64_t id);
  // Abandons both directions with `code` (RESET_STREAM + STOP_SENDING).
  void Reset(uint64_t id, uint64_t code);
  // The application is done with the channel: whatever still arrives is
  // discarded, and the channel is forgotten once the peer is done too.
  // (Write side: call CloseWrite or Reset first, or it is reset.)
  void Release(uint64_t id);

  std::optional<ChannelInfo> Info(uint64_t id) const;
  // Channels the application has not released.
  std::vector<uint64_t> ChannelIds() const;
  // What changed since the last call, one entry per channel.
  std::vector<MuxEvent> TakeEvents();

  const MuxStats& stats() const { return stats_; }
  const LossStats& loss_stats() const { return recovery_.stats(); }
  const RttStats& rtt() const { return recovery_.rtt(); }
  uint64_t congestion_window() const { return cc_->congestion_window(); }
  uint64_t bytes_in_flight() const { return recovery_.bytes_in_flight(); }
  std::string_view congestion_algorithm() const { return cc_->name(); }
  // Channels held in memory (open, or closing and waiting for the peer).
  size_t channel_count() const { return channels_.size(); }
  // Bytes held in all receive and send buffers.
  uint64_t buffered_bytes() const;

 private:
  struct Channel;

  Channel* Find(uint64_t id);
  const Channel* Find(uint64_t id) const;
  bool IsLocal(uint64_t id) const;
  // Returns the channel a peer frame names, creating peer channels as
  // needed; nullptr (counted) when the id is not acceptable.
  Channel* ChannelForFrame(uint64_t id);
  Channel& Create(uint64_t id, TimePoint now);
  void Notify(uint64_t id, uint32_t kinds);

  void HandleFrame(const Frame& frame, TimePoint now);
  void HandleStream(const StreamFrame& f, TimePoint now);
  void HandleResetStream(const ResetStreamFrame& f);
  void HandleStopSending(const StopSendingFrame& f);
  void HandleAck(const AckFrame& f, TimePoint now);
  void OnAcked(const SentPacket& p);
  void OnLost(const SentPacket& p);
  // Resets both directions of `c` (frames queued); never forgets it.
  void Abort(Channel& c, uint64_t code);
  // Parses the open request or reply, discards or announces received
  // bytes, returns window credit, and forgets the channel when it is done:
  // `c` may be gone afterwards.
  void ProcessReceived(Channel& c);
  void MaybeForget(uint64_t id);
  // Grants the peer more of the session window after bytes were consumed,
  // when that is worth a MAX_DATA frame.
  void MaybeRaiseMaxData();
  void RunTimers(TimePoint now);

  bool HasControl() const;
  bool HasStreamData() const;
  uint64_t SessionCredit() const;
  void WriteControl(std::string* packet, size_t max_size, SentPacket* sent);
  void WriteStreams(std::string* packet, size_t max_size, SentPacket* sent);

  Side side_;
  MuxConfig config_;
  TransportParameters peer_;
  std::unique_ptr<CongestionController> cc_;
  LossRecovery recovery_;
  AckTracker acks_;
  Pacer pacer_;
  uint64_t next_pn_ = 0;
  int probes_ = 0;
  size_t max_packet_ = 1200;  // the size NextPacket was last asked for

  std::map<uint64_t, std::unique_ptr<Channel>> channels_;
  uint64_t next_local_index_ = 0;   // local ids opened: index = id >> 2
  uint64_t next_peer_index_ = 0;    // peer ids seen
  uint64_t peer_max_streams_ = 0;   // how many channels the peer lets us open in total
  uint64_t local_max_streams_ = 0;  // how many we let the peer open in total
  uint64_t incoming_closed_ = 0;
  bool max_streams_pending_ = false;

  // Session-level flow control.
  uint64_t peer_max_data_ = 0;   // what the peer allows us in total
  uint64_t sent_new_bytes_ = 0;  // stream bytes sent, first copies only
  uint64_t local_max_data_ = 0;  // what we allow the peer in total
  uint64_t received_bytes_ = 0;  // sum of highest offsets received
  uint64_t consumed_bytes_ = 0;  // sum of read offsets
  bool max_data_pending_ = false;
  std::set<uint64_t> max_stream_data_pending_;
  std::set<uint64_t> reset_pending_;
  std::set<uint64_t> stop_sending_pending_;

  uint64_t round_robin_next_ = 0;
  std::map<uint64_t, uint32_t> events_;
  MuxStats stats_;
};

}  // namespace roam::channel

#endif  // ROAM_CHANNEL_MUX_H_
