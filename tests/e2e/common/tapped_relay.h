// TappedRelay: a plain UDP forwarder on loopback with a tap, so an
// end-to-end test can look at every datagram two real programs exchange.
//
// It listens on 127.0.0.1 (a free port) for the client and forwards to
// 127.0.0.1:`server_port` from a socket of its own, sending the server's
// answers back to the client's latest address. Every forwarded datagram is
// handed to the tap first, on the relay's worker thread. The worker stops
// when the object is destroyed (it polls with a short timeout, so it always
// notices within a bounded time).

#ifndef ROAM_TESTS_E2E_COMMON_TAPPED_RELAY_H_
#define ROAM_TESTS_E2E_COMMON_TAPPED_RELAY_H_

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace roam::testing {

class TappedRelay {
 public:
  using Tap = std::function<void(bool to_server, std::string_view datagram)>;

  // Starts forwarding at once. Check ok() before use.
  TappedRelay(int server_port, Tap tap);
  ~TappedRelay();
  TappedRelay(const TappedRelay&) = delete;
  TappedRelay& operator=(const TappedRelay&) = delete;

  bool ok() const { return listen_port_ > 0; }
  int listen_port() const { return listen_port_; }
  // Stops the worker; the tap is not called afterwards.
  void Stop();

 private:
  void Loop();

  Tap tap_;
  int client_fd_ = -1;
  int server_fd_ = -1;
  int server_port_ = 0;
  int listen_port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread worker_;
};

}  // namespace roam::testing

#endif  // ROAM_TESTS_E2E_COMMON_TAPPED_RELAY_H_
