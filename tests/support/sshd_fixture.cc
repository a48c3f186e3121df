#include "support/sshd_fixture.h"

#include "support/proc_scan.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace roam::testing {

namespace {

using std::chrono::milliseconds;

constexpr const char* kMarkerName = "ROAM_TEST_SSHD";
// PATH the server gives sessions before the fixture's own directories.
constexpr const char* kBasePath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
// Where sshd insists on its privilege-separation chroot when run as root.
constexpr const char* kPrivsepDir = "/run/sshd";
// util-linux's setpriv, used to give sshd a parent-death signal.
constexpr const char* kSetprivPath = "/usr/bin/setpriv";
// util-linux's nsenter, which runs sshd (or ssh) inside a network namespace.
constexpr const char* kNsenter = "nsenter";
// Inside a namespace of its own the server has every port to itself.
constexpr int kNamespacePort = 22;
constexpr int kLaunchAttempts = 5;
constexpr milliseconds kKeygenTimeout(15000);
constexpr milliseconds kStopGrace(3000);
// How much of the server log goes into error() after a failed start.
constexpr size_t kLogTailBytes = 2000;

bool WriteFile(const std::string& path, const std::string& text, mode_t mode) {
  {
    std::ofstream out(path, std::ios::trunc);
    if (!out) return false;
    out << text;
    if (!out.flush()) return false;
  }
  return chmod(path.c_str(), mode) == 0;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// sshd_config splits arguments at whitespace unless they are double-quoted.
std::string ConfigQuote(const std::string& word) { return "\"" + word + "\""; }

// Asks the kernel for a free loopback TCP port. The port is free only until
// someone else binds it; Start() retries when sshd loses that race.
int PickFreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

// A TCP socket opened in the network namespace at `netns` (empty: the
// calling thread's own). The thread enters the namespace for the call only;
// the socket stays in it.
int StreamSocketIn(const std::string& netns) {
  if (netns.empty()) return socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int original = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  const int target = open(netns.c_str(), O_RDONLY | O_CLOEXEC);
  int fd = -1;
  if (original >= 0 && target >= 0 && setns(target, CLONE_NEWNET) == 0) {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    // A thread left in the test's namespace would be a broken test harness.
    if (setns(original, CLONE_NEWNET) != 0) std::abort();
  }
  if (target >= 0) close(target);
  if (original >= 0) close(original);
  return fd;
}

bool AcceptsConnections(const std::string& netns, const std::string& host, int port) {
  const int fd = StreamSocketIn(netns);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// All descendants of `root` (not `root` itself).
std::vector<pid_t> Descendants(pid_t root) {
  std::multimap<pid_t, pid_t> children;
  for (pid_t pid : AllPids()) {
    ProcInfo info;
    if (ReadProcInfo(pid, &info)) children.emplace(info.ppid, pid);
  }
  std::vector<pid_t> found;
  std::vector<pid_t> frontier = {root};
  // Bounded: each pid is visited once, and there are finitely many.
  std::set<pid_t> seen = {root};
  while (!frontier.empty()) {
    const pid_t parent = frontier.back();
    frontier.pop_back();
    auto [lo, hi] = children.equal_range(parent);
    for (auto it = lo; it != hi; ++it) {
      if (seen.insert(it->second).second) {
        found.push_back(it->second);
        frontier.push_back(it->second);
      }
    }
  }
  return found;
}

// SIGTERM to each pid, a bounded wait, then SIGKILL to what is left.
void EndProcesses(const std::vector<pid_t>& pids) {
  if (pids.empty()) return;
  for (pid_t pid : pids) kill(pid, SIGTERM);
  const bool all_gone = PollUntil(
      [&] {
        for (pid_t pid : pids) {
          if (ProcessRunning(pid)) return false;
        }
        return true;
      },
      kStopGrace);
  if (all_gone) return;
  for (pid_t pid : pids) {
    if (ProcessRunning(pid)) kill(pid, SIGKILL);
  }
}

}  // namespace

std::string ShellQuote(std::string_view word) {
  const bool plain = !word.empty() && word.find_first_not_of(
                                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789@%+=:,./_-") == std::string_view::npos;
  if (plain) return std::string(word);
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  quoted += "'";
  return quoted;
}

std::string ShellJoin(const std::vector<std::string>& words) {
  std::string joined;
  for (const auto& word : words) {
    if (!joined.empty()) joined += ' ';
    joined += ShellQuote(word);
  }
  return joined;
}

SshdFixture::SshdFixture() {
  if (const passwd* pw = getpwuid(geteuid())) user_ = pw->pw_name;
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/roam-sshd-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    error_ = "mkdtemp failed: " + std::string(std::strerror(errno));
    return;
  }
  dir_ = pattern;
  host_key_path_ = dir_ + "/host_ed25519_key";
  user_key_path_ = dir_ + "/user_ed25519_key";
  authorized_keys_path_ = dir_ + "/authorized_keys";
  known_hosts_path_ = dir_ + "/known_hosts";
  config_path_ = dir_ + "/sshd_config";
  log_path_ = dir_ + "/sshd.log";
  pid_path_ = dir_ + "/sshd.pid";
  remote_env_script_path_ = dir_ + "/remote-env";
  ssh_wrapper_path_ = dir_ + "/ssh-wrapper";
  prepared_ = Prepare();
}

SshdFixture::~SshdFixture() {
  Stop();
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

bool SshdFixture::Available() {
  return access(kSshdPath, X_OK) == 0 && HaveProgram("ssh") && HaveProgram("ssh-keygen");
}

bool SshdFixture::Prepare() {
  if (user_.empty()) {
    error_ = "cannot find the name of uid " + std::to_string(geteuid());
    return false;
  }
  for (const auto& key : {host_key_path_, user_key_path_}) {
    CommandResult r =
        RunCommand({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "roam-e2e", "-f", key},
                   kKeygenTimeout);
    if (r.status != 0) {
      error_ = "ssh-keygen failed for " + key + ": " + r.output;
      return false;
    }
  }
  const std::string public_key = ReadFile(user_key_path_ + ".pub");
  if (public_key.empty() || !WriteFile(authorized_keys_path_, public_key, 0600)) {
    error_ = "cannot write " + authorized_keys_path_;
    return false;
  }
  return true;
}

void SshdFixture::RemotePathPrepend(const std::string& dir) { path_dirs_.push_back(dir); }

void SshdFixture::UseNetworkNamespaces(const std::string& server_netns, const std::string& host,
                                       const std::string& client_netns) {
  server_netns_ = server_netns;
  host_ = host;
  client_netns_ = client_netns;
}

void SshdFixture::SetRemoteEnv(const std::string& name_equals_value) {
  remote_env_.push_back(name_equals_value);
}

bool SshdFixture::WriteConfig() {
  // Session environment. SetEnv (OpenSSH >= 7.8) takes every variable on one
  // line: sshd keeps only the first SetEnv directive it reads.
  std::string path = kBasePath;
  for (auto it = path_dirs_.rbegin(); it != path_dirs_.rend(); ++it) path = *it + ":" + path;
  std::string set_env = "SetEnv " + ConfigQuote("PATH=" + path) + " " +
                        ConfigQuote(std::string(kMarkerName) + "=" + dir_) + " " +
                        ConfigQuote("MOSH_SERVER_NETWORK_TMOUT=" +
                                    std::to_string(kDefaultServerNetworkTimeoutSeconds));
  for (const auto& entry : remote_env_) set_env += " " + ConfigQuote(entry);

  std::ostringstream config;
  config << "# Written by the roam end-to-end test fixture; used only by this sshd.\n"
         << "ListenAddress " << host_ << "\n"
         << "Port " << port_ << "\n"
         << "HostKey " << ConfigQuote(host_key_path_) << "\n"
         << "AuthorizedKeysFile " << ConfigQuote(authorized_keys_path_) << "\n"
         << "PidFile " << ConfigQuote(pid_path_) << "\n"
         << "PubkeyAuthentication yes\n"
         << "PasswordAuthentication no\n"
         << "KbdInteractiveAuthentication no\n"
         << "StrictModes no\n"
         << "UsePAM no\n"
         << "PermitRootLogin prohibit-password\n"
         << "PrintMotd no\n"
         << "PrintLastLog no\n"
         << "X11Forwarding no\n"
         << "LogLevel VERBOSE\n"
         << "AcceptEnv LANG LC_*\n"
         << set_env << "\n";
  if (!path_dirs_.empty()) {
    // SetEnv PATH is what a session starts with, but the user's shell may put
    // its own directories in front while reading its rc files (bash reads
    // ~/.bashrc even for `ssh host command`). So the forced command hands
    // the client's command to the user's shell, as sshd would, with a PATH
    // assignment in front of it: it runs after the rc files and before the
    // command. sshd itself runs ForceCommand through the user's shell, hence
    // the shell quoting of the script's path.
    std::string dirs;
    for (const auto& dir : path_dirs_) dirs += (dirs.empty() ? "" : ":") + dir;
    const std::string path_setup = "PATH=" + ShellQuote(dirs) + ":\"$PATH\"; export PATH";
    const std::string script =
        "#!/bin/sh\n"
        "# Runs the ssh client's command with the test's directories first on PATH.\n"
        "path_setup=" +
        ShellQuote(path_setup) +
        "\n"
        "eval \"$path_setup\"\n"
        "if [ -n \"${SSH_ORIGINAL_COMMAND+set}\" ]; then\n"
        "  client_command=$SSH_ORIGINAL_COMMAND\n"
        "  unset SSH_ORIGINAL_COMMAND\n"
        "  exec \"${SHELL:-/bin/sh}\" -c \"$path_setup\n$client_command\"\n"
        "fi\n"
        "exec \"${SHELL:-/bin/sh}\" -l\n";
    if (!WriteFile(remote_env_script_path_, script, 0755)) {
      error_ = "cannot write " + remote_env_script_path_;
      return false;
    }
    config << "ForceCommand " << ShellQuote(remote_env_script_path_) << "\n";
  }
  if (!WriteFile(config_path_, config.str(), 0644)) {
    error_ = "cannot write " + config_path_;
    return false;
  }
  if (!WriteFile(ssh_wrapper_path_, "#!/bin/sh\nexec " + SshCommandString() + " \"$@\"\n", 0755)) {
    error_ = "cannot write " + ssh_wrapper_path_;
    return false;
  }
  return true;
}

bool SshdFixture::LaunchOnce(bool* port_taken) {
  *port_taken = false;
  port_ = server_netns_.empty() ? PickFreePort() : kNamespacePort;
  if (port_ == 0) {
    error_ = "no free loopback port";
    return false;
  }
  if (!WriteConfig()) return false;
  // Truncate the log so that this attempt's messages are the only ones in it.
  if (!WriteFile(log_path_, "", 0600)) {
    error_ = "cannot write " + log_path_;
    return false;
  }
  // -D: stay in the foreground, so the fixture owns the listener's PID.
  // -E: log to a file rather than a pipe nobody drains during the test.
  std::vector<std::string> argv;
  if (access(kSetprivPath, X_OK) == 0) {
    // If the test binary dies without running destructors (a crash, or
    // ctest's timeout), the kernel sends sshd SIGTERM instead of leaving it
    // listening. setpriv execs sshd in place, so the PID stays the same.
    argv = {kSetprivPath, "--pdeathsig", "TERM"};
  }
  if (!server_netns_.empty()) {
    // nsenter also execs in place: the PID is still sshd's.
    argv.insert(argv.end(), {kNsenter, "--net=" + server_netns_, "--"});
  }
  argv.insert(argv.end(), {kSshdPath, "-D", "-E", log_path_, "-f", config_path_});
  auto server = std::make_unique<Subprocess>(argv);
  const std::string listening =
      "Server listening on " + host_ + " port " + std::to_string(port_) + ".";
  bool exited = false;
  const bool listens = PollUntil(
      [&] {
        if (ServerLog().find(listening) != std::string::npos) return true;
        exited = server->Wait(milliseconds(0)).has_value();
        return exited;
      },
      kStartTimeout);
  if (listens && !exited && AcceptsConnections(server_netns_, host_, port_)) {
    server_ = std::move(server);
    return true;
  }
  const std::string log = ServerLog();
  *port_taken = log.find("Address already in use") != std::string::npos;
  server->Kill();
  error_ = "sshd did not start on " + host_ + ":" + std::to_string(port_) +
           (exited ? " (it exited)" : " (timed out)") + "\nstderr: " + server->output() +
           "\nlog: " + log.substr(log.size() > kLogTailBytes ? log.size() - kLogTailBytes : 0);
  return false;
}

bool SshdFixture::Start() {
  if (started_) {
    error_ = "Start() called twice";
    return false;
  }
  started_ = true;
  if (!prepared_) return false;
  if (access(kSshdPath, X_OK) != 0) {
    error_ = std::string(kSshdPath) + " is missing (install openssh-server)";
    return false;
  }
  if (geteuid() == 0) {
    // As root, sshd refuses to start without its privilege-separation
    // directory; Debian creates it only when the system service starts.
    struct stat st;
    if (stat(kPrivsepDir, &st) != 0 && mkdir(kPrivsepDir, 0755) != 0 && errno != EEXIST) {
      error_ = "cannot create " + std::string(kPrivsepDir) + ": " + std::strerror(errno);
      return false;
    }
  }
  for (int attempt = 0; attempt < kLaunchAttempts; ++attempt) {
    bool port_taken = false;
    if (LaunchOnce(&port_taken)) {
      error_.clear();
      return true;
    }
    if (!port_taken) return false;
  }
  return false;
}

std::vector<std::string> SshdFixture::SshCommand() const {
  return {"ssh",
          "-F",
          "/dev/null",  // no ~/.ssh/config, no /etc/ssh/ssh_config
          "-p",
          std::to_string(port_),
          "-i",
          user_key_path_,
          "-o",
          "IdentitiesOnly=yes",  // only the fixture's key, never an agent's
          "-o",
          "UserKnownHostsFile=" + known_hosts_path_,
          "-o",
          "GlobalKnownHostsFile=/dev/null",
          "-o",
          "StrictHostKeyChecking=no",
          "-o",
          "BatchMode=yes",
          "-o",
          "ConnectTimeout=10",
          "-o",
          "LogLevel=ERROR"};
}

std::string SshdFixture::SshCommandString() const { return ShellJoin(SshCommand()); }

CommandResult SshdFixture::RunSsh(const std::string& remote_command,
                                  std::chrono::milliseconds timeout) const {
  std::vector<std::string> argv;
  if (!client_netns_.empty()) argv = {kNsenter, "--net=" + client_netns_, "--"};
  const std::vector<std::string> ssh = SshCommand();
  argv.insert(argv.end(), ssh.begin(), ssh.end());
  argv.push_back(destination());
  argv.push_back(remote_command);
  return RunCommand(argv, timeout);
}

std::vector<pid_t> SshdFixture::RemoteProcesses() const {
  if (dir_.empty()) return {};
  return ProcessesWithEnvironmentEntry(std::string(kMarkerName) + "=" + dir_);
}

std::string SshdFixture::ServerLog() const { return log_path_.empty() ? "" : ReadFile(log_path_); }

void SshdFixture::Stop() {
  // Sessions first (detached servers and their shells, found by the marker;
  // per-connection sshd processes, found as the listener's descendants), so
  // nothing started through this server outlives the fixture.
  std::vector<pid_t> victims = RemoteProcesses();
  if (server_ != nullptr) {
    for (pid_t pid : Descendants(server_->pid())) victims.push_back(pid);
  }
  EndProcesses(victims);
  if (server_ != nullptr) {
    server_->Kill();
    server_.reset();
  }
}

}  // namespace roam::testing
