#include "e2e/common/relay_thread.h"

namespace roam::testing {

namespace {
// The worker's RunOnce slice: how late a queued command may be applied.
constexpr auto kSlice = std::chrono::milliseconds(2);
constexpr auto kApplyTimeout = std::chrono::seconds(10);
}  // namespace

RelayThread::RelayThread(int server_port, const netsim::Profile& profile, uint64_t seed) {
  netsim::UdpRelayConfig config;
  Result<netsim::LoopbackEndpoint> listen = netsim::LoopbackEndpoint::Parse("127.0.0.1:0");
  Result<netsim::LoopbackEndpoint> server =
      netsim::LoopbackEndpoint::Parse("127.0.0.1:" + std::to_string(server_port));
  if (!listen.ok() || !server.ok()) {
    error_ = "bad endpoint";
    return;
  }
  config.listen = *listen;
  config.server = *server;
  config.profile = profile;
  config.seed = seed;
  Result<std::unique_ptr<netsim::UdpRelay>> relay =
      netsim::UdpRelay::Create(std::move(config), clock_);
  if (!relay.ok()) {
    error_ = relay.status().message();
    return;
  }
  relay_ = std::move(*relay);
  listen_port_ = relay_->listen_port();
  worker_ = std::thread([this] { Loop(); });
}

RelayThread::~RelayThread() {
  stop_ = true;
  if (worker_.joinable()) worker_.join();
}

void RelayThread::Loop() {
  while (!stop_) {
    (void)relay_->RunOnce(kSlice);
    std::vector<std::function<void(netsim::UdpRelay&)>> work;
    {
      std::lock_guard<std::mutex> lock(mu_);
      work.swap(queue_);
    }
    for (auto& fn : work) fn(*relay_);
    if (!work.empty()) {
      std::lock_guard<std::mutex> lock(mu_);
      done_ += work.size();
      cv_.notify_all();
    }
  }
}

void RelayThread::OnWorker(const std::function<void(netsim::UdpRelay&)>& fn) {
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(fn);
  const uint64_t ticket = ++queued_;
  cv_.wait_for(lock, kApplyTimeout, [&] { return done_ >= ticket; });
}

Status RelayThread::Rebind(const std::string& ip) {
  Status result = Status::Ok();
  OnWorker([&](netsim::UdpRelay& r) { result = r.Rebind(ip); });
  return result;
}

std::chrono::steady_clock::time_point RelayThread::StartOutage(Duration duration) {
  std::chrono::steady_clock::time_point at;
  OnWorker([&](netsim::UdpRelay& r) {
    at = std::chrono::steady_clock::now();
    r.StartOutage(duration);
  });
  return at;
}

void RelayThread::SetProfile(const netsim::Profile& profile) {
  OnWorker([&](netsim::UdpRelay& r) { r.SetProfile(profile); });
}

netsim::UdpRelayStats RelayThread::Stats() {
  netsim::UdpRelayStats s;
  OnWorker([&](netsim::UdpRelay& r) { s = r.stats(); });
  return s;
}

std::string RelayThread::UpstreamAddress() {
  std::string a;
  OnWorker([&](netsim::UdpRelay& r) { a = r.upstream_address().ToString(); });
  return a;
}

}  // namespace roam::testing
