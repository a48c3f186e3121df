#include "client/ssh_argv.h"

#include "base/check.h"
#include "client/shell_words.h"

namespace roam::client {

std::vector<std::string> ServerArguments(const RoamOptions& options, int colors,
                                         const EnvLookup& env) {
  std::vector<std::string> args = {"new", "-c", std::to_string(colors)};
  switch (options.bind) {
    case BindServer::kSsh:
      if (options.local) {
        args.insert(args.end(), {"-i", "127.0.0.1"});
      } else {
        args.push_back("-s");
      }
      break;
    case BindServer::kIp:
      args.insert(args.end(), {"-i", options.bind_ip});
      break;
    case BindServer::kAny:
      break;
  }
  if (!options.port.empty()) args.insert(args.end(), {"-p", options.port});
  for (std::string_view name : kForwardedLocaleVars) {
    std::optional<std::string> value = env(std::string(name));
    if (value) args.insert(args.end(), {"-l", std::string(name) + "=" + *value});
  }
  if (!options.command.empty()) {
    args.push_back("--");
    args.insert(args.end(), options.command.begin(), options.command.end());
  }
  return args;
}

std::vector<std::string> RoamServerOnlyArguments(const RoamOptions& options) {
  std::vector<std::string> args;
  if (options.forward_agent) args.push_back("--forward-agent");
  if (options.scrollback) args.push_back("--scrollback=" + std::to_string(*options.scrollback));
  if (!options.local) {
    if (options.transport == TransportMode::kAuto || options.transport == TransportMode::kSsh) {
      args.push_back("--ssh-stream");
    } else if (options.transport == TransportMode::kTcp) {
      args.push_back("--tcp");
    }
  } else if (options.transport == TransportMode::kTcp) {
    args.push_back("--tcp");
  }
  return args;
}

bool KeepsSshStream(const RoamOptions& options) {
  return !options.local &&
         (options.transport == TransportMode::kAuto || options.transport == TransportMode::kSsh);
}

namespace {
std::string QuotedWords(const std::vector<std::string>& words) {
  std::string quoted;
  for (const std::string& w : words) {
    quoted += ' ';
    quoted += ShellQuote(w);
  }
  return quoted;
}
}  // namespace

std::string RemoteCommand(const RoamOptions& options, const std::vector<std::string>& server_args,
                          const std::vector<std::string>& roam_only) {
  const std::string quoted = QuotedWords(server_args);
  if (options.server) {
    const bool roam = options.server->find("roam") != std::string::npos;
    return *options.server + (roam ? QuotedWords(roam_only) : "") + quoted;
  }
  // The roam-only words are literal option names: no quoting is needed
  // inside the single-quoted script, but they are checked to be so.
  std::string extra;
  for (const std::string& w : roam_only) {
    ROAM_CHECK(w.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") == std::string::npos);
    extra += " " + w;
  }
  return "sh -c 'if command -v roam-server >/dev/null 2>&1; then exec roam-server" + extra +
         " \"$@\"; fi; exec mosh-server \"$@\"' roam" + quoted;
}

std::vector<std::string> SshArgv(const RoamOptions& options, std::string_view self_path,
                                 const std::string& remote_command) {
  std::vector<std::string> argv = options.ssh;
  // The ssh that carries the session's stream needs its stdin, and no pty
  // between it and the binary frames.
  if (KeepsSshStream(options)) {
    argv.push_back("-T");
  } else {
    argv.push_back("-n");
    if (!options.no_ssh_pty) argv.push_back("-tt");
  }
  argv.insert(argv.end(), {"-S", "none", "-o"});
  argv.push_back("ProxyCommand=" + ShellQuote(self_path) + " " +
                 ShellQuote("--family=" + std::string(AddressFamilyName(options.family))) +
                 " --fake-proxy -- '%h' %p");
  argv.push_back(options.destination);
  argv.push_back("--");
  argv.push_back(remote_command);
  return argv;
}

namespace {
std::string RelayProgram(const RoamOptions& options) {
  return options.server && options.server->find("roam") != std::string::npos ? *options.server
                                                                             : "roam-server";
}
}  // namespace

std::vector<std::string> RelaySshArgv(const RoamOptions& options, std::string_view self_path,
                                      uint16_t port) {
  RoamOptions relay = options;
  relay.transport = TransportMode::kSsh;  // -T, stdin kept
  relay.local = false;
  std::vector<std::string> argv =
      SshArgv(relay, self_path, RelayProgram(options) + " relay " + std::to_string(port));
  argv.insert(argv.begin() + static_cast<std::ptrdiff_t>(options.ssh.size()),
              {"-o", "BatchMode=yes"});
  return argv;
}

std::vector<std::string> RelayLocalArgv(const RoamOptions& options, const std::string& ip,
                                        uint16_t port) {
  Result<std::vector<std::string>> words = SplitShellWords(RelayProgram(options));
  std::vector<std::string> argv =
      words.ok() && !words->empty() ? *words : std::vector<std::string>{"roam-server"};
  argv.push_back("relay");
  argv.push_back(ip);
  argv.push_back(std::to_string(port));
  return argv;
}

std::vector<std::pair<std::string, std::optional<std::string>>> SshEnvironmentChanges() {
  return {{"SHELL", "/bin/sh"}, {"MOSH_PREDICTION_DISPLAY", std::nullopt}};
}

Result<std::vector<std::string>> LocalServerArgv(const RoamOptions& options,
                                                 const std::vector<std::string>& server_args,
                                                 const std::vector<std::string>& roam_only) {
  std::vector<std::string> argv = {"roam-server"};
  if (options.server) {
    Result<std::vector<std::string>> words = SplitShellWords(*options.server);
    if (!words.ok()) return InvalidArgument("--server: " + words.status().message());
    if (words->empty()) return InvalidArgument("--server: empty command");
    argv = *words;
  }
  if (!options.server || options.server->find("roam") != std::string::npos) {
    argv.insert(argv.end(), roam_only.begin(), roam_only.end());
  }
  argv.insert(argv.end(), server_args.begin(), server_args.end());
  return argv;
}

}  // namespace roam::client
