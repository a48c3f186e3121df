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
#include <memory>
#include <string>
#include <vector>

#include "bootstrap/connect_line.h"
#include "bootstrap/locale.h"
#include "client/bootstrap_messages.h"
#include "client/bootstrap_outcome.h"
#include "client/channel_session.h"
#include "client/client_environment.h"
#include "client/client_session.h"
#include "client/control_client.h"
#include "client/control_socket.h"
#include "client/fake_proxy.h"
#include "client/launcher.h"
#include "client/roam_options.h"
#include "client/server_install.h"
#include "client/shell_words.h"
#include "client/ssh_argv.h"
#include "client/terminal_sequences.h"
#include "crypto/key.h"
#include "crypto/secret_hygiene.h"
#include "net/address.h"
#include "net/stream_link.h"
#include "service/sockets.h"
#include "state/history_state.h"

extern char** environ;

namespace {

using roam::client::RoamOptions;

std::optional<std::string> EnvValue(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

std::string SelfPath(const char* argv0) {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) return std::string(buf, static_cast<size_t>(n));
  return argv0;
}

// The directory part of a path.
std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
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
  if (!options.scrollback) {
    if (std::optional<std::string> env = EnvValue(roam::state::kScrollbackEnv)) {
      roam::Result<size_t> n = roam::state::ParseScrollbackLines(*env);
      if (!n.ok()) {
        std::fprintf(stderr, "roam: %s: %s\n", roam::state::kScrollbackEnv,
                     n.status().message().c_str());
        return 255;
      }
      options.scrollback = *n;
    }
  }
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
  if (options.verbose > 0) {
    for (const std::string& note : options.notes) std::fprintf(stderr, "roam: %s\n", note.c_str());
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
  if (options.forward_agent && forwarding.agent_socket.empty()) {
    // As with ssh: -A without an agent here forwards nothing.
    options.forward_agent = false;
    forwarding.agent = false;
    if (options.verbose > 0)
      std::fprintf(stderr, "roam: -A: no SSH_AUTH_SOCK, no agent forwarded\n");
  }
  const int own_failure = terminal ? 1 : 255;
  if (!terminal) options.no_ssh_pty = true;

  // Sharing sessions (client/control_socket.h): a command goes through a
  // live session of this user to the same destination if there is one; a
  // session that lasts (a terminal, -N) serves later commands.
  std::optional<std::string> control_path;
  if (!options.local) {
    std::vector<std::string> identity = {options.destination, options.server.value_or("")};
    identity.insert(identity.end(), options.ssh.begin(), options.ssh.end());
    roam::Result<std::optional<std::string>> resolved =
        roam::client::ResolveControlPath(options.control_path, identity, EnvValue, geteuid());
    if (resolved.ok()) {
      control_path = *resolved;
    } else if (options.verbose > 0) {
      std::fprintf(stderr, "roam: no session sharing: %s\n", resolved.status().message().c_str());
    }
  }
  if (exec_mode && control_path && forwarding.empty()) {
    roam::Result<roam::UniqueFd> shared = roam::client::ConnectControl(*control_path, geteuid());
    if (shared.ok()) {
      if (options.verbose > 0)
        std::fprintf(stderr, "roam: through the session at %s\n", control_path->c_str());
      roam::client::ControlClientConfig control;
      control.request = roam::client::ExecRequest(options.command, EnvValue, options.subsystem);
      control.stdin_null = options.stdin_null;
      control.verbose = options.verbose > 0;
      return roam::client::RunControlClient(std::move(*shared), control);
    }
    if (options.verbose > 0) std::fprintf(stderr, "roam: %s\n", shared.status().message().c_str());
  }
  if ((terminal || options.no_command) && options.control_master && control_path) {
    forwarding.control_path = *control_path;
  }
  forwarding.verbose = options.verbose > 0;

  const std::string term = EnvValue("TERM").value_or("");
  int colors = 0;
  if (auto caps = roam::client::LoadTerminalCapabilities(term); caps.ok()) colors = caps->colors;
  const std::vector<std::string> server_args =
      roam::client::ServerArguments(options, colors, EnvValue);
  const std::vector<std::string> roam_only = roam::client::RoamServerOnlyArguments(options);

  roam::client::Launched launched;
  std::string host;
  if (options.local) {
    // Prefer the roam-server installed beside this roam.
    if (!options.server) {
      std::string self = SelfPath(argv[0]);
      std::string sibling = self.substr(0, self.rfind('/') + 1) + "roam-server";
      if (access(sibling.c_str(), X_OK) == 0) options.server = roam::client::ShellQuote(sibling);
    }
    roam::Result<std::vector<std::string>> local_argv =
        roam::client::LocalServerArgv(options, server_args, roam_only);
    if (!local_argv.ok()) {
      std::fprintf(stderr, "roam: %s\n", local_argv.status().message().c_str());
      return own_failure;
    }
    host = "localhost";
    launched = roam::client::Launch(
        {*local_argv, {}, terminal || options.verbose > 0, /*keep_stream=*/false});
    if (!launched.ip)
      launched.ip = options.bind == roam::client::BindServer::kIp ? options.bind_ip : "127.0.0.1";
  } else {
    host = HostOf(options.destination);
    // --install-server: a roam-server of our own in ~/.local/bin when the
    // host has none (client/server_install.h).
    if (options.install_server && !options.server) {
      roam::Result<std::optional<std::string>> installed =
          roam::client::InstallServerFor(options, SelfPath(argv[0]));
      if (!installed.ok()) {
        std::fprintf(stderr, "%s\n", installed.status().message().c_str());
        return own_failure;
      }
      options.server = *installed;
    }
    auto launch_remote = [&] {
      const std::string remote = roam::client::RemoteCommand(options, server_args, roam_only);
      return roam::client::Launch({roam::client::SshArgv(options, SelfPath(argv[0]), remote),
                                   roam::client::SshEnvironmentChanges(),
                                   terminal || options.verbose > 0,
                                   roam::client::KeepsSshStream(options)});
    };
    launched = launch_remote();
    // Neither server on the remote PATH: a verified copy of ours in
    // ~/.local/bin is used; if there is none, an interactive roam offers to
    // copy it.
    if (!options.server && !options.install_server &&
        roam::client::ClassifyBootstrap(launched.outcome) ==
            roam::client::BootstrapProblem::kServerNotFound) {
      roam::Result<roam::client::StaticServer> ours =
          roam::client::FindStaticServer(DirOf(SelfPath(argv[0])));
      const bool interactive = terminal && isatty(STDIN_FILENO);
      const uint64_t size = ours.ok() ? ours->size : 0;
      roam::Result<std::optional<std::string>> installed =
          ours.ok() ? roam::client::InstallServerFor(
                          options, SelfPath(argv[0]),
                          [&](const roam::client::InstallReply& reply) {
                            return interactive && roam::client::AskToCopyServer(host, size, reply);
                          })
                    : roam::Result<std::optional<std::string>>(std::nullopt);
      if (!installed.ok()) {
        std::fprintf(stderr, "%s\n", installed.status().message().c_str());
      } else if (*installed) {
        options.server = *installed;
        launched = launch_remote();
      } else if (ours.ok() && !interactive) {
        std::fprintf(stderr, "roam: with --install-server, roam copies its own roam-server to %s\n",
                     host.c_str());
      }
    }
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
  for (const std::string& note : launched.notes) std::fprintf(stderr, "roam: %s\n", note.c_str());
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

  // How datagrams travel (docs/protocol.md §10).
  const roam::client::TransportMode transport = options.local && !options.transport_given
                                                    ? roam::client::TransportMode::kUdp
                                                    : options.transport;
  std::optional<roam::client::OpenedStream> initial_stream;
  if (launched.stream) {
    const pid_t pid = launched.stream->pid;
    auto error = std::make_shared<roam::UniqueFd>(std::move(launched.stream->error));
    initial_stream = roam::client::OpenedStream{
        std::make_unique<roam::net::StreamLink>(std::move(launched.stream->read),
                                                std::move(launched.stream->write)),
        [pid, error] {
          roam::client::EndProcess(pid);
          error->Reset();
        }};
  }
  roam::client::DatagramPaths::Opener stream_opener;
  if (transport == roam::client::TransportMode::kTcp) {
    if (!launched.tcp_port) {
      std::fprintf(stderr,
                   "roam: the server offers no TCP stream (--transport=tcp needs roam-server)\n");
      return own_failure;
    }
    const std::string ip = *launched.ip;
    const uint16_t port = *launched.tcp_port;
    stream_opener = [ip, port]() -> std::optional<roam::client::OpenedStream> {
      roam::Result<roam::UniqueFd> fd = roam::service::StartTcpConnect(ip, port);
      if (!fd.ok()) return std::nullopt;
      return roam::client::OpenedStream{
          std::make_unique<roam::net::StreamLink>(std::move(*fd), roam::UniqueFd()), nullptr};
    };
  } else if (transport != roam::client::TransportMode::kUdp) {
    const std::vector<std::string> relay_argv =
        options.local
            ? roam::client::RelayLocalArgv(options, *launched.ip, launched.connect->port)
            : roam::client::RelaySshArgv(options, SelfPath(argv[0]), launched.connect->port);
    stream_opener = [relay_argv]() -> std::optional<roam::client::OpenedStream> {
      roam::Result<roam::client::StreamProcess> p =
          roam::client::StartStreamProcess(relay_argv, roam::client::SshEnvironmentChanges());
      if (!p.ok()) return std::nullopt;
      const pid_t pid = p->pid;
      return roam::client::OpenedStream{
          std::make_unique<roam::net::StreamLink>(std::move(p->read), std::move(p->write)),
          [pid] { roam::client::EndProcess(pid); }};
    };
  }

  if (!terminal) {
    roam::client::ChannelSessionConfig channel_config;
    channel_config.transport = transport;
    channel_config.stream_opener = stream_opener;
    channel_config.initial_stream = std::move(initial_stream);
    channel_config.server = *server;
    if (exec_mode) {
      channel_config.request =
          roam::client::ExecRequest(options.command, EnvValue, options.subsystem);
      channel_config.stdin_null = options.stdin_null;
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
  config.transport = transport;
  config.stream_opener = stream_opener;
  config.initial_stream = std::move(initial_stream);
  config.forwarding = forwarding;
  config.predict_mode = options.predict_mode;
  roam::client::ApplyClientEnvironment(EnvValue, &config);
  if (options.no_init) config.no_term_init = true;
  if (options.scrollback) config.scrollback_lines = *options.scrollback;
  if (options.no_clipboard) config.clipboard_writes = false;
  config.connect_failure_message = roam::client::UdpUnreachableMessage(
      options.local ? "localhost" : host, *launched.ip, launched.connect->port);

  roam::Result<roam::bootstrap::LocaleChoice> locale = roam::bootstrap::ChooseClientLocale(
      roam::bootstrap::CurrentEnvironment(), roam::bootstrap::ProbeLocale, "roam");
  if (locale.ok()) {
    if (!locale->warning.empty()) std::fprintf(stderr, "%s\n", locale->warning.c_str());
    (void)roam::bootstrap::ApplyLocaleChoice(*locale);
  }

  roam::client::ClientSession session(std::move(*key), std::move(config));
  return session.Run();
}

}  // namespace

int main(int argc, char** argv) { return Main(argc, argv); }
