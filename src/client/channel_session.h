// ChannelSession: roam without a terminal. One channel joins this process's
// stdin and stdout to a service on the server, over the same roaming,
// encrypted session a terminal would use (`roam --channel-test`).
//
// It runs a ClientCore that never draws: once the server's Welcome arrived
// it opens the channel with the configured request, copies stdin into it
// (EOF becomes the channel's FIN) and what comes back to stdout, and ends
// the session when the service has finished and everything was written.
// A stock mosh-server (no Welcome) or a refused request ends it with a
// one-line error and exit status 255, like ssh's own failures.

#ifndef ROAM_CLIENT_CHANNEL_SESSION_H_
#define ROAM_CLIENT_CHANNEL_SESSION_H_

#include <memory>
#include <string>

#include "crypto/key.h"
#include "net/address.h"

namespace roam::client {

struct ChannelSessionConfig {
  net::Address server;
  std::string request;  // the serialized open request
  std::string program = "roam";
  bool verbose = false;  // statistics on stderr at the end
  std::string connect_failure_message;
};

// The open request for a --channel-test value: "echo", "discard" or
// "source:BYTES". REQUIRES: a value ParseRoamOptions accepted.
std::string ChannelTestRequest(const std::string& spec);

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
