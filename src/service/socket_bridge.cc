#include "service/socket_bridge.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "service/sockets.h"

namespace roam::service {

SocketBridge::SocketBridge(uint64_t channel, UniqueFd socket, bool connecting)
    : channel_(channel), fd_(std::move(socket)), connecting_(connecting) {}

SocketBridge::~SocketBridge() = default;

void SocketBridge::AddPollFds(std::vector<pollfd>* fds) const {
  if (done_ || !fd_.valid()) return;
  short events = 0;
  if (connecting_) {
    events = POLLOUT;
  } else {
    if (read_open_ && want_read_) events |= POLLIN;
    if (!to_socket_.empty()) events |= POLLOUT;
  }
  if (events) fds->push_back(pollfd{fd_.get(), events, 0});
}

void SocketBridge::Close(channel::Mux* mux) {
  fd_.Reset();
  if (mux) mux->Release(channel_);
  done_ = true;
}

void SocketBridge::Abort() {
  fd_.Reset();
  done_ = true;
}

void SocketBridge::Run(channel::Mux* mux, const std::vector<pollfd>& fds, TimePoint) {
  if (done_) return;
  std::optional<channel::ChannelInfo> info = mux->Info(channel_);
  if (!info) return Close(nullptr);
  if (connecting_) {
    const short revents = Revents(fds, fd_.get());
    if (!(revents & (POLLOUT | POLLERR | POLLHUP))) return;
    connecting_ = false;
    if (Status s = ConnectResult(fd_.get()); !s.ok()) {
      if (info->phase == channel::ChannelPhase::kIncoming) {
        (void)mux->Refuse(channel_, s.message());
        fd_.Reset();
        done_ = true;
      } else {
        mux->Reset(channel_, channel::kErrorServiceFailed);
        Close(mux);
      }
      return;
    }
    if (info->phase == channel::ChannelPhase::kIncoming) (void)mux->Accept(channel_);
    info = mux->Info(channel_);
    if (!info) return Close(nullptr);
  }
  if (info->phase == channel::ChannelPhase::kRefused && !label_.empty()) {
    messages_.push_back(label_ + ": refused by the server: " + info->reason);
  }
  if (info->phase == channel::ChannelPhase::kRefused || info->peer_reset) return Close(mux);
  if (info->stop_sending && read_open_) {
    read_open_ = false;
    shutdown(fd_.get(), SHUT_RD);
  }

  // Channel -> socket.
  for (int round = 0; round < 16 && write_open_; ++round) {
    if (to_socket_.size() < kMaxToSocket) {
      mux->Read(channel_, &to_socket_, kMaxToSocket - to_socket_.size());
    }
    if (to_socket_.empty()) break;
    ssize_t n = send(fd_.get(), to_socket_.data(), to_socket_.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes_down_ += static_cast<uint64_t>(n);
      to_socket_.erase(0, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
    // The socket's reader is gone: nothing more will be delivered.
    mux->Reset(channel_, channel::kErrorServiceFailed);
    return Close(mux);
  }
  info = mux->Info(channel_);
  if (!info) return Close(nullptr);
  if (write_open_ && info->eof && to_socket_.empty()) {
    write_open_ = false;
    shutdown(fd_.get(), SHUT_WR);
  }

  // Socket -> channel.
  if (read_open_ && (Revents(fds, fd_.get()) & (POLLIN | POLLHUP | POLLERR))) {
    for (int round = 0; round < 16; ++round) {
      info = mux->Info(channel_);
      if (!info || info->writable == 0) break;
      char buf[64 * 1024];
      ssize_t n = recv(fd_.get(), buf, std::min(info->writable, sizeof buf), 0);
      if (n > 0) {
        bytes_up_ += static_cast<uint64_t>(n);
        (void)mux->Write(channel_, std::string_view(buf, static_cast<size_t>(n)));
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
      if (n < 0) {
        mux->Reset(channel_, channel::kErrorServiceFailed);
        return Close(mux);
      }
      read_open_ = false;
      mux->CloseWrite(channel_);
      break;
    }
  }
  info = mux->Info(channel_);
  if (!info) return Close(nullptr);
  want_read_ = info->writable > 0;
  if (!read_open_ && !write_open_) Close(mux);
}

}  // namespace roam::service
