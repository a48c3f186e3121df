#include "service/forward_listener.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "service/socket_bridge.h"
#include "service/sockets.h"
#include "wire/channel_open.pb.h"

namespace roam::service {

std::string ConnectRequest(const Endpoint& target) {
  RoamChannel::OpenRequest request;
  RoamChannel::Connect* connect = request.mutable_connect();
  if (target.is_socket()) {
    connect->set_path(target.path);
  } else {
    connect->set_host(target.host);
    connect->set_port(target.port);
  }
  return request.SerializeAsString();
}

ForwardListener::ForwardListener(UniqueFd listener, Factory factory,
                                 std::optional<uint64_t> control, std::string unix_path)
    : listener_(std::move(listener)),
      factory_(std::move(factory)),
      control_(control),
      unix_path_(std::move(unix_path)) {
  struct stat st {};
  if (!unix_path_.empty() && stat(unix_path_.c_str(), &st) == 0) {
    unix_file_ = std::make_pair(st.st_dev, st.st_ino);
  }
}

ForwardListener::~ForwardListener() { Abort(); }

void ForwardListener::Abort() {
  // Only our own socket file: another process may have put its own there
  // since (a stale path replaced by a new session).
  struct stat st {};
  if (listener_.valid() && unix_file_ && stat(unix_path_.c_str(), &st) == 0 &&
      std::make_pair(st.st_dev, st.st_ino) == *unix_file_) {
    unlink(unix_path_.c_str());
  }
  listener_.Reset();
  done_ = true;
}

void ForwardListener::AddPollFds(std::vector<pollfd>* fds) const {
  if (!done_ && listener_.valid()) fds->push_back(pollfd{listener_.get(), POLLIN, 0});
}

void ForwardListener::Run(channel::Mux* mux, const std::vector<pollfd>& fds, TimePoint now) {
  if (done_) return;
  if (control_) {
    std::optional<channel::ChannelInfo> info = mux->Info(*control_);
    if (!info || info->eof || info->peer_reset || info->stop_sending) {
      if (info) {
        mux->CloseWrite(*control_);
        mux->Release(*control_);
      }
      Abort();
      return;
    }
  }
  if (!(Revents(fds, listener_.get()) & POLLIN)) return;
  for (int i = 0; i < 16; ++i) {
    std::string origin;
    UniqueFd connection = AcceptConnection(listener_.get(), &origin);
    if (!connection.valid()) break;
    std::unique_ptr<FdService> service = factory_(mux, std::move(connection), origin, now);
    if (service) spawned_.push_back(std::move(service));
  }
}

void SocksConnection::Abort() {
  fd_.Reset();
  done_ = true;
}

void SocksConnection::AddPollFds(std::vector<pollfd>* fds) const {
  if (!done_ && fd_.valid() && !channel_) fds->push_back(pollfd{fd_.get(), POLLIN, 0});
}

void SocksConnection::Answer(const std::string& bytes) {
  // The handshake's answers are a few bytes to a fresh socket: they fit in
  // its buffer; a client that does not read them loses nothing else.
  if (!bytes.empty()) (void)send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
}

void SocksConnection::Run(channel::Mux* mux, const std::vector<pollfd>& fds, TimePoint now) {
  if (done_) return;
  if (!channel_) {
    if (!(Revents(fds, fd_.get()) & (POLLIN | POLLHUP | POLLERR))) return;
    char buf[Socks5Server::kMaxBuffered];
    ssize_t n = recv(fd_.get(), buf, sizeof buf, 0);
    if (n <= 0) {
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
      return Abort();
    }
    Answer(socks_.Feed(std::string_view(buf, static_cast<size_t>(n))));
    if (socks_.state() == Socks5Server::State::kFailed) return Abort();
    if (socks_.state() != Socks5Server::State::kDone) return;
    Result<uint64_t> id = mux->Open(ConnectRequest(socks_.target()), now);
    if (!id.ok()) {
      Answer(Socks5Server::ConnectReply(Socks5Server::kGeneralFailure));
      return Abort();
    }
    channel_ = *id;
    leftover_ = socks_.TakeLeftover();
  }
  std::optional<channel::ChannelInfo> info = mux->Info(*channel_);
  if (!info) return Abort();
  if (info->phase == channel::ChannelPhase::kRefused) {
    messages_.push_back("-D: connection to " + socks_.target().ToString() +
                        " refused by the server: " + info->reason);
    Answer(Socks5Server::ConnectReply(info->reason.find("resolve") != std::string::npos
                                          ? Socks5Server::kHostUnreachable
                                          : Socks5Server::kConnectionRefused));
    mux->Release(*channel_);
    return Abort();
  }
  if (info->phase != channel::ChannelPhase::kOpen) return;
  Answer(Socks5Server::ConnectReply(Socks5Server::kSucceeded));
  if (!leftover_.empty()) (void)mux->Write(*channel_, leftover_);
  spawned_.push_back(std::make_unique<SocketBridge>(*channel_, std::move(fd_)));
  done_ = true;
}

}  // namespace roam::service
