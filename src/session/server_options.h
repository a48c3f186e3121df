// ServerOptions: roam-server's command line, which is mosh-server's.
//
// `roam-server new [-s] [-v] [-i IP] [-p PORT[:PORT2]] [-c COLORS]
// [-l NAME=VALUE]... [--forward-agent] [--no-exec] [--no-tcp-forwarding]
// [--no-remote-forwarding] [--no-agent-forwarding] [--no-forwarding]
// [--scrollback=N]
// [-- COMMAND...]`, parsed getopt-style with the option
// string `@:i:p:c:svl:` (so `-sv`, `-p60001` and `-p 60001` all work). `-@ X`
// is accepted and ignored. Unknown options and options missing their argument
// are not fatal: they are reported in `usage_problems` so the caller prints the
// usage line and carries on, as mosh-server does. The legacy forms
// `roam-server`, `roam-server IP` and `roam-server IP PORT` are accepted too.
// Parsing is pure: nothing here reads the environment or prints.

#ifndef ROAM_SESSION_SERVER_OPTIONS_H_
#define ROAM_SESSION_SERVER_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "net/port_range.h"

namespace roam::session {

struct ServerOptions {
  // kRelay: `roam-server relay PORT` joins this process's stdin and stdout
  // (framed datagrams) to the session on UDP port PORT (docs/protocol.md §10).
  enum class Mode { kRun, kHelp, kVersion, kRelay };
  Mode mode = Mode::kRun;
  std::optional<std::string> bind_ip;    // -i, or the legacy IP argument
  bool bind_from_ssh = false;            // -s: bind the ssh connection's local IP
  std::optional<net::PortRange> port;    // -p, or the legacy PORT argument
  std::string port_text;                 // the -p text as given (empty if none)
  int colors = 0;                        // -c; 256 selects TERM=xterm-256color
  bool verbose = false;                  // -v
  std::vector<std::string> locale_vars;  // -l NAME=VALUE, in the order given
  std::vector<std::string> command;      // after `--`; empty = login shell
  // roam's own long options (anywhere before `--`), for roam clients:
  bool forward_agent = false;  // --forward-agent: SSH_AUTH_SOCK for the session
  // --ssh-stream: after the CONNECT line, stay and carry framed datagrams on
  // stdin/stdout (the ssh that started the server is the fallback stream).
  bool ssh_stream = false;
  // --tcp: also accept framed datagrams on a TCP port, announced as
  // `ROAM TCP <port>` before the CONNECT line.
  bool tcp = false;
  uint16_t relay_port = 0;  // Mode::kRelay
  // --scrollback=N: history lines kept for native scrollback (0: off);
  // nullopt when not given (ROAM_SCROLLBACK, else the default).
  std::optional<size_t> scrollback;
  // The policy switches (docs/protocol.md §9.8), in the spirit of sshd's
  // DisableForwarding and Allow*Forwarding: --no-exec, --no-tcp-forwarding,
  // --no-remote-forwarding, --no-agent-forwarding, --no-forwarding (all
  // three forwardings).
  bool no_exec = false;
  bool no_tcp_forwarding = false;
  bool no_remote_forwarding = false;
  bool no_agent_forwarding = false;
  // One line per unknown option or missing argument ("unknown option -x").
  // The caller prints ServerUsageLine() once when this is not empty.
  std::vector<std::string> usage_problems;
};

// Parses `args` (argv without argv[0]).
// Errors (InvalidArgument, message fit for the user): a bad -p or legacy port,
// a -c that is not a non-negative integer, a -l without '=', a bad
// --scrollback value, an unexpected
// positional argument, or a first argument that is neither `new`, an option
// nor a legacy IP.
Result<ServerOptions> ParseServerOptions(const std::vector<std::string>& args);

// "Usage: <program> new [-s] [-v] [-i LOCALADDR] [-p PORT[:PORT2]] [-c COLORS]
// [-l NAME=VALUE] [-- COMMAND...]"
std::string ServerUsageLine(std::string_view program);

}  // namespace roam::session

#endif  // ROAM_SESSION_SERVER_OPTIONS_H_
