#include "client/control_master.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "channel/open_header.h"
#include "client/control_socket.h"
#include "service/forward_listener.h"
#include "service/socket_bridge.h"
#include "wire/channel_open.pb.h"

namespace roam::client {

namespace {

// Read per round while the request arrives (the request is at most
// kMaxOpenRequestBytes plus its length).
constexpr size_t kReadChunk = 16 * 1024;

// The answer goes to a socket that has had nothing written to it yet: it
// fits in its buffer whole.
void SendAll(int fd, const std::string& bytes) {
  (void)send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
}

}  // namespace

std::unique_ptr<service::FdService> MakeControlListener(UniqueFd listener, std::string path,
                                                        uid_t uid) {
  return std::make_unique<service::ForwardListener>(
      std::move(listener),
      [uid](channel::Mux*, UniqueFd connection, const std::string&,
            TimePoint) -> std::unique_ptr<service::FdService> {
        if (!PeerHasUid(connection.get(), uid)) return nullptr;  // closed at once
        return std::make_unique<ControlConnection>(std::move(connection));
      },
      std::nullopt, std::move(path));
}

ControlConnection::ControlConnection(UniqueFd fd) : fd_(std::move(fd)) {}

ControlConnection::~ControlConnection() = default;

void ControlConnection::AddPollFds(std::vector<pollfd>* fds) const {
  // Read until the request is whole; then wait for the server's answer.
  if (!done_ && !channel_) fds->push_back(pollfd{fd_.get(), POLLIN, 0});
}

void ControlConnection::Refuse(const std::string& reason) {
  SendAll(fd_.get(), channel::EncodeRefuseAnswer(reason));
  fd_.Reset();
  done_ = true;
}

void ControlConnection::ReadRequest(channel::Mux* mux, TimePoint now) {
  char buf[kReadChunk];
  const ssize_t n = read(fd_.get(), buf, sizeof buf);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
    Abort();  // gone before it asked for anything
    return;
  }
  if (n > 0) head_.append(buf, static_cast<size_t>(n));
  Result<std::optional<channel::ParsedRequest>> parsed = channel::ParseOpenRequest(head_);
  if (!parsed.ok()) return Refuse(parsed.status().message());
  if (!*parsed) return;
  RoamChannel::OpenRequest request;
  if (!request.ParseFromString((*parsed)->request) || !request.has_exec()) {
    return Refuse("only commands can go through another roam's session");
  }
  Result<uint64_t> id = mux->Open((*parsed)->request, now);
  if (!id.ok()) return Refuse(id.status().message());
  channel_ = *id;
  // Bytes that followed the request (the command's first stdin) follow it
  // on the channel too.
  const std::string rest = head_.substr((*parsed)->consumed);
  if (!rest.empty()) (void)mux->Write(*channel_, rest);
  head_.clear();
}

void ControlConnection::Run(channel::Mux* mux, const std::vector<pollfd>& fds, TimePoint now) {
  if (done_ || !mux) return;
  if (!channel_) {
    if (service::Revents(fds, fd_.get()) & (POLLIN | POLLHUP | POLLERR)) ReadRequest(mux, now);
    return;
  }
  std::optional<channel::ChannelInfo> info = mux->Info(*channel_);
  if (!info) return Refuse("the channel went away");
  if (info->phase == channel::ChannelPhase::kRefused) {
    mux->Release(*channel_);
    return Refuse(info->reason);
  }
  if (info->phase != channel::ChannelPhase::kOpen) return;
  SendAll(fd_.get(), channel::EncodeAcceptAnswer());
  spawned_.push_back(std::make_unique<service::SocketBridge>(*channel_, std::move(fd_)));
  done_ = true;
}

void ControlConnection::Abort() {
  fd_.Reset();
  done_ = true;
}

std::vector<std::unique_ptr<service::FdService>> ControlConnection::TakeSpawned() {
  return std::exchange(spawned_, {});
}

}  // namespace roam::client
