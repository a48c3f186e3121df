// Socks5Server: the server side of a SOCKS5 handshake (RFC 1928), for -D.
//
// Only what a dynamic forward needs: the "no authentication" method and
// the CONNECT command, to an IPv4 or IPv6 address or a domain name (which
// the roam server resolves, as ssh's -D does). Sans-I/O: bytes from the
// SOCKS client in, bytes to answer out. A client that offers no usable
// method, asks for another command, or sends more than a handshake can hold
// is answered with the matching failure and the handshake fails.

#ifndef ROAM_SERVICE_SOCKS5_H_
#define ROAM_SERVICE_SOCKS5_H_

#include <string>
#include <string_view>

#include "service/forward_spec.h"

namespace roam::service {

class Socks5Server {
 public:
  enum class State { kGreeting, kRequest, kDone, kFailed };
  // Reply codes (RFC 1928 §6).
  enum Reply : uint8_t {
    kSucceeded = 0,
    kGeneralFailure = 1,
    kHostUnreachable = 4,
    kConnectionRefused = 5,
    kCommandNotSupported = 7,
    kAddressTypeNotSupported = 8,
  };
  // Longest handshake message: a greeting of 255 methods, or a request with
  // a 255-byte name.
  static constexpr size_t kMaxBuffered = 600;

  // Takes bytes from the client; returns what to send back now.
  std::string Feed(std::string_view bytes);

  State state() const { return state_; }
  // The CONNECT target. REQUIRES: state() == kDone.
  const Endpoint& target() const { return target_; }
  // Bytes the client sent after its request (data for the target).
  std::string TakeLeftover() { return std::exchange(buffer_, {}); }

  // The reply to a CONNECT, once its outcome is known.
  static std::string ConnectReply(Reply code);

 private:
  std::string Fail(Reply code);

  State state_ = State::kGreeting;
  std::string buffer_;
  Endpoint target_;
};

}  // namespace roam::service

#endif  // ROAM_SERVICE_SOCKS5_H_
