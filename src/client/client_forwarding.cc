#include "client/client_forwarding.h"

#include <unistd.h>

#include <algorithm>

#include "base/byte_reader.h"
#include "base/varint.h"
#include "client/control_master.h"
#include "client/control_socket.h"
#include "service/forward_listener.h"
#include "service/socket_bridge.h"
#include "service/sockets.h"

namespace roam::client {

ClientForwarding::ClientForwarding(ForwardingOptions options) : options_(std::move(options)) {
  uint32_t number = 0;
  for (const service::ForwardSpec& spec : options_.forwards) {
    if (spec.kind == service::ForwardSpec::Kind::kRemote) {
      Remote r;
      r.number = number++;
      r.spec = spec;
      remotes_.push_back(std::move(r));
    }
  }
}

ClientForwarding::~ClientForwarding() { Abort(); }

Status ClientForwarding::Start() {
  for (const service::ForwardSpec& spec : options_.forwards) {
    if (spec.kind == service::ForwardSpec::Kind::kRemote) continue;
    const service::Endpoint& at = spec.listen;
    Result<UniqueFd> fd =
        at.is_socket() ? service::ListenUnix(at.path) : service::ListenTcp(at.host, at.port);
    if (!fd.ok())
      return IoError("cannot listen on " + at.ToString() + ": " + fd.status().message());
    service::ForwardListener::Factory factory;
    if (spec.kind == service::ForwardSpec::Kind::kDynamic) {
      factory = [](channel::Mux*, UniqueFd connection, const std::string&,
                   TimePoint) -> std::unique_ptr<service::FdService> {
        return std::make_unique<service::SocksConnection>(std::move(connection));
      };
    } else {
      const std::string request = service::ConnectRequest(spec.target);
      const std::string label = "-L " + at.ToString() + " to " + spec.target.ToString();
      factory = [request, label](channel::Mux* mux, UniqueFd connection, const std::string&,
                                 TimePoint now) -> std::unique_ptr<service::FdService> {
        Result<uint64_t> id = mux->Open(request, now);
        if (!id.ok()) return nullptr;  // too many channels: the connection is closed
        auto bridge = std::make_unique<service::SocketBridge>(*id, std::move(connection));
        bridge->set_label(label);
        return bridge;
      };
    }
    services_.push_back(std::make_unique<service::ForwardListener>(
        std::move(*fd), std::move(factory), std::nullopt, at.is_socket() ? at.path : ""));
  }
  return Status::Ok();
}

void ClientForwarding::AddPollFds(std::vector<pollfd>* fds) const {
  for (const auto& s : services_) s->AddPollFds(fds);
}

void ClientForwarding::OpenRemotes(channel::Mux* mux, TimePoint now) {
  remotes_opened_ = true;
  for (Remote& r : remotes_) {
    RoamChannel::OpenRequest request;
    RoamChannel::Listen* listen = request.mutable_listen();
    if (r.spec.listen.is_socket()) {
      listen->set_path(r.spec.listen.path);
    } else {
      listen->set_bind_host(r.spec.listen.host);
      listen->set_port(r.spec.listen.port);
    }
    listen->set_listener(r.number);
    Result<uint64_t> id = mux->Open(request.SerializeAsString(), now);
    if (!id.ok()) {
      messages_.push_back("remote forward of " + r.spec.listen.ToString() +
                          " failed: " + id.status().message());
      continue;
    }
    r.channel = *id;
  }
}

void ClientForwarding::WatchRemotes(channel::Mux* mux) {
  for (Remote& r : remotes_) {
    if (!r.channel || r.reported) continue;
    std::optional<channel::ChannelInfo> info = mux->Info(*r.channel);
    if (!info) continue;
    if (info->phase == channel::ChannelPhase::kRefused) {
      messages_.push_back("remote port forwarding failed for listen " + r.spec.listen.ToString() +
                          ": " + info->reason);
      r.reported = true;
      mux->Release(*r.channel);
      continue;
    }
    if (info->phase != channel::ChannelPhase::kOpen) continue;
    mux->Read(*r.channel, &r.answer, 16);
    ByteReader reader(r.answer);
    uint64_t port = 0;
    if (!ReadVarint(&reader, &port)) continue;
    r.reported = true;
    if (!r.spec.listen.is_socket() && r.spec.listen.port == 0) {
      messages_.push_back("Allocated port " + std::to_string(port) + " for remote forward to " +
                          r.spec.target.ToString());
    }
  }
}

void ClientForwarding::Answer(channel::Mux* mux, ClientCore::IncomingChannel incoming) {
  std::optional<service::Endpoint> target;
  if (incoming.request.has_forwarded()) {
    const uint32_t number = incoming.request.forwarded().listener();
    auto it = std::find_if(remotes_.begin(), remotes_.end(),
                           [&](const Remote& r) { return r.number == number; });
    if (it == remotes_.end()) {
      (void)mux->Refuse(incoming.id, "no such remote forward");
      return;
    }
    target = it->spec.target;
  } else if (incoming.request.has_agent()) {
    if (!options_.agent || options_.agent_socket.empty()) {
      (void)mux->Refuse(incoming.id, "agent forwarding was not requested");
      return;
    }
    target = service::Endpoint{"", 0, options_.agent_socket};
  } else {
    (void)mux->Refuse(incoming.id, "the client offers no such service");
    return;
  }
  Result<UniqueFd> fd = target->is_socket() ? service::StartUnixConnect(target->path)
                                            : service::StartTcpConnect(target->host, target->port);
  if (!fd.ok()) {
    (void)mux->Refuse(incoming.id, fd.status().message());
    return;
  }
  services_.push_back(
      std::make_unique<service::SocketBridge>(incoming.id, std::move(*fd), /*connecting=*/true));
}

void ClientForwarding::StartControl() {
  control_started_ = true;
  if (options_.control_path.empty()) return;
  Result<UniqueFd> fd = ListenControl(options_.control_path, geteuid());
  if (!fd.ok()) {
    if (options_.verbose) messages_.push_back("not sharing this session: " + fd.status().message());
    return;
  }
  services_.push_back(MakeControlListener(std::move(*fd), options_.control_path, geteuid()));
}

void ClientForwarding::Run(channel::Mux* mux, std::vector<ClientCore::IncomingChannel> incoming,
                           const std::vector<pollfd>& fds, TimePoint now) {
  if (!mux) return;
  if (!control_started_) StartControl();
  if (!remotes_opened_) OpenRemotes(mux, now);
  WatchRemotes(mux);
  for (ClientCore::IncomingChannel& in : incoming) Answer(mux, std::move(in));
  std::vector<std::unique_ptr<service::FdService>> spawned;
  for (auto& s : services_) {
    s->Run(mux, fds, now);
    for (auto& spawn : s->TakeSpawned()) spawned.push_back(std::move(spawn));
    for (std::string& m : s->TakeMessages()) messages_.push_back(std::move(m));
  }
  std::erase_if(services_, [](const auto& s) { return s->done(); });
  for (auto& s : spawned) services_.push_back(std::move(s));
}

void ClientForwarding::Abort() {
  for (auto& s : services_) s->Abort();
  services_.clear();
}

}  // namespace roam::client
