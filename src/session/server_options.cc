// Parsing of roam-server's (mosh-server's) command line.

#include "session/server_options.h"

#include <arpa/inet.h>

#include <charconv>

#include "state/history_state.h"

namespace roam::session {

namespace {

// Parses a decimal integer made only of digits, within [0, max].
std::optional<long> ParseDecimal(std::string_view text, long max) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0 || value > max) {
    return std::nullopt;
  }
  return value;
}

bool IsNumericIp(const std::string& text) {
  unsigned char buf[16];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

// Whether `c` is an option letter of "@:i:p:c:svl:", and whether it takes an
// argument.
bool KnownOption(char c, bool* takes_argument) {
  switch (c) {
    case '@':
    case 'i':
    case 'p':
    case 'c':
    case 'l':
      *takes_argument = true;
      return true;
    case 's':
    case 'v':
      *takes_argument = false;
      return true;
    default:
      return false;
  }
}

Status ApplyOption(char c, const std::string& arg, ServerOptions* out) {
  switch (c) {
    case '@':  // undocumented; takes an argument and ignores it
      return Status::Ok();
    case 'i':
      out->bind_ip = arg;
      return Status::Ok();
    case 'p': {
      Result<net::PortRange> port = net::PortRange::Parse(arg);
      if (!port.ok()) return port.status();
      out->port = *port;
      out->port_text = arg;
      return Status::Ok();
    }
    case 'c': {
      std::optional<long> colors = ParseDecimal(arg, 1L << 30);
      if (!colors) return InvalidArgument("bad color count \"" + arg + "\" for -c");
      out->colors = static_cast<int>(*colors);
      return Status::Ok();
    }
    case 'l': {
      size_t eq = arg.find('=');
      if (eq == std::string::npos || eq == 0) {
        return InvalidArgument("bad locale setting \"" + arg + "\" for -l (want NAME=VALUE)");
      }
      out->locale_vars.push_back(arg);
      return Status::Ok();
    }
    case 's':
      out->bind_from_ssh = true;
      return Status::Ok();
    case 'v':
      out->verbose = true;
      return Status::Ok();
    default:
      return Status(StatusCode::kInternal, "unhandled option");
  }
}

}  // namespace

Result<ServerOptions> ParseServerOptions(const std::vector<std::string>& args) {
  ServerOptions out;

  // Everything after the first "--" is the command, whatever form is used.
  std::vector<std::string> head;
  bool saw_separator = false;
  for (const std::string& arg : args) {
    if (saw_separator) {
      out.command.push_back(arg);
    } else if (arg == "--") {
      saw_separator = true;
    } else {
      head.push_back(arg);
    }
  }
  for (const std::string& arg : head) {
    if (arg == "--help" || arg == "-h") {
      out.mode = ServerOptions::Mode::kHelp;
      return out;
    }
    if (arg == "--version") {
      out.mode = ServerOptions::Mode::kVersion;
      return out;
    }
  }

  // roam's own long options, anywhere before `--`.
  Status scrollback_error = Status::Ok();
  std::erase_if(head, [&](const std::string& arg) {
    if (arg.rfind("--scrollback=", 0) == 0) {
      Result<size_t> n = state::ParseScrollbackLines(std::string_view(arg).substr(13));
      if (n.ok()) {
        out.scrollback = *n;
      } else {
        scrollback_error = n.status();
      }
      return true;
    }
    if (arg == "--forward-agent") {
      out.forward_agent = true;
    } else if (arg == "--ssh-stream") {
      out.ssh_stream = true;
    } else if (arg == "--tcp") {
      out.tcp = true;
    } else if (arg == "--no-exec") {
      out.no_exec = true;
    } else if (arg == "--no-tcp-forwarding") {
      out.no_tcp_forwarding = true;
    } else if (arg == "--no-remote-forwarding") {
      out.no_remote_forwarding = true;
    } else if (arg == "--no-agent-forwarding") {
      out.no_agent_forwarding = true;
    } else if (arg == "--no-forwarding") {
      out.no_tcp_forwarding = out.no_remote_forwarding = out.no_agent_forwarding = true;
    } else {
      return false;
    }
    return true;
  });
  ROAM_RETURN_IF_ERROR(scrollback_error);

  if (head.empty()) return out;  // legacy: `roam-server` alone

  if (head[0] == "relay") {
    // `relay PORT` or `relay IP PORT`.
    const bool with_ip = head.size() == 3;
    std::optional<long> port =
        head.size() == 2 || with_ip ? ParseDecimal(head.back(), 65535) : std::nullopt;
    if (!port || *port == 0 || (with_ip && !IsNumericIp(head[1]))) {
      return InvalidArgument("usage: relay [IP] PORT");
    }
    out.mode = ServerOptions::Mode::kRelay;
    out.relay_port = static_cast<uint16_t>(*port);
    if (with_ip) out.bind_ip = head[1];
    return out;
  }

  if (head[0] != "new") {
    // Legacy forms: `roam-server IP` and `roam-server IP PORT`.
    if (head.size() > 2 || !IsNumericIp(head[0])) {
      return InvalidArgument("unexpected argument \"" + head[0] + "\" (did you mean \"new\"?)");
    }
    out.bind_ip = head[0];
    if (head.size() == 2) {
      std::optional<long> port = ParseDecimal(head[1], 65535);
      if (!port) return InvalidArgument("bad UDP port \"" + head[1] + "\"");
      out.port = net::PortRange{static_cast<uint16_t>(*port), static_cast<uint16_t>(*port)};
      out.port_text = head[1];
    }
    return out;
  }

  // getopt over the arguments after `new`.
  for (size_t i = 1; i < head.size(); ++i) {
    const std::string& arg = head[i];
    if (arg.size() < 2 || arg[0] != '-') {
      return InvalidArgument("unexpected argument \"" + arg + "\"");
    }
    for (size_t j = 1; j < arg.size(); ++j) {
      char c = arg[j];
      bool takes_argument = false;
      if (!KnownOption(c, &takes_argument)) {
        out.usage_problems.push_back(std::string("unknown option -") + c);
        continue;
      }
      if (!takes_argument) {
        ROAM_RETURN_IF_ERROR(ApplyOption(c, "", &out));
        continue;
      }
      std::string value;
      if (j + 1 < arg.size()) {
        value = arg.substr(j + 1);
      } else if (i + 1 < head.size()) {
        value = head[++i];
      } else {
        out.usage_problems.push_back(std::string("option -") + c + " needs an argument");
        break;
      }
      ROAM_RETURN_IF_ERROR(ApplyOption(c, value, &out));
      break;  // the rest of this word was the argument
    }
  }
  return out;
}

std::string ServerUsageLine(std::string_view program) {
  return "Usage: " + std::string(program) +
         " new [-s] [-v] [-i LOCALADDR] [-p PORT[:PORT2]] [-c COLORS] [-l NAME=VALUE] [-- "
         "COMMAND...]";
}

}  // namespace roam::session
