// NetnsLink: roam-netsim's packet-level link (tools/netsim/packet_link.h),
// run as a program for one test, with the verbs a test needs: run a command
// in the client or the server namespace, open a socket in either, steer the
// link with control lines and wait for its answer, stop it.
//
//   NetnsLink link(ROAM_NETSIM_BINARY, {"--delay-ms", "10", "--loss", "0.02"});
//   ASSERT_TRUE(link.Start()) << link.error();
//   Subprocess server(link.InServer({"some-server", "--bind", link.server_address()}));
//   Subprocess client(link.InClient({"some-client", link.server_address()}));
//   EXPECT_EQ(link.Control("outage 2"), "NETSIM OK outage");
//
// Commands run through util-linux's nsenter, which enters the namespace and
// execs the command in place, so a Subprocess's PID is the command's own.
// The link ends every process still inside its namespaces when it stops
// (SIGTERM, then SIGKILL), and it is itself ended by SIGTERM when the test
// binary dies; everything a test starts inside should still be stopped by
// the test.
//
// Needs root (network namespaces and TUN devices); Available() tells a test
// whether to skip, and why.

#ifndef ROAM_TESTS_SUPPORT_NETNS_LINK_H_
#define ROAM_TESTS_SUPPORT_NETNS_LINK_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/unique_fd.h"
#include "netsim/network_namespace.h"
#include "support/subprocess.h"

namespace roam::testing {

// Identifies a network namespace (what /proc/PID/ns/net stats to).
struct NamespaceId {
  dev_t device = 0;
  ino_t inode = 0;
};

class NetnsLink {
 public:
  // Bounded waits: the link's start, a control line's answer, its stop.
  static constexpr std::chrono::milliseconds kStartTimeout{10000};
  static constexpr std::chrono::milliseconds kControlTimeout{5000};
  // The link waits up to 1 s after SIGTERM and 1 s after SIGKILL for what
  // runs inside; this leaves room for both.
  static constexpr std::chrono::milliseconds kStopTimeout{8000};

  // Whether `netsim_binary` can run a link here (root, network namespaces,
  // TUN devices): it runs one for a moment. If not, *why says what failed,
  // in one line fit for GTEST_SKIP.
  static bool Available(const std::string& netsim_binary, std::string* why);

  // `args` go after "roam-netsim link" (profile flags, --duration, ...).
  // --control-stdin is added.
  NetnsLink(std::string netsim_binary, std::vector<std::string> args);
  // Stops the link if it still runs.
  ~NetnsLink();
  NetnsLink(const NetnsLink&) = delete;
  NetnsLink& operator=(const NetnsLink&) = delete;

  // Starts the link and waits (bounded) for its banner. Returns false and
  // fills error() on failure. REQUIRES: called at most once.
  bool Start();
  const std::string& error() const { return error_; }

  // From the banner.
  const std::string& client_address() const { return client_address_; }
  const std::string& server_address() const { return server_address_; }
  const std::string& client_netns() const { return client_netns_; }
  const std::string& server_netns() const { return server_netns_; }
  NamespaceId client_id() const { return client_id_; }
  NamespaceId server_id() const { return server_id_; }
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  Subprocess& process() { return *process_; }

  // `argv` prefixed so that it runs inside the client (server) namespace.
  std::vector<std::string> InClient(const std::vector<std::string>& argv) const;
  std::vector<std::string> InServer(const std::vector<std::string>& argv) const;

  // A socket of `type` (SOCK_DGRAM, SOCK_STREAM) opened inside the client
  // (server) namespace; the calling thread enters it for the call only.
  // Invalid on failure.
  UniqueFd ClientSocket(int type) const;
  UniqueFd ServerSocket(int type) const;

  // Writes a control line and waits (bounded) for the link's answer.
  // Returns the answer line ("NETSIM OK move 198.18.1.2", "NETSIM ERROR
  // ..."), or "" if none came.
  std::string Control(const std::string& line);

  // Sends SIGTERM and waits (bounded by kStopTimeout) for the link to end.
  // Returns its exit status, or nullopt if it did not end in time.
  std::optional<int> Stop();
  // Waits (bounded) for the link to end by itself (--duration).
  std::optional<int> Wait(std::chrono::milliseconds timeout);

  // Everything the link printed so far (stdout and stderr).
  const std::string& output() const;

 private:
  std::string binary_;
  std::vector<std::string> args_;
  std::unique_ptr<Subprocess> process_;
  std::string error_;
  std::string client_address_;
  std::string server_address_;
  std::string client_netns_;
  std::string server_netns_;
  NamespaceId client_id_;
  NamespaceId server_id_;
};

// What still refers to the namespace: "pid N (in it)" for each process with
// a thread inside, "pid N fd M" for each open descriptor on it. Empty when
// nothing does, i.e. the kernel has freed it (sockets a process opened
// inside and then left with are not seen; a test holds none).
std::vector<std::string> NamespaceReferences(NamespaceId id);

// Names of the network devices inside `ns` ("lo", "roam0", ...).
std::vector<std::string> DevicesIn(const netsim::NetworkNamespace& ns);

}  // namespace roam::testing

#endif  // ROAM_TESTS_SUPPORT_NETNS_LINK_H_
