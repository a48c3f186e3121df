// roam-server: mosh-server's command line, roam's server.
//
//   roam-server new [-s] [-v] [-i IP] [-p PORT[:PORT2]] [-c COLORS] [-l NAME=VALUE]... [--
//   COMMAND...]
//
// Prints `MOSH CONNECT <port> <key>`, detaches (one fork; the parent prints
// a banner and exits so ssh can finish), and runs the session. Flags and
// wiring only: the logic lives in src/session.

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "base/logging.h"
#include "base/write_all.h"
#include "bootstrap/connect_line.h"
#include "bootstrap/locale.h"
#include "crypto/key.h"
#include "crypto/secret_hygiene.h"
#include "net/port_range.h"
#include "net/udp_endpoint.h"
#include "service/sockets.h"
#include "session/server_options.h"
#include "session/server_session.h"
#include "session/server_timeouts.h"
#include "session/ssh_connection.h"
#include "session/stream_relay.h"
#include "session/utmp_record.h"
#include "state/history_state.h"
#include "term/emulator.h"

namespace {

constexpr const char* kProgram = "roam-server";

std::optional<std::string_view> Env(const char* name) {
  const char* v = std::getenv(name);
  if (!v) return std::nullopt;
  return std::string_view(v);
}

void PrintBanner() {
  std::fprintf(stderr,
               "\nroam-server (roam %s)\n"
               "roam speaks the Mosh 1.4 protocol; its code is its own.\n\n",
               ROAM_VERSION);
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  roam::Result<roam::session::ServerOptions> parsed = roam::session::ParseServerOptions(args);
  if (!parsed.ok()) {
    std::fprintf(stderr, "%s: %s\n%s\n", kProgram, parsed.status().message().c_str(),
                 roam::session::ServerUsageLine(kProgram).c_str());
    return 1;
  }
  roam::session::ServerOptions& options = *parsed;
  if (options.mode == roam::session::ServerOptions::Mode::kHelp) {
    std::printf("%s\n", roam::session::ServerUsageLine(kProgram).c_str());
    return 0;
  }
  if (options.mode == roam::session::ServerOptions::Mode::kVersion) {
    std::printf("roam-server (roam %s)\n", ROAM_VERSION);
    return 0;
  }
  if (!options.usage_problems.empty()) {
    // Like mosh-server: unknown options are reported, not fatal.
    for (const auto& p : options.usage_problems)
      std::fprintf(stderr, "%s: %s\n", kProgram, p.c_str());
    std::fprintf(stderr, "%s\n", roam::session::ServerUsageLine(kProgram).c_str());
  }
  if (options.mode == roam::session::ServerOptions::Mode::kRelay) {
    // `relay [IP] PORT`: the session on this machine (session/stream_relay.h).
    roam::Result<roam::net::Address> session =
        roam::session::RelayTarget(options.bind_ip, Env("SSH_CONNECTION"), options.relay_port);
    if (!session.ok()) {
      std::fprintf(stderr, "%s: %s\n", kProgram, session.status().message().c_str());
      return 1;
    }
    return roam::session::RunStdioRelay(*session, [] { return true; });
  }
  if (options.verbose) roam::SetLogLevel(roam::LogLevel::kInfo);

  // Locale: never refuse to start; fall back and say so.
  roam::Result<roam::bootstrap::LocaleChoice> locale = roam::bootstrap::ChooseServerLocale(
      roam::bootstrap::CurrentEnvironment(), options.locale_vars, roam::bootstrap::ProbeLocale,
      kProgram);
  if (!locale.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram, locale.status().message().c_str());
    return 1;
  }
  if (!locale->warning.empty()) std::fprintf(stderr, "%s\n", locale->warning.c_str());
  (void)roam::bootstrap::ApplyLocaleChoice(*locale);

  // Where to listen.
  std::string bind_ip = options.bind_ip.value_or("");
  if (options.bind_from_ssh) {
    std::optional<std::string> ip = roam::session::LocalIpFromSshConnection(Env("SSH_CONNECTION"));
    if (ip) {
      bind_ip = *ip;
    } else {
      std::fprintf(stderr, "%s: warning: SSH_CONNECTION not found; binding to any interface\n",
                   kProgram);
    }
  }
  roam::net::PortRange ports;
  if (options.port) ports = *options.port;
  roam::Result<roam::net::UdpEndpoint> endpoint =
      roam::net::UdpEndpoint::BindServer(bind_ip, ports);
  if (!endpoint.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram, endpoint.status().message().c_str());
    return 1;
  }
  roam::Result<roam::net::Address> local = endpoint->LocalAddress();
  if (!local.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram, local.status().message().c_str());
    return 1;
  }

  roam::UniqueFd tcp_listener;
  if (options.tcp) {
    // The same address as UDP; the stream's port comes first on stdout.
    roam::Result<roam::UniqueFd> listener =
        roam::service::ListenTcp(bind_ip.empty() ? "*" : bind_ip, 0);
    if (!listener.ok()) {
      std::fprintf(stderr, "%s: no TCP fallback: %s\n", kProgram,
                   listener.status().message().c_str());
    } else {
      std::printf("ROAM TCP %u\n", roam::service::BoundPort(listener->get()));
      tcp_listener = std::move(*listener);
    }
  }

  if (options.forward_agent && options.no_agent_forwarding) {
    // As the policy refusals of channels: the user is told, once (a
    // bootstrap note, docs/protocol.md §0, shown in every mode).
    std::printf("ROAM NOTE agent forwarding is disabled on this server\n");
  }

  // The key lives in this process from here on: keep its memory private.
  if (roam::Status s = roam::crypto::MakeNonDumpable(); !s.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram, s.message().c_str());
    return 1;
  }
  roam::crypto::Key key = roam::crypto::Key::Generate();
  {
    // Written with write(2), so that no stdio buffer keeps a copy of the
    // key text; both strings are wiped once the line is out.
    std::string key_text = key.ToBase64();
    std::string line =
        roam::bootstrap::FormatConnectLine(local->port(), key_text, isatty(STDIN_FILENO) != 0);
    std::fflush(stdout);
    roam::WriteAll(STDOUT_FILENO, line);
    roam::crypto::WipeString(&line);
    roam::crypto::WipeString(&key_text);
  }

  roam::session::ServerSessionConfig config;
  config.verbose = options.verbose;
  config.tcp_listener = std::move(tcp_listener);
  config.forward_agent = options.forward_agent && !options.no_agent_forwarding;
  config.policy.Set(roam::session::ChannelKind::kExec, !options.no_exec);
  config.policy.Set(roam::session::ChannelKind::kTcpForward, !options.no_tcp_forwarding);
  config.policy.Set(roam::session::ChannelKind::kUnixForward, !options.no_tcp_forwarding);
  config.policy.Set(roam::session::ChannelKind::kRemoteForward, !options.no_remote_forwarding);
  if (options.scrollback) {
    config.scrollback_lines = *options.scrollback;
  } else if (auto env = Env(roam::state::kScrollbackEnv)) {
    roam::Result<size_t> n = roam::state::ParseScrollbackLines(*env);
    if (n.ok()) {
      config.scrollback_lines = *n;
    } else {
      std::fprintf(stderr, "%s: %s: %s; keeping %zu\n", kProgram, roam::state::kScrollbackEnv,
                   n.status().message().c_str(), config.scrollback_lines);
    }
  }
  config.child.command = options.command;
  config.child.colors = options.colors;
  config.child.env_unset = locale->unset;
  config.child.env_set = locale->set;
  winsize ws{};
  if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
    // ssh's pty may be larger than the emulator allows (a 5000-column
    // window): clamp, never abort.
    config.child.cols = static_cast<uint16_t>(roam::term::Emulator::ClampDimension(ws.ws_col));
    config.child.rows = static_cast<uint16_t>(roam::term::Emulator::ClampDimension(ws.ws_row));
  }
  config.timeouts = roam::session::ParseServerTimeouts(Env("MOSH_SERVER_NETWORK_TMOUT"),
                                                       Env("MOSH_SERVER_SIGNAL_TMOUT"));
  for (const auto& w : config.timeouts.warnings)
    std::fprintf(stderr, "%s: %s\n", kProgram, w.c_str());

  std::fflush(nullptr);
  // Ignore SIGHUP and SIGPIPE before the fork (docs/protocol.md §0.4): when the parent
  // exits, the kernel may hang up ssh's pty at once, and the child must not
  // die of that before its session installs its own handlers.
  signal(SIGHUP, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  pid_t pid = fork();
  if (pid < 0) {
    std::perror("roam-server: fork");
    return 1;
  }
  if (pid > 0) {
    PrintBanner();
    std::fprintf(stderr, "[%s detached, pid = %d]\n", kProgram, static_cast<int>(pid));
    if (options.ssh_stream) {
      // This process stays with ssh and carries the session's datagrams on
      // its stdin and stdout while the client wants them (docs/protocol.md
      // §10.2), until either side goes.
      std::fflush(nullptr);
      // The session is this process's child: once it exits it is a zombie
      // until reaped, and kill(pid, 0) would still find it.
      return roam::session::RunStdioRelay(*local, [pid] {
        int status = 0;
        return waitpid(pid, &status, WNOHANG) == 0;
      });
    }
    return 0;
  }
  if (!options.verbose) {
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      dup2(devnull, STDIN_FILENO);
      dup2(devnull, STDOUT_FILENO);
      dup2(devnull, STDERR_FILENO);
      if (devnull > STDERR_FILENO) close(devnull);
    }
  }
  // A login shell hears about this user's other detached sessions.
  if (const passwd* pw = getpwuid(getuid()); pw && config.child.command.empty()) {
    config.child.login_notice = roam::session::DetachedSessionsWarning(
        roam::session::ReadUtmpEntries(), pw->pw_name, getpid());
  }
  roam::session::ServerSession session(std::move(key), std::move(*endpoint), std::move(config));
  return session.Run();
}

}  // namespace

int main(int argc, char** argv) { return Main(argc, argv); }
