// RelayThread: a roam::netsim::UdpRelay running on its own thread, so an
// end-to-end test can steer it (rebind, outage, profile) while real programs
// talk through it, and read its counters at any moment.
//
// The relay itself is single-threaded; this class owns it on a worker thread
// that alternates RunOnce with applying the commands the test queued. Each
// steering call waits (bounded) until the worker has applied it, so the test
// knows exactly when the change took effect.

#ifndef ROAM_TESTS_E2E_COMMON_RELAY_THREAD_H_
#define ROAM_TESTS_E2E_COMMON_RELAY_THREAD_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "netsim/udp_relay.h"

namespace roam::testing {

class RelayThread {
 public:
  // Starts a relay listening on 127.0.0.1 (any free port) in front of
  // 127.0.0.1:`server_port` with `profile`. Check ok() before use.
  RelayThread(int server_port, const netsim::Profile& profile, uint64_t seed = 1);
  ~RelayThread();
  RelayThread(const RelayThread&) = delete;
  RelayThread& operator=(const RelayThread&) = delete;

  bool ok() const { return relay_ != nullptr; }
  const std::string& error() const { return error_; }
  // Where the client should send. REQUIRES: ok().
  int listen_port() const { return listen_port_; }

  // Moves the relay's upstream socket to a new port on `ip` (empty: same IP).
  // Returns the relay's status for it.
  Status Rebind(const std::string& ip);
  // Drops everything both ways for `duration` from the moment it is applied;
  // returns that moment.
  std::chrono::steady_clock::time_point StartOutage(Duration duration);
  void SetProfile(const netsim::Profile& profile);
  netsim::UdpRelayStats Stats();
  // The address the server currently sees the client as, "ip:port".
  std::string UpstreamAddress();

 private:
  // Runs `fn` on the worker thread between two RunOnce calls and waits for it.
  void OnWorker(const std::function<void(netsim::UdpRelay&)>& fn);
  void Loop();

  SystemClock clock_;
  std::unique_ptr<netsim::UdpRelay> relay_;
  std::string error_;
  int listen_port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::function<void(netsim::UdpRelay&)>> queue_;  // guarded by mu_
  uint64_t done_ = 0;                                          // guarded by mu_
  uint64_t queued_ = 0;                                        // guarded by mu_
  std::atomic<bool> stop_{false};
  std::thread worker_;
};

}  // namespace roam::testing

#endif  // ROAM_TESTS_E2E_COMMON_RELAY_THREAD_H_
