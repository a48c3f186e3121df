// ChannelSession: roam without a terminal. One channel joins this process's
// stdin, stdout (and stderr) to a service on the server, over the same
// roaming, encrypted session a terminal would use: a remote command
// (`roam -T host command`, rsync/sftp/scp/git over roam) or a test service
// (`roam --channel-test`).
//
// It runs a ClientCore that never draws: once the server's Welcome arrived
// it opens the channel with the configured request, copies stdin into it
// (EOF becomes the channel's FIN) and what comes back to stdout — as raw
// bytes for a test service, as exec records for a command (stdout, stderr
// and the exit status, docs/protocol.md §9.11) — and ends the session when
// the service has finished and everything was written. A stock mosh-server
// (no Welcome) or a refused request ends it with a one-line error and exit
// status 255, like ssh's own failures; a command's own status is returned
// as it is (128 + N when signal N ended it). SIGINT, SIGTERM and SIGHUP are
// passed on to a command; a second one ends roam at once.

#ifndef ROAM_CLIENT_CHANNEL_SESSION_H_
#define ROAM_CLIENT_CHANNEL_SESSION_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/client_forwarding.h"
#include "client/datagram_paths.h"
#include "client/path_selector.h"
#include "crypto/key.h"
#include "net/address.h"

namespace roam::client {

struct ChannelSessionConfig {
  net::Address server;
  std::string request;  // the serialized open request
  // The channel carries exec records (a command) rather than raw bytes.
  bool exec = false;
  // The command reads nothing (ssh's -n): its stdin ends at once.
  bool stdin_null = false;
  // -L, -R, -D, -A. With an empty `request` (-N) the session carries only
  // these, until a signal ends it.
  ForwardingOptions forwarding;  // -L, -R, -D, -A
  // How datagrams travel (docs/protocol.md §10): `transport` chooses; the
  // bootstrap's stream (--ssh-stream) comes in `initial_stream`; more are
  // opened through `stream_opener` when needed.
  TransportMode transport = TransportMode::kUdp;
  DatagramPaths::Opener stream_opener;
  std::optional<OpenedStream> initial_stream;
  std::string program = "roam";
  bool verbose = false;  // statistics on stderr at the end
  std::string connect_failure_message;
};

// The open request for a --channel-test value: "echo", "discard" or
// "source:BYTES". REQUIRES: a value ParseRoamOptions accepted.
std::string ChannelTestRequest(const std::string& spec);

// The open request for a remote command without a terminal: `words`
// joined by spaces (as ssh joins them) for the remote user's shell, and the
// local locale variables (LANG, LC_*) that are set.
std::string ExecRequest(const std::vector<std::string>& words,
                        const std::function<std::optional<std::string>(const std::string&)>& env,
                        bool subsystem = false);

class ChannelSession {
 public:
  ChannelSession(crypto::Key key, ChannelSessionConfig config);
  ~ChannelSession();

  // Runs the session on stdin/stdout. Returns the exit status: 0 when the
  // service finished, 255 on roam's own failures.
  int Run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace roam::client

#endif  // ROAM_CLIENT_CHANNEL_SESSION_H_
