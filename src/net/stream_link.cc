#include "net/stream_link.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace roam::net {

namespace {
void SetNonBlocking(int fd) {
  if (fd >= 0) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}
}  // namespace

StreamLink::StreamLink(UniqueFd read, UniqueFd write)
    : read_(std::move(read)), write_(std::move(write)) {
  SetNonBlocking(read_.get());
  SetNonBlocking(write_.get());
  if (!read_.valid()) up_ = false;
}

void StreamLink::Fail(const std::string& why) {
  if (!up_) return;
  up_ = false;
  close_reason_ = why;
  read_.Reset();
  write_.Reset();
  out_.clear();
  out_pos_ = 0;
}

void StreamLink::Close() { Fail("closed"); }

bool StreamLink::Send(std::string_view datagram) {
  if (!up_ || datagram.size() < kMinFramedDatagram || datagram.size() > kMaxFramedDatagram) {
    return false;
  }
  if (out_.size() - out_pos_ + datagram.size() + 2 > kMaxQueued) {
    ++stats_.dropped_full;
    return false;
  }
  AppendFrame(datagram, &out_);
  ++stats_.sent;
  Flush();
  return true;
}

void StreamLink::Flush() {
  while (up_ && out_pos_ < out_.size()) {
    ssize_t n = write(write_fd(), out_.data() + out_pos_, out_.size() - out_pos_);
    if (n > 0) {
      out_pos_ += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
    Fail(n < 0 ? std::string("write: ") + std::strerror(errno) : "write: closed");
    return;
  }
  if (out_pos_ == out_.size()) {
    out_.clear();
    out_pos_ = 0;
  } else if (out_pos_ >= 64 * 1024) {
    out_.erase(0, out_pos_);
    out_pos_ = 0;
  }
}

void StreamLink::AddPollFds(std::vector<pollfd>* fds) const {
  if (!up_) return;
  if (!write_.valid()) {
    short events = POLLIN;
    if (out_pos_ < out_.size()) events |= POLLOUT;
    fds->push_back(pollfd{read_.get(), events, 0});
    return;
  }
  fds->push_back(pollfd{read_.get(), POLLIN, 0});
  if (out_pos_ < out_.size()) fds->push_back(pollfd{write_.get(), POLLOUT, 0});
}

std::vector<std::string> StreamLink::OnPolled(const std::vector<pollfd>& fds) {
  std::vector<std::string> datagrams;
  if (!up_) return datagrams;
  short read_events = 0;
  short write_events = 0;
  for (const pollfd& p : fds) {
    if (p.fd == read_.get()) read_events |= p.revents;
    if (p.fd == write_fd()) write_events |= p.revents;
  }
  if (write_events & (POLLOUT | POLLERR)) Flush();
  if (!up_ || !(read_events & (POLLIN | POLLHUP | POLLERR))) return datagrams;
  char buf[65536];
  for (int round = 0; round < 16; ++round) {
    ssize_t n = read(read_.get(), buf, sizeof buf);
    if (n > 0) {
      deframer_.Feed(std::string_view(buf, static_cast<size_t>(n)));
      for (;;) {
        Result<std::optional<std::string>> d = deframer_.Next();
        if (!d.ok()) {
          ++stats_.malformed;
          Fail(d.status().message());
          return datagrams;
        }
        if (!*d) break;
        ++stats_.received;
        datagrams.push_back(std::move(**d));
      }
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
    Fail(n == 0 ? "end of stream" : std::string("read: ") + std::strerror(errno));
    break;
  }
  return datagrams;
}

}  // namespace roam::net
