// The server's own address as seen by ssh, for `roam-server -s`.
//
// sshd sets SSH_CONNECTION="CLIENT_IP CLIENT_PORT SERVER_IP SERVER_PORT". With
// -s the server binds SERVER_IP, so it listens on the address the client
// already reached over ssh.

#ifndef ROAM_SESSION_SSH_CONNECTION_H_
#define ROAM_SESSION_SSH_CONNECTION_H_

#include <optional>
#include <string>
#include <string_view>

namespace roam::session {

// Returns the 3rd whitespace-separated field of `ssh_connection` with a
// leading "::ffff:" (IPv4-mapped form) removed, if it is a numeric IPv4 or
// IPv6 address. Returns nullopt when the value is missing, has fewer than four
// fields, or the field is not a numeric address; the caller then warns and
// binds the wildcard address.
std::optional<std::string> LocalIpFromSshConnection(std::optional<std::string_view> ssh_connection);

}  // namespace roam::session

#endif  // ROAM_SESSION_SSH_CONNECTION_H_
