// Options of the `roam` command and the ssh command line that starts the
// server.

#include "client/ssh_bootstrap.h"

#include "base/check.h"
#include "client/ssh_options.h"
#include "state/history_state.h"

#include <arpa/inet.h>

#include <charconv>

namespace roam::client {

namespace {

std::optional<long> ParsePortNumber(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0 || value > 65535) {
    return std::nullopt;
  }
  return value;
}

Status ValidatePort(std::string_view text) {
  Status bad = InvalidArgument("bad port \"" + std::string(text) +
                               "\": use PORT or LOW:HIGH with numbers 0-65535, LOW >= 1 and "
                               "LOW <= HIGH");
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return ParsePortNumber(text) ? Status::Ok() : bad;
  std::optional<long> low = ParsePortNumber(text.substr(0, colon));
  std::optional<long> high = ParsePortNumber(text.substr(colon + 1));
  if (!low || !high || *low < 1 || *low > *high) return bad;
  return Status::Ok();
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_' || c == ':' || c == '%' || c == '[' || c == ']';
}

bool IsNumericIp(const std::string& text) {
  unsigned char buf[16];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

// Applies one option that takes a value.
Status ApplyValue(std::string_view name, const std::string& value, RoamOptions* out) {
  if (name == "ssh") {
    Result<std::vector<std::string>> words = SplitShellWords(value);
    if (!words.ok()) return InvalidArgument("--ssh: " + words.status().message());
    if (words->empty()) return InvalidArgument("--ssh: empty command");
    out->ssh = *words;
  } else if (name == "server") {
    if (value.empty()) return InvalidArgument("--server: empty command");
    out->server = value;
  } else if (name == "port") {
    ROAM_RETURN_IF_ERROR(ValidatePort(value));
    out->port = value;
  } else if (name == "predict") {
    if (value == "adaptive") {
      out->predict_mode = predict::DisplayMode::kAdaptive;
    } else if (value == "always") {
      out->predict_mode = predict::DisplayMode::kAlways;
    } else if (value == "never") {
      out->predict_mode = predict::DisplayMode::kNever;
    } else if (value == "experimental") {
      out->predict_mode = predict::DisplayMode::kExperimental;
    } else {
      return InvalidArgument("unknown --predict value \"" + value +
                             "\" (use adaptive, always, never or experimental)");
    }
  } else if (name == "family") {
    if (value == "inet") {
      out->family = AddressFamily::kInet;
    } else if (value == "inet6") {
      out->family = AddressFamily::kInet6;
    } else if (value == "auto") {
      out->family = AddressFamily::kAuto;
    } else if (value == "prefer-inet") {
      out->family = AddressFamily::kPreferInet;
    } else if (value == "prefer-inet6") {
      out->family = AddressFamily::kPreferInet6;
    } else {
      return InvalidArgument("unknown --family value \"" + value +
                             "\" (use inet, inet6, auto, prefer-inet or prefer-inet6)");
    }
  } else if (name == "scrollback") {
    Result<size_t> n = state::ParseScrollbackLines(value);
    if (!n.ok()) return n.status();
    out->scrollback = *n;
  } else if (name == "transport") {
    Result<TransportMode> mode = ParseTransportMode(value);
    if (!mode.ok()) return mode.status();
    out->transport = *mode;
    out->transport_given = true;
  } else if (name == "channel-test") {
    if (value != "echo" && value != "discard" && value.rfind("source:", 0) != 0) {
      return InvalidArgument("unknown --channel-test value \"" + value +
                             "\" (use echo, discard or source:BYTES)");
    }
    if (value.rfind("source:", 0) == 0) {
      const std::string n = value.substr(7);
      if (n.empty() || n.size() > 18 || n.find_first_not_of("0123456789") != std::string::npos) {
        return InvalidArgument("--channel-test=source: needs a byte count");
      }
    }
    out->channel_test = value;
  } else if (name == "bind-server") {
    if (value == "ssh") {
      out->bind = BindServer::kSsh;
    } else if (value == "any") {
      out->bind = BindServer::kAny;
    } else if (IsNumericIp(value)) {
      out->bind = BindServer::kIp;
      out->bind_ip = value;
    } else {
      return InvalidArgument("bad --bind-server value \"" + value +
                             "\" (use ssh, any or a numeric IP address)");
    }
  } else {
    return Status(StatusCode::kInternal, "unhandled option");
  }
  return Status::Ok();
}

bool TakesValue(std::string_view name) {
  return name == "ssh" || name == "server" || name == "port" || name == "predict" ||
         name == "family" || name == "bind-server" || name == "channel-test" ||
         name == "transport" || name == "scrollback";
}

// Applies a flag (an option without a value). Returns false if unknown.
bool ApplyFlag(std::string_view name, RoamOptions* out) {
  if (name == "no-init") {
    out->no_init = true;
  } else if (name == "no-clipboard") {
    out->no_clipboard = true;
  } else if (name == "no-ssh-pty") {
    out->no_ssh_pty = true;
  } else if (name == "local") {
    out->local = true;
  } else if (name == "install-server") {
    out->install_server = true;
  } else if (name == "verbose") {
    ++out->verbose;
  } else if (name == "help") {
    out->mode = RoamOptions::Mode::kHelp;
  } else if (name == "version") {
    out->mode = RoamOptions::Mode::kVersion;
  } else if (name == "fake-proxy") {
    out->mode = RoamOptions::Mode::kFakeProxy;
  } else {
    return false;
  }
  return true;
}

}  // namespace

namespace {

// `text` for a one-line message: control and non-ASCII bytes as \xHH.
std::string Printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

Status ValidateHostName(std::string_view host) {
  const auto bad = [&] {
    return InvalidArgument("bad host name \"" + Printable(host) +
                           "\": use letters, digits and . - _ : % [ ] only");
  };
  if (host.empty() || host.size() > kMaxHostNameLength || host[0] == '-') return bad();
  for (char c : host) {
    if (!IsHostChar(c)) return bad();
  }
  return Status::Ok();
}

Status ValidateDestination(std::string_view destination) {
  const size_t at = destination.rfind('@');
  if (at == std::string_view::npos) return ValidateHostName(destination);
  std::string_view user = destination.substr(0, at);
  if (user.empty() || user[0] == '-') {
    return InvalidArgument("bad user name in \"" + Printable(destination) + "\"");
  }
  for (char c : user) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == ' ') {
      return InvalidArgument("bad user name in \"" + Printable(destination) + "\"");
    }
  }
  return ValidateHostName(destination.substr(at + 1));
}

std::string_view AddressFamilyName(AddressFamily family) {
  switch (family) {
    case AddressFamily::kInet:
      return "inet";
    case AddressFamily::kInet6:
      return "inet6";
    case AddressFamily::kAuto:
      return "auto";
    case AddressFamily::kPreferInet:
      return "prefer-inet";
    case AddressFamily::kPreferInet6:
      return "prefer-inet6";
  }
  return "prefer-inet";
}

namespace {

// The words before the host: options and their values, up to `--` or the
// first word that is neither.
std::vector<std::string> OptionWords(const std::vector<std::string>& args) {
  std::vector<std::string> words;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--" || a.size() < 2 || a[0] != '-') break;
    words.push_back(a);
    if (a[1] == '-') {
      if (a.find('=') == std::string::npos && TakesValue(a.substr(2)) && i + 1 < args.size()) {
        words.push_back(args[++i]);
      }
      continue;
    }
    for (size_t j = 1; j < a.size(); ++j) {
      if (SshOptionTakesArgument(a[j])) {
        if (j + 1 == a.size() && i + 1 < args.size()) words.push_back(args[++i]);
        break;
      }
    }
  }
  return words;
}

}  // namespace

Result<RoamOptions> ParseRoamOptions(const std::vector<std::string>& args) {
  RoamOptions out;
  // In ssh's sense when another program handed us an ssh command line.
  out.ssh_style = LooksLikeSshCommandLine(OptionWords(args));
  SshOptionEffects ssh;
  size_t i = 0;
  bool options_ended_by_separator = false;
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      ++i;
      options_ended_by_separator = true;
      break;
    }
    if (arg.size() >= 2 && arg[0] == '-' && arg[1] == '-') {
      std::string name = arg.substr(2);
      std::optional<std::string> value;
      if (size_t eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name.resize(eq);
      }
      if (TakesValue(name)) {
        if (!value) {
          if (i + 1 >= args.size()) return InvalidArgument("option --" + name + " needs a value");
          value = args[++i];
        }
        ROAM_RETURN_IF_ERROR(ApplyValue(name, *value, &out));
        continue;
      }
      if (value) return InvalidArgument("option --" + name + " takes no value");
      if (!ApplyFlag(name, &out)) return InvalidArgument("unknown option --" + name);
      continue;
    }
    if (arg.size() >= 2 && arg[0] == '-') {
      for (size_t j = 1; j < arg.size(); ++j) {
        char c = arg[j];
        if (out.ssh_style && c != 'L' && c != 'R' && c != 'D' && c != '4' && c != '6' && c != 'v' &&
            c != 'h') {
          std::string value;
          if (SshOptionTakesArgument(c)) {
            if (j + 1 < arg.size()) {
              value = arg.substr(j + 1);
            } else if (i + 1 < args.size()) {
              value = args[++i];
            } else {
              return InvalidArgument(std::string("option -") + c + " needs a value");
            }
          }
          ROAM_RETURN_IF_ERROR(ApplySshOption(c, value, &ssh));
          if (SshOptionTakesArgument(c)) break;
          continue;
        }
        if (c == 'p' || c == 'L' || c == 'R' || c == 'D') {
          std::string value;
          if (j + 1 < arg.size()) {
            value = arg.substr(j + 1);
          } else if (i + 1 < args.size()) {
            value = args[++i];
          } else {
            return InvalidArgument(std::string("option -") + c + " needs a value");
          }
          if (c == 'p') {
            ROAM_RETURN_IF_ERROR(ApplyValue("port", value, &out));
          } else {
            const service::ForwardSpec::Kind kind = c == 'L' ? service::ForwardSpec::Kind::kLocal
                                                    : c == 'R'
                                                        ? service::ForwardSpec::Kind::kRemote
                                                        : service::ForwardSpec::Kind::kDynamic;
            Result<service::ForwardSpec> spec = service::ParseForwardSpec(kind, value);
            if (!spec.ok()) return spec.status();
            out.forwards.push_back(*spec);
          }
          break;
        }
        switch (c) {
          case 'a':
            out.predict_mode = predict::DisplayMode::kAlways;
            break;
          case 'n':
            out.predict_mode = predict::DisplayMode::kNever;
            break;
          case '4':
            out.family = AddressFamily::kInet;
            break;
          case '6':
            out.family = AddressFamily::kInet6;
            break;
          case 'v':
            ++out.verbose;
            break;
          case 'T':
            out.no_tty = true;
            break;
          case 'N':
            out.no_command = true;
            break;
          case 'A':
            out.forward_agent = true;
            break;
          case 't':
            out.force_tty = true;
            break;
          case 'h':
            out.mode = RoamOptions::Mode::kHelp;
            break;
          default:
            return InvalidArgument(std::string("unknown option -") + c);
        }
      }
      continue;
    }
    break;  // the host
  }

  if (out.mode == RoamOptions::Mode::kHelp || out.mode == RoamOptions::Mode::kVersion) return out;

  // What the ssh-style options asked for.
  out.ssh.insert(out.ssh.end(), ssh.ssh_args.begin(), ssh.ssh_args.end());
  out.no_tty |= ssh.no_tty;
  out.force_tty |= ssh.force_tty;
  out.stdin_null = ssh.stdin_null;
  out.subsystem = ssh.subsystem;
  out.no_command |= ssh.no_command;
  if (ssh.agent >= 0) out.forward_agent = ssh.agent == 1;
  if (ssh.control_master >= 0) out.control_master = ssh.control_master == 1;
  if (ssh.control_path) out.control_path = *ssh.control_path;
  out.notes = std::move(ssh.notes);

  std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  if (out.mode == RoamOptions::Mode::kFakeProxy) {
    if (rest.size() != 2) return InvalidArgument("--fake-proxy needs exactly HOST PORT");
    if (!ParsePortNumber(rest[1])) return InvalidArgument("--fake-proxy: bad port " + rest[1]);
    ROAM_RETURN_IF_ERROR(ValidateHostName(rest[0]));
    out.proxy_host = rest[0];
    out.proxy_port = rest[1];
    return out;
  }
  // `roam --local -- command`: no host, everything after `--` is the command.
  if (out.local && options_ended_by_separator) {
    out.command = rest;
    return out;
  }
  if (rest.empty()) {
    if (out.local) return out;
    return InvalidArgument("no host given (usage: roam [options] [user@]host [-- command])");
  }
  out.destination = rest[0];
  if (!ssh.user.empty() && out.destination.find('@') == std::string::npos) {
    out.destination = ssh.user + "@" + out.destination;
  }
  ROAM_RETURN_IF_ERROR(ValidateDestination(out.destination));
  size_t first = 1;
  if (rest.size() > 1 && rest[1] == "--") first = 2;
  out.command.assign(rest.begin() + static_cast<std::ptrdiff_t>(first), rest.end());
  return out;
}

std::string RoamUsage() {
  return "Usage: roam [options] [user@]host [--] [command...]\n"
         "  --ssh=COMMAND          ssh command to run (default \"ssh\")\n"
         "  --server=COMMAND       server command on the remote host\n"
         "                         (default: roam-server, else mosh-server)\n"
         "  --install-server       if the host has no server, copy roam's own\n"
         "                         self-contained roam-server to ~/.local/bin there\n"
         "  -p, --port=PORT[:PORT2] server-side UDP port or range\n"
         "  --predict=adaptive|always|never|experimental   local echo\n"
         "  -a                     --predict=always\n"
         "  -n                     --predict=never\n"
         "  --family=inet|inet6|auto|prefer-inet|prefer-inet6\n"
         "  -4, -6                 --family=inet, --family=inet6\n"
         "  --bind-server=ssh|any|IP   address the server binds (default ssh)\n"
         "  --no-init              do not switch to the alternate screen\n"
         "  --scrollback=N         lines of history the server keeps and the terminal\n"
         "                         catches up on (default 10000, also ROAM_SCROLLBACK;\n"
         "                         0: no native scrollback, the alternate screen as Mosh)\n"
         "  --no-clipboard         do not let the remote side set the local clipboard\n"
         "                         (OSC 52; also ROAM_NO_CLIPBOARD=1)\n"
         "  --channel-test=echo|discard|source:BYTES\n"
         "                         no terminal: stdin and stdout through a test channel\n"
         "  -T, -t                 a command without (with) a terminal; without is the\n"
         "                         default when stdin is not a terminal\n"
         "  -L [bind:]port:host:hostport, -L [bind:]port:socket   local forward\n"
         "  -R [bind:]port:host:hostport, -R [bind:]port:socket   remote forward\n"
         "  -D [bind:]port         SOCKS5 proxy through the server\n"
         "  -A                     forward the ssh agent\n"
         "  -N                     no command and no terminal: forwarding only\n"
         "  --transport=auto|udp|tcp|ssh   how datagrams travel: UDP, or over the ssh\n"
         "                         connection or TCP when UDP is blocked (default auto)\n"
         "  --no-ssh-pty           do not ask ssh for a pty\n"
         "  --local                run the server on this machine, without ssh\n"
         "  -v, --verbose          more diagnostics\n"
         "  --help, --version\n";
}

Result<std::vector<std::string>> SplitShellWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
      ++i;
      continue;
    }
    in_word = true;
    if (c == '\'') {
      size_t close = text.find('\'', i + 1);
      if (close == std::string_view::npos) return InvalidArgument("unterminated ' quote");
      word.append(text.substr(i + 1, close - i - 1));
      i = close + 1;
    } else if (c == '"') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        char d = text[i];
        if (d == '"') {
          closed = true;
          ++i;
          break;
        }
        if (d == '\\' && i + 1 < text.size() &&
            (text[i + 1] == '"' || text[i + 1] == '\\' || text[i + 1] == '$' ||
             text[i + 1] == '`')) {
          word.push_back(text[i + 1]);
          i += 2;
          continue;
        }
        if (d == '\\' && i + 1 < text.size() && text[i + 1] == '\n') {
          i += 2;
          continue;
        }
        word.push_back(d);
        ++i;
      }
      if (!closed) return InvalidArgument("unterminated \" quote");
    } else if (c == '\\') {
      if (i + 1 >= text.size()) return InvalidArgument("trailing backslash");
      if (text[i + 1] != '\n') word.push_back(text[i + 1]);
      i += 2;
    } else {
      word.push_back(c);
      ++i;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

std::string ShellQuote(std::string_view word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  out += "'";
  return out;
}

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

void AppendBootstrapOutput(BootstrapOutcome* outcome, std::string_view text) {
  std::string& out = outcome->output;
  if (text.size() >= kMaxBootstrapOutput) {
    out.assign(text.substr(text.size() - kMaxBootstrapOutput));
    return;
  }
  out.append(text);
  // Trim only once twice the limit is held, so appends stay cheap.
  if (out.size() > 2 * kMaxBootstrapOutput) out.erase(0, out.size() - kMaxBootstrapOutput);
}

BootstrapProblem ClassifyBootstrap(const BootstrapOutcome& outcome) {
  if (outcome.saw_connect) return BootstrapProblem::kNone;
  if (outcome.ssh_exit_status == 255) return BootstrapProblem::kSshFailed;
  if (outcome.ssh_exit_status == 127 ||
      outcome.output.find("command not found") != std::string::npos ||
      outcome.output.find("roam-server: not found") != std::string::npos ||
      outcome.output.find("mosh-server: not found") != std::string::npos) {
    return BootstrapProblem::kServerNotFound;
  }
  return BootstrapProblem::kNoConnectLine;
}

std::string BootstrapProblemMessage(BootstrapProblem problem, const BootstrapOutcome& outcome,
                                    std::string_view host, std::string_view server) {
  const std::string h(host);
  switch (problem) {
    case BootstrapProblem::kNone:
      return "";
    case BootstrapProblem::kSshFailed:
      return "roam: ssh could not connect to " + h + " (exit status 255); check that \"ssh " + h +
             "\" works on its own";
    case BootstrapProblem::kServerNotFound:
      if (!server.empty()) {
        return "roam: the server command \"" + std::string(server) + "\" was not found on " + h +
               "; check the --server path";
      }
      return "roam: neither roam-server nor mosh-server was found on " + h +
             "'s PATH; install roam (or mosh) there, or give the server's path with --server=PATH";
    case BootstrapProblem::kNoConnectLine: {
      const std::string who = server.empty() ? std::string("the server")
                                             : "the server command \"" + std::string(server) + "\"";
      const std::string what = outcome.ssh_exit_status
                                   ? "exited with status " +
                                         std::to_string(*outcome.ssh_exit_status) +
                                         " without printing its \"MOSH CONNECT\" line"
                                   : std::string("did not print its \"MOSH CONNECT\" line in time");
      const std::string check = server.empty()
                                    ? "check that roam-server (or mosh-server) starts there"
                                    : "check that --server names roam-server or mosh-server";
      return "roam: " + who + " on " + h + " " + what + " (its output, if any, is above); " + check;
    }
  }
  return "";
}

std::string UdpUnreachableMessage(std::string_view host, std::string_view ip, uint16_t port) {
  std::string p = std::to_string(port);
  const std::string where =
      host == ip ? std::string(host) : std::string(host) + " (" + std::string(ip) + ")";
  return "roam: no reply from " + where + " on UDP port " + p + "; check that UDP port " + p +
         " is not firewalled on the way (the server uses a port in 60001-60999 unless -p picks "
         "one)";
}

}  // namespace roam::client
