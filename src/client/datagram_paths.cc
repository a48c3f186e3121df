#include "client/datagram_paths.h"

#include <algorithm>

namespace roam::client {

namespace {
constexpr int kMaxReadsPerRound = 64;
}  // namespace

DatagramPaths::DatagramPaths(ClientCore* core, net::UdpEndpoint* udp, TransportMode mode,
                             Opener opener, std::optional<OpenedStream> initial, TimePoint now)
    : core_(core),
      udp_(udp),
      selector_(mode, now),
      opener_(std::move(opener)),
      stream_(std::move(initial)) {
  if (stream_ && stream_->link && stream_->link->up()) {
    selector_.OnStreamUp(now);
    stream_heard_ = now;
  } else {
    stream_.reset();
  }
}

DatagramPaths::~DatagramPaths() { CloseStream(); }

void DatagramPaths::CloseStream() {
  if (!stream_) return;
  if (stream_->link) stream_->link->Close();
  if (stream_->close) stream_->close();
  stream_.reset();
}

void DatagramPaths::AddPollFds(std::vector<pollfd>* fds) const {
  for (int fd : udp_->fds()) fds->push_back(pollfd{fd, POLLIN, 0});
  if (stream_) stream_->link->AddPollFds(fds);
}

void DatagramPaths::ReceiveOne(const std::string& bytes, const net::Address& from, int socket_id,
                               bool ecn_ce, PathSelector::Path via, TimePoint now) {
  const uint64_t before = core_->connection().stats().received;
  core_->Receive(bytes, from, socket_id, ecn_ce, now);
  // Only an authentic datagram says the path works.
  if (core_->connection().stats().received != before) selector_.OnReceived(via, now);
}

void DatagramPaths::OnPolled(const std::vector<pollfd>& fds, TimePoint now) {
  const std::vector<int> ours = udp_->fds();
  for (const pollfd& p : fds) {
    if (!(p.revents & (POLLIN | POLLERR))) continue;
    if (std::find(ours.begin(), ours.end(), p.fd) == ours.end()) continue;
    for (int i = 0; i < kMaxReadsPerRound; ++i) {
      std::optional<net::Received> r = udp_->Receive(p.fd);
      if (!r) break;
      ReceiveOne(r->bytes, r->from, r->socket_id, r->ecn_ce, PathSelector::Path::kUdp, now);
    }
  }
  if (!stream_) return;
  // Datagrams from the stream come from the server as far as the core is
  // concerned (only a server roams; the client never checks the source).
  const net::Address server = core_->connection().remote();
  const int socket_id = core_->connection().current_socket_id();
  for (const std::string& d : stream_->link->OnPolled(fds)) {
    ReceiveOne(d, server, socket_id, false, PathSelector::Path::kStream, now);
    stream_heard_ = now;
  }
  const bool silent = selector_.SendPath(now) == PathSelector::Path::kStream &&
                      now - stream_heard_ >= kStreamSilence;
  if (!stream_->link->up() || silent) {
    events_.push_back(std::string("stream closed: ") +
                      (silent ? "silent" : stream_->link->close_reason()));
    selector_.OnStreamDown(now);
    CloseStream();
    next_attempt_ = now + retry_;
  }
}

Status DatagramPaths::Flush(TimePoint now) {
  // A stream when one is wanted (or needed by the mode) ...
  if (!stream_ && selector_.WantStream(now) && now >= next_attempt_ && opener_) {
    std::optional<OpenedStream> opened = opener_();
    if (opened && opened->link && opened->link->up()) {
      stream_ = std::move(opened);
      selector_.OnStreamUp(now);
      stream_heard_ = now;
      events_.push_back("stream opened");
      retry_ = kFirstRetry;
    } else {
      if (opened && opened->close) opened->close();
      events_.push_back("stream could not be opened");
      next_attempt_ = now + retry_;
      retry_ = std::min(retry_ * 2, kMaxRetry);
    }
  }
  // ... and none once UDP has carried the session for a while.
  if (stream_ && selector_.mode() == TransportMode::kAuto &&
      selector_.SendPath(now) == PathSelector::Path::kUdp) {
    if (!udp_since_) udp_since_ = now;
    if (now - *udp_since_ >= kStreamIdleClose) {
      events_.push_back("stream closed: UDP works");
      selector_.OnStreamDown(now);
      CloseStream();
    }
  } else {
    udp_since_.reset();
  }

  Status result;
  const PathSelector::Path path = selector_.SendPath(now);
  std::vector<net::OutgoingDatagram> datagrams = core_->Tick(now);
  // A probe is taken only with a datagram to carry it.
  bool probe = !datagrams.empty() && selector_.TakeUdpProbe(now);
  for (net::OutgoingDatagram& d : datagrams) {
    if (path == PathSelector::Path::kStream && stream_) {
      if (!probe) {
        (void)stream_->link->Send(d.bytes);  // a full stream drops, like a full queue
        continue;
      }
      // The probe: this datagram goes over UDP instead. Not a copy: the
      // server follows the newest datagram, and a copy that came second
      // (after the stream's) would be a replay, dropped, and never move it.
      // While UDP is still blocked the datagram is lost and resent.
      probe = false;
    }
    Status s = udp_->Send(d);
    if (s.ok()) continue;
    ++datagram_send_failures_;
    last_send_error_ = s;
    if (s.code() == StatusCode::kOutOfRange) {
      core_->connection().OnMessageTooBig();
    } else if (s.code() == StatusCode::kIoError) {
      result = s;
    }
  }
  std::vector<int> to_close = core_->connection().TakeSocketsToClose(now);
  if (!to_close.empty()) udp_->Close(to_close);
  return result;
}

TimePoint DatagramPaths::NextWakeup(TimePoint now) const {
  TimePoint t = selector_.NextWakeup(now);
  if (!stream_ && selector_.WantStream(now)) t = std::min(t, std::max(now, next_attempt_));
  if (stream_ && udp_since_) t = std::min(t, *udp_since_ + kStreamIdleClose);
  if (stream_) t = std::min(t, std::max(now, stream_heard_ + kStreamSilence));
  return t;
}

}  // namespace roam::client
