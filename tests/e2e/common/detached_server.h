// DetachedServer: a mosh-compatible server (roam-server or the stock
// mosh-server) started the way the wrapper starts it, owned by its PID.
//
// `<server> new ...` prints `MOSH CONNECT <port> <key>` and detaches: its
// parent prints `[<name> detached, pid = N]` and exits. Start() runs it to
// that point (bounded), parses both lines, and from then on the object owns
// pid N: the destructor sends SIGTERM (then SIGKILL after a grace period) if
// it still runs, so no test leaves a server behind.

#ifndef ROAM_TESTS_E2E_COMMON_DETACHED_SERVER_H_
#define ROAM_TESTS_E2E_COMMON_DETACHED_SERVER_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace roam::testing {

class DetachedServer {
 public:
  DetachedServer() = default;
  ~DetachedServer();
  DetachedServer(const DetachedServer&) = delete;
  DetachedServer& operator=(const DetachedServer&) = delete;

  // Runs `argv` (e.g. {roam-server, new, -i, 127.0.0.1, -p, 0, --, /bin/sh})
  // with `env` ("NAME=VALUE") added. Returns whether the CONNECT line and the
  // detached pid were both found; on failure output() says why.
  // REQUIRES: not started yet.
  bool Start(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});

  int port() const { return port_; }
  const std::string& key() const { return key_; }
  pid_t pid() const { return pid_; }
  // Everything the launching process printed.
  const std::string& output() const { return output_; }

  // SIGTERM, then SIGKILL if it has not gone within a grace period. Safe to
  // call when it already exited.
  void Stop();

 private:
  int port_ = 0;
  std::string key_;
  pid_t pid_ = -1;
  std::string output_;
};

}  // namespace roam::testing

#endif  // ROAM_TESTS_E2E_COMMON_DETACHED_SERVER_H_
