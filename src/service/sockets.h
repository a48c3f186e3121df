// Sockets for forwarding: non-blocking TCP and Unix-domain connects and
// listeners, with errors as values.
//
// Host names are resolved with getaddrinfo, which may block for as long as
// the system's resolver takes; numeric addresses never do. Listeners are
// created with SO_REUSEADDR; Unix sockets in a directory the caller chose.

#ifndef ROAM_SERVICE_SOCKETS_H_
#define ROAM_SERVICE_SOCKETS_H_

#include <cstdint>
#include <string>

#include "base/status.h"
#include "base/unique_fd.h"

namespace roam::service {

// Starts a non-blocking connect to `host`:`port` (the first address that
// accepts the attempt). The socket becomes writable when the connect ends;
// then ConnectResult tells how. Errors: kInvalidArgument (unresolvable
// name), kIoError.
Result<UniqueFd> StartTcpConnect(const std::string& host, uint16_t port);
// The same for the Unix-domain socket at `path`.
Result<UniqueFd> StartUnixConnect(const std::string& path);
// After the socket of a started connect became writable: OK or the error
// (e.g. "connection refused").
Status ConnectResult(int fd);

// A non-blocking listener on `host`:`port` (host "" or "localhost":
// loopback only; "*" or "0.0.0.0": every address). Port 0 picks one.
Result<UniqueFd> ListenTcp(const std::string& host, uint16_t port);
// A non-blocking listener on the Unix socket `path` (which must not exist),
// mode 0600.
Result<UniqueFd> ListenUnix(const std::string& path);
// The port a TCP listener is bound to (0 on error).
uint16_t BoundPort(int fd);
// Accepts one connection, non-blocking. Returns an invalid fd when none is
// waiting; `origin` gets the peer as text ("127.0.0.1:5000", "unix").
UniqueFd AcceptConnection(int listener, std::string* origin);

}  // namespace roam::service

#endif  // ROAM_SERVICE_SOCKETS_H_
