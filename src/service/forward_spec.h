// ForwardSpec: the -L, -R and -D arguments, in ssh's syntax.
//
//   -L [bind:]port:host:hostport    -L [bind:]port:/remote/socket
//   -L /local/socket:host:hostport  -L /local/socket:/remote/socket
//   -R [bind:]port:host:hostport    -R [bind:]port:/local/socket
//   -R /remote/socket:host:hostport -R /remote/socket:/local/socket
//   -D [bind:]port
//
// An IPv6 address is written in brackets ([::1]); a socket path is any
// field with a '/'. A missing bind address means loopback only ("*" means
// every address), as with ssh's default GatewayPorts=no.

#ifndef ROAM_SERVICE_FORWARD_SPEC_H_
#define ROAM_SERVICE_FORWARD_SPEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace roam::service {

// One end of a forward: a TCP host and port, or a Unix socket path.
struct Endpoint {
  std::string host;  // empty for a socket (or a default bind address)
  uint16_t port = 0;
  std::string path;  // non-empty for a Unix socket
  bool is_socket() const { return !path.empty(); }
  std::string ToString() const;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

struct ForwardSpec {
  enum class Kind { kLocal, kRemote, kDynamic };
  Kind kind = Kind::kLocal;
  Endpoint listen;  // where the listening side binds (-L, -D: here; -R: the server)
  Endpoint target;  // where connections go (-L: from the server; -R: from here)
  friend bool operator==(const ForwardSpec&, const ForwardSpec&) = default;
};

// Parses the argument of -L, -R or -D. Errors: kInvalidArgument with a
// message naming the problem.
Result<ForwardSpec> ParseForwardSpec(ForwardSpec::Kind kind, std::string_view text);

}  // namespace roam::service

#endif  // ROAM_SERVICE_FORWARD_SPEC_H_
