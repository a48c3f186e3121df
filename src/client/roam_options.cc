#include "client/roam_options.h"

#include <arpa/inet.h>

#include <charconv>

#include "client/shell_words.h"
#include "client/ssh_options.h"
#include "state/history_state.h"

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

}  // namespace roam::client
