#include "channel/mux.h"

#include <algorithm>
#include <type_traits>
#include <utility>

#include "base/byte_writer.h"
#include "base/check.h"

namespace roam::channel {

namespace {

// A STREAM frame header never takes more than this: type, an 8-byte id, an
// 8-byte offset and a 4-byte length.
constexpr size_t kMaxStreamHeader = 1 + 8 + 8 + 4;

}  // namespace

TransportParameters LocalParameters(const MuxConfig& config) {
  return TransportParameters{config.session_window, config.stream_window,
                             config.max_incoming_channels};
}

struct Mux::Channel {
  Channel(uint64_t channel_id, const MuxConfig& config, uint64_t peer_stream_limit)
      : id(channel_id),
        send(config.stream_send_buffer, peer_stream_limit),
        recv(config.stream_window) {}

  uint64_t id;
  SendStream send;
  ReceiveStream recv;
  ChannelPhase phase = ChannelPhase::kOpening;
  std::string request;  // incoming: the peer's open request
  std::string reason;   // refused: why
  bool header_done = false;
  bool released = false;
  bool write_closed = false;
  bool discard = false;  // received bytes are dropped as they arrive
  bool stop_sending_received = false;
  bool reset_sent = false;
  bool reset_acked = false;
  uint64_t reset_code = 0;
  uint64_t reset_final_size = 0;
  uint64_t stop_sending_code = 0;
  uint64_t credited = 0;  // bytes of this channel already returned to the session window
  bool eof_notified = false;
  ChannelStats stats;
};

Mux::Mux(Side side, MuxConfig config, TransportParameters peer, TimePoint now)
    : side_(side),
      config_(config),
      peer_(peer),
      cc_(MakeCongestionController(config.congestion, 1200, now)),
      recovery_(cc_.get()),
      peer_max_streams_(peer.initial_max_streams),
      local_max_streams_(config.max_incoming_channels),
      peer_max_data_(peer.initial_max_data),
      local_max_data_(config.session_window) {}

Mux::~Mux() = default;

bool Mux::IsLocal(uint64_t id) const { return (id & 1) == (side_ == Side::kServer ? 1u : 0u); }

Mux::Channel* Mux::Find(uint64_t id) {
  auto it = channels_.find(id);
  return it == channels_.end() ? nullptr : it->second.get();
}

const Mux::Channel* Mux::Find(uint64_t id) const {
  auto it = channels_.find(id);
  return it == channels_.end() ? nullptr : it->second.get();
}

Mux::Channel& Mux::Create(uint64_t id, TimePoint now) {
  auto channel = std::make_unique<Channel>(id, config_, peer_.initial_max_stream_data);
  channel->stats.opened = now;
  Channel& c = *channel;
  channels_.emplace(id, std::move(channel));
  return c;
}

void Mux::Notify(uint64_t id, uint32_t kinds) { events_[id] |= kinds; }

Mux::Channel* Mux::ChannelForFrame(uint64_t id) {
  if (id & 2) {
    ++stats_.frames_bad_stream;  // unidirectional streams do not exist in roam
    return nullptr;
  }
  const uint64_t index = id >> 2;
  Channel* c = Find(id);
  if (c) return c;
  if (IsLocal(id)) {
    if (index >= next_local_index_) {
      ++stats_.frames_bad_stream;  // we never opened it
    } else {
      ++stats_.frames_late;  // closed and forgotten
    }
    return nullptr;
  }
  if (index >= local_max_streams_) {
    ++stats_.frames_too_many_streams;
    return nullptr;
  }
  if (index < next_peer_index_) {
    ++stats_.frames_late;
    return nullptr;
  }
  // A peer channel is opened by its first frame; lower ids of the peer's
  // that have not shown up yet are opened with it (their frames may still
  // be on the way), as in RFC 9000 §3.2.
  const uint64_t peer_bit = side_ == Side::kServer ? 0 : 1;
  for (uint64_t i = next_peer_index_; i <= index; ++i) {
    Channel& created = Create(i * 4 + peer_bit, TimePoint{});
    created.phase = ChannelPhase::kIncoming;
    ++stats_.channels_incoming;
  }
  next_peer_index_ = index + 1;
  return Find(id);
}

// ---------------------------------------------------------------- receiving

void Mux::OnPacket(std::string_view packet, TimePoint now) {
  Result<DecodedPacket> decoded = DecodePacket(packet);
  if (!decoded.ok()) {
    ++stats_.packets_malformed;
    return;
  }
  const bool eliciting = std::any_of(decoded->frames.begin(), decoded->frames.end(),
                                     [](const Frame& f) { return IsAckEliciting(f); });
  if (!acks_.OnPacket(decoded->packet_number, eliciting, now)) {
    ++stats_.packets_duplicate;
    return;
  }
  ++stats_.packets_received;
  stats_.bytes_received += packet.size();
  for (const Frame& frame : decoded->frames) HandleFrame(frame, now);
}

void Mux::HandleFrame(const Frame& frame, TimePoint now) {
  std::visit(
      [&](const auto& f) {
        using T = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<T, StreamFrame>) {
          HandleStream(f, now);
        } else if constexpr (std::is_same_v<T, AckFrame>) {
          HandleAck(f, now);
        } else if constexpr (std::is_same_v<T, ResetStreamFrame>) {
          HandleResetStream(f);
        } else if constexpr (std::is_same_v<T, StopSendingFrame>) {
          HandleStopSending(f);
        } else if constexpr (std::is_same_v<T, MaxDataFrame>) {
          peer_max_data_ = std::max(peer_max_data_, f.maximum);
        } else if constexpr (std::is_same_v<T, MaxStreamDataFrame>) {
          // Only for channels that exist; a late one for a closed channel
          // is harmless, one for a channel never opened is counted.
          if (Channel* c = ChannelForFrame(f.stream_id)) c->send.OnPeerLimit(f.maximum);
        } else if constexpr (std::is_same_v<T, MaxStreamsFrame>) {
          peer_max_streams_ = std::max(peer_max_streams_, f.maximum);
        } else {
          // PADDING, PING and the BLOCKED frames need no action.
        }
      },
      frame);
}

void Mux::HandleStream(const StreamFrame& f, TimePoint now) {
  Channel* c = ChannelForFrame(f.stream_id);
  if (!c) return;
  if (c->stats.opened == TimePoint{}) c->stats.opened = now;
  const uint64_t end = f.offset + f.data.size();
  const uint64_t growth = end > c->recv.highest_received() ? end - c->recv.highest_received() : 0;
  if (received_bytes_ + growth > local_max_data_) {
    ++stats_.frames_flow_violation;
    return;
  }
  Result<uint64_t> added = c->recv.OnData(f.offset, f.data, f.fin);
  if (!added.ok()) {
    if (added.status().code() == StatusCode::kOutOfRange) {
      ++stats_.frames_flow_violation;
    } else {
      ++stats_.frames_final_size;
    }
    return;
  }
  received_bytes_ += *added;
  ProcessReceived(*c);
}

void Mux::HandleResetStream(const ResetStreamFrame& f) {
  Channel* c = ChannelForFrame(f.stream_id);
  if (!c) return;
  const uint64_t growth =
      f.final_size > c->recv.highest_received() ? f.final_size - c->recv.highest_received() : 0;
  if (received_bytes_ + growth > local_max_data_) {
    ++stats_.frames_flow_violation;
    return;
  }
  const bool was_reset = c->recv.reset();
  Result<uint64_t> added = c->recv.OnReset(f.final_size, f.error_code);
  if (!added.ok()) {
    if (added.status().code() == StatusCode::kOutOfRange) {
      ++stats_.frames_flow_violation;
    } else {
      ++stats_.frames_final_size;
    }
    return;
  }
  received_bytes_ += *added;
  // Everything up to the final size counts as consumed: the window it held
  // goes back to the session.
  if (f.final_size > c->credited) {
    consumed_bytes_ += f.final_size - c->credited;
    c->credited = f.final_size;
    MaybeRaiseMaxData();
  }
  if (!was_reset) {
    Notify(c->id, MuxEvent::kReset);
    if (!c->header_done) {
      // Reset before its request or reply was complete: the channel never
      // was; answer with a reset of ours.
      c->header_done = true;
      if (c->phase == ChannelPhase::kIncoming) {
        c->released = true;
      } else {
        c->phase = ChannelPhase::kRefused;
        c->reason = "the peer reset the channel without answering";
        Notify(c->id, MuxEvent::kRefused);
      }
      Abort(*c, kErrorCancelled);
    }
  }
  ProcessReceived(*c);
}

void Mux::HandleStopSending(const StopSendingFrame& f) {
  Channel* c = ChannelForFrame(f.stream_id);
  if (!c) return;
  if (c->stop_sending_received) return;
  c->stop_sending_received = true;
  c->write_closed = true;
  if (!c->send.done() && !c->send.reset() && !c->reset_sent) {
    c->reset_final_size = c->send.Reset();
    c->reset_code = f.error_code;
    c->reset_sent = true;
    reset_pending_.insert(c->id);
  }
  Notify(c->id, MuxEvent::kStopSending);
}

void Mux::ProcessReceived(Channel& c) {
  if (!c.header_done && !c.recv.reset()) {
    std::string_view head = c.recv.Peek();
    if (c.phase == ChannelPhase::kIncoming) {
      Result<std::optional<ParsedRequest>> parsed = ParseOpenRequest(head);
      if (!parsed.ok()) {
        ++stats_.requests_too_long;
        c.header_done = true;
        c.released = true;
        Abort(c, kErrorBadRequest);
      } else if (*parsed) {
        c.request = std::move((*parsed)->request);
        c.header_done = true;
        c.recv.Skip((*parsed)->consumed);
        Notify(c.id, MuxEvent::kIncoming);
      }
    } else if (c.phase == ChannelPhase::kOpening) {
      Result<std::optional<ParsedAnswer>> parsed = ParseOpenAnswer(head);
      if (!parsed.ok()) {
        c.header_done = true;
        c.phase = ChannelPhase::kRefused;
        c.reason = parsed.status().message();
        Notify(c.id, MuxEvent::kRefused);
        Abort(c, kErrorBadRequest);
      } else if (*parsed) {
        c.header_done = true;
        c.recv.Skip((*parsed)->consumed);
        if ((*parsed)->accepted) {
          c.phase = ChannelPhase::kOpen;
          Notify(c.id, MuxEvent::kAccepted);
        } else {
          c.phase = ChannelPhase::kRefused;
          c.reason = std::move((*parsed)->reason);
          ++stats_.channels_refused;
          Notify(c.id, MuxEvent::kRefused);
          // Nothing we send will be read: stop at once.
          Abort(c, kErrorRefused);
        }
      }
    }
    if (!c.header_done && c.recv.all_received()) {
      // The peer finished before its header was complete.
      c.header_done = true;
      c.discard = true;
      if (c.phase == ChannelPhase::kIncoming) {
        c.released = true;
      } else {
        c.phase = ChannelPhase::kRefused;
        c.reason = "the peer closed the channel without answering";
        Notify(c.id, MuxEvent::kRefused);
      }
      Abort(c, kErrorBadRequest);
    }
  }
  if (c.discard && c.recv.readable() > 0) {
    c.recv.Skip(c.recv.readable());
  }
  // Window credit for what was consumed (read, skipped or discarded).
  if (c.recv.read_offset() > c.credited) {
    consumed_bytes_ += c.recv.read_offset() - c.credited;
    c.credited = c.recv.read_offset();
    MaybeRaiseMaxData();
  }
  if (c.recv.TakeLimitUpdate()) max_stream_data_pending_.insert(c.id);
  if (!c.discard && c.header_done && c.phase == ChannelPhase::kOpen) {
    if (c.recv.readable() > 0) Notify(c.id, MuxEvent::kReadable);
    if (c.recv.finished() && !c.eof_notified) {
      c.eof_notified = true;
      Notify(c.id, MuxEvent::kEof);
    }
  }
  MaybeForget(c.id);
}

void Mux::MaybeRaiseMaxData() {
  const uint64_t wanted = consumed_bytes_ + config_.session_window;
  if (wanted <= local_max_data_) return;
  const uint64_t raise = wanted - local_max_data_;
  const uint64_t peer_left = local_max_data_ - received_bytes_;
  // A raise is worth a MAX_DATA once it adds half a window — or as soon as
  // it adds more than the peer has left: channels whose readers stall may
  // hold more than half the window, and then no half window of new reading
  // can ever come while the channels still reading starve.
  if (raise >= config_.session_window / 2 || raise > peer_left) {
    local_max_data_ = wanted;
    max_data_pending_ = true;
  }
}

void Mux::HandleAck(const AckFrame& f, TimePoint now) {
  LossRecovery::AckOutcome outcome = recovery_.OnAck(f, now);
  for (const SentPacket& p : outcome.acked) OnAcked(p);
  for (const SentPacket& p : outcome.lost) OnLost(p);
  for (const SentPacket& p : recovery_.TakeEvicted()) OnLost(p);
}

void Mux::OnAcked(const SentPacket& p) {
  for (const StreamChunk& chunk : p.chunks) {
    Channel* c = Find(chunk.stream_id);
    if (!c) continue;
    const size_t before = c->send.writable();
    c->send.OnAcked(chunk.offset, chunk.length, chunk.fin);
    if (c->send.writable() > before && !c->write_closed) Notify(c->id, MuxEvent::kWritable);
    MaybeForget(c->id);
  }
  for (const Frame& frame : p.control) {
    if (const auto* reset = std::get_if<ResetStreamFrame>(&frame)) {
      if (Channel* c = Find(reset->stream_id)) {
        c->reset_acked = true;
        MaybeForget(c->id);
      }
    }
  }
}

void Mux::OnLost(const SentPacket& p) {
  for (const StreamChunk& chunk : p.chunks) {
    if (Channel* c = Find(chunk.stream_id)) c->send.OnLost(chunk.offset, chunk.length, chunk.fin);
  }
  for (const Frame& frame : p.control) {
    std::visit(
        [&](const auto& f) {
          using T = std::decay_t<decltype(f)>;
          if constexpr (std::is_same_v<T, MaxDataFrame>) {
            max_data_pending_ = true;
          } else if constexpr (std::is_same_v<T, MaxStreamsFrame>) {
            max_streams_pending_ = true;
          } else if constexpr (std::is_same_v<T, MaxStreamDataFrame>) {
            const Channel* c = Find(f.stream_id);
            if (c && !c->recv.all_received() && !c->recv.reset()) {
              max_stream_data_pending_.insert(f.stream_id);
            }
          } else if constexpr (std::is_same_v<T, ResetStreamFrame>) {
            if (Find(f.stream_id)) reset_pending_.insert(f.stream_id);
          } else if constexpr (std::is_same_v<T, StopSendingFrame>) {
            const Channel* c = Find(f.stream_id);
            if (c && !c->recv.all_received() && !c->recv.reset()) {
              stop_sending_pending_.insert(f.stream_id);
            }
          }
        },
        frame);
  }
}

void Mux::MaybeForget(uint64_t id) {
  Channel* c = Find(id);
  if (!c || !c->released) return;
  const bool send_finished = c->reset_sent ? c->reset_acked : c->send.done();
  const bool receive_finished =
      c->recv.reset() || (c->recv.all_received() && c->recv.readable() == 0);
  if (!send_finished || !receive_finished) return;
  if (!IsLocal(id)) {
    ++incoming_closed_;
    local_max_streams_ = incoming_closed_ + config_.max_incoming_channels;
    max_streams_pending_ = true;
  }
  ++stats_.channels_closed;
  max_stream_data_pending_.erase(id);
  reset_pending_.erase(id);
  stop_sending_pending_.erase(id);
  events_.erase(id);
  channels_.erase(id);
}

// ------------------------------------------------------------------ sending

void Mux::RunTimers(TimePoint now) {
  if (now < recovery_.Deadline()) return;
  LossRecovery::TimeoutOutcome outcome = recovery_.OnTimeout(now);
  for (const SentPacket& p : outcome.lost) OnLost(p);
  if (outcome.probes > 0) {
    probes_ = std::max(probes_, outcome.probes);
    // Probe with the oldest data still unacknowledged, so a lost tail is
    // repaired by the probe itself (RFC 9002 §6.2.4).
    if (const SentPacket* oldest = recovery_.OldestUnacked()) {
      for (const StreamChunk& chunk : oldest->chunks) {
        if (Channel* c = Find(chunk.stream_id)) {
          c->send.OnLost(chunk.offset, chunk.length, chunk.fin);
        }
      }
    }
  }
}

uint64_t Mux::SessionCredit() const {
  return peer_max_data_ > sent_new_bytes_ ? peer_max_data_ - sent_new_bytes_ : 0;
}

bool Mux::HasControl() const {
  return max_data_pending_ || max_streams_pending_ || !max_stream_data_pending_.empty() ||
         !reset_pending_.empty() || !stop_sending_pending_.empty();
}

bool Mux::HasStreamData() const {
  const uint64_t credit = SessionCredit();
  for (const auto& [id, c] : channels_) {
    if (c->send.WantsToSend(credit)) return true;
  }
  return false;
}

void Mux::WriteControl(std::string* packet, size_t max_size, SentPacket* sent) {
  ByteWriter w(packet);
  auto put = [&](const Frame& frame) {
    if (packet->size() + EncodedSize(frame) > max_size) return false;
    EncodeFrame(frame, &w);
    sent->control.push_back(frame);
    sent->ack_eliciting = true;
    return true;
  };
  if (max_data_pending_ && put(MaxDataFrame{local_max_data_})) max_data_pending_ = false;
  if (max_streams_pending_ && put(MaxStreamsFrame{local_max_streams_})) {
    max_streams_pending_ = false;
  }
  for (auto it = reset_pending_.begin(); it != reset_pending_.end();) {
    const Channel* c = Find(*it);
    if (c && !put(ResetStreamFrame{c->id, c->reset_code, c->reset_final_size})) break;
    it = reset_pending_.erase(it);
  }
  for (auto it = stop_sending_pending_.begin(); it != stop_sending_pending_.end();) {
    const Channel* c = Find(*it);
    if (c && !put(StopSendingFrame{c->id, c->stop_sending_code})) break;
    it = stop_sending_pending_.erase(it);
  }
  for (auto it = max_stream_data_pending_.begin(); it != max_stream_data_pending_.end();) {
    const Channel* c = Find(*it);
    if (c && !put(MaxStreamDataFrame{c->id, c->recv.limit()})) break;
    it = max_stream_data_pending_.erase(it);
  }
}

void Mux::WriteStreams(std::string* packet, size_t max_size, SentPacket* sent) {
  if (channels_.empty()) return;
  ByteWriter w(packet);
  auto it = channels_.lower_bound(round_robin_next_);
  for (size_t visited = 0; visited < channels_.size(); ++visited, ++it) {
    if (it == channels_.end()) it = channels_.begin();
    if (packet->size() + kMaxStreamHeader + 1 > max_size) break;
    Channel& c = *it->second;
    if (!c.send.WantsToSend(SessionCredit())) continue;
    const size_t room = max_size - packet->size() - kMaxStreamHeader;
    std::optional<SendStream::Chunk> chunk = c.send.NextChunk(room, SessionCredit());
    if (!chunk) continue;
    EncodeFrame(StreamFrame{c.id, chunk->offset, chunk->data, chunk->fin}, &w);
    sent_new_bytes_ += chunk->new_bytes;
    sent->chunks.push_back(StreamChunk{c.id, chunk->offset, chunk->data.size(), chunk->fin});
    sent->ack_eliciting = true;
    round_robin_next_ = c.id + 1;
  }
}

std::optional<std::string> Mux::NextPacket(TimePoint now, size_t max_size) {
  ROAM_CHECK(max_size >= 64);
  RunTimers(now);
  uint64_t rate = cc_->pacing_rate();
  if (rate == 0 && recovery_.rtt().has_sample()) {
    const double seconds = std::chrono::duration<double>(recovery_.rtt().smoothed()).count();
    if (seconds > 0) {
      rate = static_cast<uint64_t>(1.25 * static_cast<double>(cc_->congestion_window()) / seconds);
    }
  }
  pacer_.SetRate(rate, max_size, now);
  max_packet_ = max_size;

  const bool window_open = recovery_.bytes_in_flight() < cc_->congestion_window();
  const bool may_send = probes_ > 0 || (window_open && pacer_.CanSend(max_size, now));
  const bool have_data = HasControl() || HasStreamData();
  const bool ack_due = acks_.AckDue(now);
  if (!ack_due && !(may_send && have_data) && probes_ == 0) return std::nullopt;

  std::string packet;
  packet.reserve(max_size);
  ByteWriter w(&packet);
  EncodePacketHeader(next_pn_, &w);
  SentPacket sent;
  sent.pn = next_pn_;
  sent.time_sent = now;
  if (acks_.HasRanges() && (ack_due || acks_.HasNews())) {
    AckFrame ack = acks_.BuildAck(now);
    // Keep room for data: drop the oldest ranges if the frame is large.
    while (ack.ranges.size() > 1 && packet.size() + EncodedSize(ack) > max_size / 2) {
      ack.ranges.pop_back();
    }
    EncodeFrame(ack, &w);
  }
  if (may_send) {
    WriteControl(&packet, max_size, &sent);
    WriteStreams(&packet, max_size, &sent);
  }
  if (probes_ > 0) {
    if (!sent.ack_eliciting) {
      EncodeFrame(PingFrame{}, &w);
      sent.ack_eliciting = true;
    }
    --probes_;
  }
  if (packet.size() < kMinPacketSize) {
    EncodeFrame(PaddingFrame{kMinPacketSize - packet.size()}, &w);
  }
  sent.bytes = packet.size();
  sent.in_flight = sent.ack_eliciting;
  if (sent.in_flight) {
    pacer_.OnSent(packet.size(), now);
  } else {
    ++stats_.ack_only_packets;
  }
  recovery_.OnPacketSent(std::move(sent), now);
  for (const SentPacket& p : recovery_.TakeEvicted()) OnLost(p);
  ++next_pn_;
  stats_.bytes_sent += packet.size();
  if (!HasStreamData() && recovery_.bytes_in_flight() < cc_->congestion_window()) {
    cc_->OnAppLimited(recovery_.bytes_in_flight());
  }
  return packet;
}

TimePoint Mux::NextDeadline(TimePoint now) const {
  if (probes_ > 0) return now;
  TimePoint t = std::min(acks_.AckDeadline(), recovery_.Deadline());
  if ((HasControl() || HasStreamData()) && recovery_.bytes_in_flight() < cc_->congestion_window()) {
    t = std::min(t, pacer_.NextSendTime(max_packet_, now));
  }
  return std::max(t, now);
}

void Mux::OnPathChange(TimePoint now) {
  ++stats_.path_changes;
  recovery_.OnPathChange();
  cc_->OnPathChange(now);
}

// -------------------------------------------------------------- application

Result<uint64_t> Mux::Open(std::string_view request, TimePoint now) {
  if (request.size() > kMaxOpenRequestBytes) return OutOfRange("open request too long");
  if (next_local_index_ >= peer_max_streams_) {
    return Status(StatusCode::kResourceExhausted, "the peer allows no more channels now");
  }
  const uint64_t id = next_local_index_ * 4 + (side_ == Side::kServer ? 1 : 0);
  ++next_local_index_;
  Channel& c = Create(id, now);
  c.phase = ChannelPhase::kOpening;
  const std::string header = EncodeOpenRequest(request);
  ROAM_CHECK(c.send.Write(header) == header.size());
  ++stats_.channels_opened;
  return id;
}

std::string Mux::Request(uint64_t id) const {
  const Channel* c = Find(id);
  return c && c->phase == ChannelPhase::kIncoming ? c->request : std::string();
}

Status Mux::Accept(uint64_t id) {
  Channel* c = Find(id);
  if (!c || c->phase != ChannelPhase::kIncoming || !c->header_done || c->released) {
    return InvalidArgument("no channel waiting for an answer");
  }
  // The reply goes first on our side of the channel, unless the peer
  // already asked us to stop sending (its STOP_SENDING may overtake the
  // answer): then our side was reset and the peer learns from that.
  const std::string reply = EncodeAcceptAnswer();
  if (!c->send.reset()) ROAM_CHECK(c->send.Write(reply) == reply.size());
  if (c->write_closed) c->send.Finish();  // CloseWrite came before the answer
  c->phase = ChannelPhase::kOpen;
  ProcessReceived(*c);
  return Status::Ok();
}

Status Mux::Refuse(uint64_t id, std::string_view reason) {
  Channel* c = Find(id);
  if (!c || c->phase != ChannelPhase::kIncoming || !c->header_done || c->released) {
    return InvalidArgument("no channel waiting for an answer");
  }
  const std::string reply = EncodeRefuseAnswer(reason);
  if (!c->send.reset()) ROAM_CHECK(c->send.Write(reply) == reply.size());  // as in Accept
  c->send.Finish();
  c->write_closed = true;
  c->discard = true;
  c->released = true;
  ++stats_.channels_refused;
  if (!c->recv.all_received() && !c->recv.reset()) {
    c->stop_sending_code = kErrorRefused;
    stop_sending_pending_.insert(id);
  }
  events_.erase(id);
  ProcessReceived(*c);
  return Status::Ok();
}

size_t Mux::Write(uint64_t id, std::string_view data) {
  Channel* c = Find(id);
  if (!c || c->released || c->write_closed || c->phase == ChannelPhase::kRefused ||
      c->phase == ChannelPhase::kIncoming) {
    return 0;
  }
  const size_t n = c->send.Write(data);
  c->stats.bytes_written += n;
  return n;
}

size_t Mux::Read(uint64_t id, std::string* out, size_t max) {
  Channel* c = Find(id);
  if (!c || c->released || c->discard || c->phase != ChannelPhase::kOpen) return 0;
  const size_t n = c->recv.Read(out, max);
  c->stats.bytes_read += n;
  if (n > 0) ProcessReceived(*c);
  return n;
}

void Mux::CloseWrite(uint64_t id) {
  Channel* c = Find(id);
  if (!c || c->write_closed) return;
  c->write_closed = true;
  // An unanswered channel's answer must still go first: Accept or Refuse
  // sends the FIN after it.
  if (c->phase != ChannelPhase::kIncoming) c->send.Finish();
}

void Mux::Abort(Channel& c, uint64_t code) {
  c.write_closed = true;
  if (!c.reset_sent && !c.send.done()) {
    c.reset_final_size = c.send.Reset();
    c.reset_code = code;
    c.reset_sent = true;
    reset_pending_.insert(c.id);
  }
  if (!c.recv.all_received() && !c.recv.reset() && !c.discard) {
    c.stop_sending_code = code;
    stop_sending_pending_.insert(c.id);
  }
  c.discard = true;
}

void Mux::Reset(uint64_t id, uint64_t code) {
  Channel* c = Find(id);
  if (!c) return;
  Abort(*c, code);
  ProcessReceived(*c);
}

void Mux::Release(uint64_t id) {
  Channel* c = Find(id);
  if (!c || c->released) return;
  if (!c->write_closed || c->phase == ChannelPhase::kIncoming) Abort(*c, kErrorCancelled);
  c->released = true;
  if (!c->discard) {
    c->discard = true;
    if (!c->recv.all_received() && !c->recv.reset()) {
      c->stop_sending_code = kErrorCancelled;
      stop_sending_pending_.insert(id);
    }
  }
  events_.erase(id);
  ProcessReceived(*c);
}

std::optional<ChannelInfo> Mux::Info(uint64_t id) const {
  const Channel* c = Find(id);
  if (!c) return std::nullopt;
  ChannelInfo info;
  info.phase = c->phase;
  info.reason = c->reason;
  info.readable = (c->phase == ChannelPhase::kOpen && !c->discard) ? c->recv.readable() : 0;
  info.writable = (c->write_closed || c->released || c->phase == ChannelPhase::kRefused ||
                   c->phase == ChannelPhase::kIncoming)
                      ? 0
                      : c->send.writable();
  info.eof = c->header_done && c->recv.finished();
  info.peer_reset = c->recv.reset();
  info.peer_reset_code = c->recv.reset_code();
  info.stop_sending = c->stop_sending_received;
  info.write_closed = c->write_closed;
  info.send_done = c->send.done();
  info.buffered_send = c->send.buffered();
  info.buffered_receive = c->recv.buffered();
  info.stats = c->stats;
  info.stats.bytes_retransmitted = c->send.retransmitted_bytes();
  return info;
}

std::vector<uint64_t> Mux::ChannelIds() const {
  std::vector<uint64_t> ids;
  for (const auto& [id, c] : channels_) {
    if (!c->released && c->header_done) ids.push_back(id);
    if (!c->released && !c->header_done && c->phase == ChannelPhase::kOpening) ids.push_back(id);
  }
  return ids;
}

std::vector<MuxEvent> Mux::TakeEvents() {
  std::vector<MuxEvent> out;
  out.reserve(events_.size());
  for (const auto& [id, kinds] : events_) out.push_back(MuxEvent{id, kinds});
  events_.clear();
  return out;
}

uint64_t Mux::buffered_bytes() const {
  uint64_t total = 0;
  for (const auto& [id, c] : channels_) total += c->send.buffered() + c->recv.buffered();
  return total;
}

}  // namespace roam::channel
