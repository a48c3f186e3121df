// roam: what a user types.
//
//   roam [options] [user@]host [-- command]
//   roam --local [-- command]
//
// Starts the server through one `ssh -tt` (or, with --local, directly on
// this machine), reads its `MOSH CONNECT <port> <key>` line, then runs the
// client in this process. If the remote host has only mosh-server, that is
// what runs, and roam speaks plain Mosh to it. Flags and wiring only.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "client/channel_session.h"
#include "client/client_session.h"
#include "client/fake_proxy.h"
#include "client/ssh_bootstrap.h"
#include "client/terminal_sequences.h"
#include "crypto/key.h"
#include "crypto/secret_hygiene.h"
#include "net/address.h"
#include "session/connect_line.h"
#include "session/locale.h"

extern char** environ;

namespace {

using roam::client::RoamOptions;

constexpr auto kBootstrapTimeout = std::chrono::seconds(60);

std::optional<std::string> EnvValue(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

struct Launched {
  roam::client::BootstrapOutcome outcome;
  std::optional<roam::session::ConnectInfo> connect;
  std::optional<std::string> ip;
};

// Runs `argv` with stdout and stderr merged into a pipe, shows the user every
// line that is not one of the bootstrap lines, and stops reading at the
// CONNECT line; then waits for the process to exit (bounded).
Launched Launch(const std::vector<std::string>& argv,
                const std::vector<std::pair<std::string, std::optional<std::string>>>& env,
                bool show_output) {
  Launched result;
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return result;
  pid_t pid = fork();
  if (pid < 0) return result;
  if (pid == 0) {
    for (const auto& [name, value] : env) {
      if (value) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
    dup2(out[1], STDOUT_FILENO);
    dup2(out[1], STDERR_FILENO);
    std::vector<char*> cargv;
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    execvp(cargv[0], cargv.data());
    std::fprintf(stderr, "%s: %s\n", argv[0].c_str(), std::strerror(errno));
    _exit(127);
  }
  close(out[1]);
  roam::session::ConnectLineScanner scanner;
  const auto deadline = std::chrono::steady_clock::now() + kBootstrapTimeout;
  char buf[4096];
  while (!scanner.done() && std::chrono::steady_clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    std::string show = scanner.Feed(std::string_view(buf, static_cast<size_t>(n)));
    roam::client::AppendBootstrapOutput(&result.outcome, show);
    if (show_output) std::fwrite(show.data(), 1, show.size(), stderr);
  }
  if (!scanner.done()) {
    std::string rest = scanner.Finish();
    roam::client::AppendBootstrapOutput(&result.outcome, rest);
    if (show_output) std::fwrite(rest.data(), 1, rest.size(), stderr);
  }
  close(out[0]);
  roam::crypto::Wipe(buf, sizeof buf);  // it held the CONNECT line
  // ssh exits once the server has detached (or, without a CONNECT line,
  // once the remote command ended); give it a bounded time, then end it, so
  // a server that never answers cannot keep roam waiting.
  // An ssh ended that way has no exit status of its own to report.
  // It has usually exited already or is about to: poll at 1, 2, 4, ... ms
  // (capped at 100 ms), so the session does not start a whole poll period
  // late; SIGTERM after 5 s, SIGKILL after 10 s.
  int status = 0;
  bool reaped = false;
  bool ended_by_us = false;
  const auto start = std::chrono::steady_clock::now();
  for (int step_ms = 1; !reaped; step_ms = std::min(2 * step_ms, 100)) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      reaped = true;
      break;
    }
    const auto waited = std::chrono::steady_clock::now() - start;
    if (waited >= std::chrono::seconds(10)) break;
    if (waited >= std::chrono::seconds(5) && !ended_by_us) {
      kill(pid, SIGTERM);
      ended_by_us = true;
    }
    poll(nullptr, 0, step_ms);
  }
  if (!reaped) {
    kill(pid, SIGKILL);
    ended_by_us = true;
    waitpid(pid, &status, 0);
  } else if (!ended_by_us) {
    result.outcome.ssh_exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
  }
  result.outcome.saw_connect = scanner.done();
  result.connect = scanner.connect();
  result.ip = scanner.ip();
  return result;
}

roam::predict::DisplayMode ToDisplayMode(roam::client::PredictMode m) {
  switch (m) {
    case roam::client::PredictMode::kAlways:
      return roam::predict::DisplayMode::kAlways;
    case roam::client::PredictMode::kNever:
      return roam::predict::DisplayMode::kNever;
    case roam::client::PredictMode::kExperimental:
      return roam::predict::DisplayMode::kExperimental;
    case roam::client::PredictMode::kAdaptive:
      break;
  }
  return roam::predict::DisplayMode::kAdaptive;
}

std::string SelfPath(const char* argv0) {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) return std::string(buf, static_cast<size_t>(n));
  return argv0;
}

// The host part of [user@]host.
std::string HostOf(const std::string& destination) {
  auto at = destination.rfind('@');
  return at == std::string::npos ? destination : destination.substr(at + 1);
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  roam::Result<RoamOptions> parsed = roam::client::ParseRoamOptions(args);
  if (!parsed.ok()) {
    std::fprintf(stderr, "roam: %s\n%s", parsed.status().message().c_str(),
                 roam::client::RoamUsage().c_str());
    return 255;
  }
  RoamOptions& options = *parsed;
  switch (options.mode) {
    case RoamOptions::Mode::kHelp:
      std::fputs(roam::client::RoamUsage().c_str(), stdout);
      return 0;
    case RoamOptions::Mode::kVersion:
      std::printf("roam %s\n", ROAM_VERSION);
      return 0;
    case RoamOptions::Mode::kFakeProxy:
      return roam::client::RunFakeProxy(options.proxy_host, options.proxy_port, options.family);
    case RoamOptions::Mode::kConnect:
      break;
  }

  // The server's CONNECT line brings the key into this process: keep its
  // memory private from the start (ssh, which prints the line, is exec'd and
  // so is not affected).
  if (roam::Status s = roam::crypto::MakeNonDumpable(); !s.ok()) {
    std::fprintf(stderr, "roam: %s\n", s.message().c_str());
    return 1;
  }

  // A command without a terminal (stdin is not one, or -T): an exec channel
  // with ssh's semantics instead of a screen. Like ssh, roam is then quiet
  // (what the server's start printed is shown only if it failed) and its
  // own failures end it with status 255 (a terminal session keeps Mosh's 1).
  const bool exec_mode =
      !options.command.empty() && !options.force_tty && (options.no_tty || !isatty(STDIN_FILENO));
  const bool terminal = !exec_mode && options.channel_test.empty() && !options.no_command;
  roam::client::ForwardingOptions forwarding;
  forwarding.forwards = options.forwards;
  forwarding.agent = options.forward_agent;
  forwarding.agent_socket = EnvValue("SSH_AUTH_SOCK").value_or("");
  const int own_failure = terminal ? 1 : 255;
  if (!terminal) options.no_ssh_pty = true;

  const std::string term = EnvValue("TERM").value_or("");
  int colors = 0;
  if (auto caps = roam::client::LoadTerminalCapabilities(term); caps.ok()) colors = caps->colors;
  const std::vector<std::string> server_args =
      roam::client::ServerArguments(options, colors, EnvValue);

  Launched launched;
  std::string host;
  if (options.local) {
    // Prefer the roam-server installed beside this roam.
    if (!options.server) {
      std::string self = SelfPath(argv[0]);
      std::string sibling = self.substr(0, self.rfind('/') + 1) + "roam-server";
      if (access(sibling.c_str(), X_OK) == 0) options.server = roam::client::ShellQuote(sibling);
    }
    roam::Result<std::vector<std::string>> local_argv =
        roam::client::LocalServerArgv(options, server_args);
    if (!local_argv.ok()) {
      std::fprintf(stderr, "roam: %s\n", local_argv.status().message().c_str());
      return own_failure;
    }
    host = "localhost";
    launched = Launch(*local_argv, {}, terminal || options.verbose > 0);
    if (!launched.ip)
      launched.ip = options.bind == roam::client::BindServer::kIp ? options.bind_ip : "127.0.0.1";
  } else {
    host = HostOf(options.destination);
    const std::string remote = roam::client::RemoteCommand(options, server_args);
    launched = Launch(roam::client::SshArgv(options, SelfPath(argv[0]), remote),
                      roam::client::SshEnvironmentChanges(), terminal || options.verbose > 0);
  }
  roam::client::BootstrapProblem problem = roam::client::ClassifyBootstrap(launched.outcome);
  if (problem != roam::client::BootstrapProblem::kNone || !launched.connect) {
    // A quiet start failed: now the output it kept back matters.
    if (!terminal && options.verbose == 0) {
      std::fwrite(launched.outcome.output.data(), 1, launched.outcome.output.size(), stderr);
    }
    std::fprintf(stderr, "%s\n",
                 roam::client::BootstrapProblemMessage(problem, launched.outcome, host,
                                                       options.server.value_or(""))
                     .c_str());
    return own_failure;
  }
  if (!launched.ip) {
    std::fprintf(stderr,
                 "roam: did not learn the server's address from ssh (is the ssh ProxyCommand "
                 "disabled by your ssh configuration?)\n");
    return own_failure;
  }
  roam::Result<roam::net::Address> server =
      roam::net::Address::Parse(*launched.ip, launched.connect->port);
  roam::Result<roam::crypto::Key> key = roam::crypto::Key::FromBase64(launched.connect->key);
  roam::crypto::WipeString(&launched.connect->key);
  if (!server.ok() || !key.ok()) {
    std::fprintf(stderr, "roam: the server's startup line was not usable: %s\n",
                 (!server.ok() ? server.status() : key.status()).message().c_str());
    return own_failure;
  }

  if (!terminal) {
    roam::client::ChannelSessionConfig channel_config;
    channel_config.server = *server;
    if (exec_mode) {
      channel_config.request = roam::client::ExecRequest(options.command, EnvValue);
    } else if (!options.channel_test.empty()) {
      channel_config.request = roam::client::ChannelTestRequest(options.channel_test);
    }  // else -N: no channel of its own
    channel_config.exec = exec_mode;
    channel_config.forwarding = forwarding;
    channel_config.verbose = options.verbose > 0;
    channel_config.connect_failure_message = roam::client::UdpUnreachableMessage(
        options.local ? "localhost" : host, *launched.ip, launched.connect->port);
    roam::client::ChannelSession channel_session(std::move(*key), std::move(channel_config));
    return channel_session.Run();
  }

  roam::client::ClientSessionConfig config;
  config.server = *server;
  config.command_given = !options.command.empty();
  config.forwarding = forwarding;
  config.predict_mode = ToDisplayMode(options.predict);
  if (auto o = EnvValue("MOSH_PREDICTION_OVERWRITE")) {
    config.predict_overwrite = roam::predict::ParseOverwriteMode(*o);
  }
  auto escape_env = EnvValue("MOSH_ESCAPE_KEY");
  config.escape = roam::client::EscapeKeyConfig::FromEnv(
      escape_env ? std::optional<std::string_view>(*escape_env) : std::nullopt);
  auto nopref = EnvValue("MOSH_TITLE_NOPREFIX");
  config.title_prefix =
      roam::client::TitlePrefix(nopref ? std::optional<std::string_view>(*nopref) : std::nullopt);
  config.no_term_init = options.no_init || EnvValue("MOSH_NO_TERM_INIT").has_value();
  config.clipboard_writes = !options.no_clipboard && !EnvValue("ROAM_NO_CLIPBOARD").has_value();
  config.term = term;
  config.connect_failure_message = roam::client::UdpUnreachableMessage(
      options.local ? "localhost" : host, *launched.ip, launched.connect->port);

  roam::Result<roam::session::LocaleChoice> locale = roam::session::ChooseClientLocale(
      roam::session::CurrentEnvironment(), roam::session::ProbeLocale, "roam");
  if (locale.ok()) {
    if (!locale->warning.empty()) std::fprintf(stderr, "%s\n", locale->warning.c_str());
    (void)roam::session::ApplyLocaleChoice(*locale);
  }

  roam::client::ClientSession session(std::move(*key), std::move(config));
  return session.Run();
}

}  // namespace

int main(int argc, char** argv) { return Main(argc, argv); }
