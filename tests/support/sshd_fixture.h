// SshdFixture: a private OpenSSH server on 127.0.0.1 for end-to-end tests.
//
// The fixture owns a temporary directory holding everything the server and
// the client need: a host key, a user key, an authorized_keys file, an
// sshd_config of its own, a known_hosts file, the server's log and pid file,
// and a small `ssh-wrapper` script. It starts /usr/sbin/sshd in the
// foreground on a free loopback port, as the user running the test (root in
// CI, where sshd needs /run/sshd; any other user works too, because sshd then
// simply runs without privilege separation and only lets that user in).
// sshd gets a parent-death signal (through util-linux's setpriv), so it does
// not outlive a test binary that crashed or timed out. The fixture never
// reads or writes ~/.ssh or /etc/ssh: the client is always run with
// `-F /dev/null` and explicit key and known-hosts paths.
//
// Every session the server starts carries ROAM_TEST_SSHD=<temp dir> in its
// environment. On destruction the fixture ends, by PID, the processes that
// carry that marker (servers detached from ssh, such as mosh-server or
// roam-server) and the server's per-connection children, then the server
// itself, and removes the temporary directory.

#ifndef ROAM_TESTS_SUPPORT_SSHD_FIXTURE_H_
#define ROAM_TESTS_SUPPORT_SSHD_FIXTURE_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "support/subprocess.h"

namespace roam::testing {

// Quotes `word` for a POSIX shell (and for Perl's shellwords, which the mosh
// wrapper uses to split --ssh=): plain words stay as they are, anything else
// is wrapped in single quotes with each embedded ' written as '\''.
std::string ShellQuote(std::string_view word);
// ShellQuote of each word, joined by single spaces.
std::string ShellJoin(const std::vector<std::string>& words);

class SshdFixture {
 public:
  // Path of the server binary (sshd re-executes itself, so it must be absolute).
  static constexpr const char* kSshdPath = "/usr/sbin/sshd";
  // Bounded wait for the server to report that it listens.
  static constexpr std::chrono::milliseconds kStartTimeout{10000};
  // Seconds a detached mosh-server/roam-server waits without hearing from
  // its client before exiting (MOSH_SERVER_NETWORK_TMOUT), so a failed test
  // cannot leave one behind for long even if teardown misses it.
  static constexpr int kDefaultServerNetworkTimeoutSeconds = 120;

  // Creates the temporary directory and the keys. Does not start the server;
  // a failure here shows up as Start() returning false.
  SshdFixture();
  // Stops everything (see the file comment) and removes the temporary directory.
  ~SshdFixture();
  SshdFixture(const SshdFixture&) = delete;
  SshdFixture& operator=(const SshdFixture&) = delete;

  // Whether /usr/sbin/sshd, ssh and ssh-keygen are installed.
  static bool Available();

  // Puts `dir` ahead of everything else on the PATH of commands run through
  // this server (so a test's roam-server is what `roam-server` finds).
  // Directories keep the order in which they were added.
  // REQUIRES: Start() not yet called; `dir` is an absolute path with no
  // double quote or newline in it.
  void RemotePathPrepend(const std::string& dir);
  // Runs the server inside the network namespace `server_netns` (a path
  // nsenter accepts, such as NetnsLink::server_netns()) on `host`, port 22,
  // and RunSsh's client inside `client_netns` (empty: where the test runs).
  // This is how a test puts ssh across the packet-level link
  // (support/netns_link.h). SshCommand() stays a plain ssh command: run it
  // inside the client namespace yourself (NetnsLink::InClient).
  // REQUIRES: Start() not yet called.
  void UseNetworkNamespaces(const std::string& server_netns, const std::string& host,
                            const std::string& client_netns);
  // Adds NAME=VALUE to every session's environment (sshd_config SetEnv).
  // REQUIRES: Start() not yet called; no whitespace or quotes in the entry.
  void SetRemoteEnv(const std::string& name_equals_value);

  // Writes the configuration and starts the server, waiting (bounded by
  // kStartTimeout) until it accepts TCP connections. Retries with a new port
  // if another process took the chosen one first. Returns false and fills
  // error() (with the tail of the server log) on failure.
  // REQUIRES: called at most once.
  bool Start();
  bool running() const { return server_ != nullptr; }
  const std::string& error() const { return error_; }

  // Loopback address and port the server listens on.
  const std::string& host() const { return host_; }
  int port() const { return port_; }
  // The local user name (the only account the server lets in).
  const std::string& user() const { return user_; }
  // "user@127.0.0.1".
  std::string destination() const { return user_ + "@" + host_; }
  // The private temporary directory (removed by the destructor).
  const std::string& dir() const { return dir_; }

  // The ssh argv prefix: ssh -F /dev/null -p PORT -i KEY -o ... . Append the
  // destination and the remote command.
  std::vector<std::string> SshCommand() const;
  // The private key the server accepts (for an ssh agent to hold).
  const std::string& user_key_path() const { return user_key_path_; }
  // SshCommand() as one shell-quoted string, for `mosh --ssh=` / `roam --ssh=`.
  std::string SshCommandString() const;
  // An executable script that execs SshCommand() with its own arguments,
  // for callers that want a single program path. Exists once Start() succeeded.
  const std::string& ssh_wrapper() const { return ssh_wrapper_path_; }

  // Runs `ssh <destination> <remote_command>` to completion (bounded).
  CommandResult RunSsh(const std::string& remote_command,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(20000)) const;

  // PIDs of the processes (of this user) whose environment carries this
  // fixture's marker: whatever the sessions started and left running.
  std::vector<pid_t> RemoteProcesses() const;
  // The server log so far (sshd -E; LogLevel VERBOSE).
  std::string ServerLog() const;

  // Ends the sessions' processes and the server. Idempotent; the destructor
  // calls it.
  void Stop();

 private:
  bool Prepare();
  bool WriteConfig();
  bool LaunchOnce(bool* port_taken);

  std::string dir_;
  std::string host_ = "127.0.0.1";
  int port_ = 0;
  std::string user_;
  std::string host_key_path_;
  std::string user_key_path_;
  std::string authorized_keys_path_;
  std::string known_hosts_path_;
  std::string config_path_;
  std::string log_path_;
  std::string pid_path_;
  std::string remote_env_script_path_;
  std::string ssh_wrapper_path_;
  std::string server_netns_;  // empty: the test's own namespace
  std::string client_netns_;
  std::vector<std::string> path_dirs_;
  std::vector<std::string> remote_env_;
  bool prepared_ = false;
  bool started_ = false;
  std::string error_;
  std::unique_ptr<Subprocess> server_;
};

}  // namespace roam::testing

#endif  // ROAM_TESTS_SUPPORT_SSHD_FIXTURE_H_
