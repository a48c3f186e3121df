// RoamOptions: the `roam` command's options, parsed in the style of the
// `mosh` wrapper (docs/protocol.md §0.2).
//
//   roam [options] [user@]host [--] [command...]
//
// Options are parsed up to the host; everything after the host (an optional
// leading "--" is dropped) is the remote command. The host name is checked
// here (ValidateDestination: letters, digits and . - _ : % [ ] only, never a
// leading '-'), so that it can never reach a shell as code (client/ssh_argv.h).
//
// `roam --fake-proxy -- HOST PORT` is the ProxyCommand mode (see
// client/ssh_argv.h); the app layer implements it, this file only parses it.

#ifndef ROAM_CLIENT_ROAM_OPTIONS_H_
#define ROAM_CLIENT_ROAM_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "client/path_selector.h"
#include "predict/prediction_engine.h"
#include "service/forward_spec.h"

namespace roam::client {

enum class AddressFamily { kInet, kInet6, kAuto, kPreferInet, kPreferInet6 };
enum class BindServer { kSsh, kAny, kIp };

// "inet", "inet6", "auto", "prefer-inet", "prefer-inet6".
std::string_view AddressFamilyName(AddressFamily family);

struct RoamOptions {
  enum class Mode { kConnect, kHelp, kVersion, kFakeProxy };
  Mode mode = Mode::kConnect;
  std::vector<std::string> ssh = {"ssh"};  // --ssh, split shell-style
  std::optional<std::string> server;       // --server: remote server command
  std::string port;                        // -p/--port as given, validated; empty if none
  predict::DisplayMode predict_mode = predict::DisplayMode::kAdaptive;
  AddressFamily family = AddressFamily::kPreferInet;
  BindServer bind = BindServer::kSsh;
  std::string bind_ip;                         // for BindServer::kIp
  bool no_init = false;                        // --no-init: MOSH_NO_TERM_INIT=1
  bool no_clipboard = false;                   // --no-clipboard: OSC 52 writes are not passed on
  bool no_ssh_pty = false;                     // --no-ssh-pty: no -tt
  bool local = false;                          // --local: run the server here, no ssh
  bool install_server = false;                 // --install-server (client/server_install.h)
  int verbose = 0;                             // -v, repeatable
  bool no_tty = false;                         // -T: run the command without a terminal
  bool force_tty = false;                      // -t: run the command on a terminal
  bool no_command = false;                     // -N: no command and no terminal, only forwarding
  std::vector<service::ForwardSpec> forwards;  // -L, -R, -D, in order
  bool forward_agent = false;                  // -A
  // --scrollback=N: native scrollback's history size, for the client and
  // (roam-server only) the server; nullopt when not given.
  std::optional<size_t> scrollback;
  // ssh's meaning of the short options (an ssh command line from rsync,
  // sftp, scp or git; client/ssh_options.h): -p is ssh's port, -n stdin
  // from /dev/null, -a no agent forwarding.
  bool ssh_style = false;
  bool stdin_null = false;         // -n (ssh style): the command reads /dev/null
  bool subsystem = false;          // -s: the command is a subsystem name (sftp)
  std::vector<std::string> notes;  // ssh options ignored, shown with -v
  // roam's control socket (client/control_socket.h): whether a long-lived
  // session here serves other roam commands (-o ControlMaster=no: not),
  // and where (-S, -o ControlPath; empty: the default place; "none": no
  // sharing either way).
  bool control_master = true;
  std::string control_path;
  TransportMode transport = TransportMode::kAuto;  // --transport
  bool transport_given = false;
  std::string destination;  // [user@]host (may be empty with --local)
  std::vector<std::string> command;
  // --channel-test=echo|discard|source:BYTES: no terminal; stdin and stdout
  // joined to a test service over one channel (docs/protocol.md §9.9).
  std::string channel_test;
  // --fake-proxy -- HOST PORT
  std::string proxy_host;
  std::string proxy_port;
};

// Longest host name accepted (DNS names are at most 253 characters).
inline constexpr size_t kMaxHostNameLength = 255;

// Checks a host name (a DNS name, an IPv4 address, or an IPv6 address with
// an optional %zone, bracketed or not): 1 to kMaxHostNameLength characters
// from letters, digits and . - _ : % [ ], not starting with '-'.
// Errors: InvalidArgument with a one-line message naming the host.
Status ValidateHostName(std::string_view host);
// Checks [user@]host: the host as ValidateHostName; the user (everything
// before the last '@'), if present, non-empty, not starting with '-', and
// without blanks or control characters. Errors: InvalidArgument.
Status ValidateDestination(std::string_view destination);

// Parses `args` (argv without argv[0]). Errors (InvalidArgument, one line fit
// for the user): unknown option, missing or bad option value (port outside
// 0-65535, a range with low < 1 or low > high, unknown --predict/--family
// value, a --bind-server that is not ssh/any/a numeric IP, an --ssh string
// with an unterminated quote), no host (outside --local), or a destination
// that ValidateDestination rejects (also the --fake-proxy host).
Result<RoamOptions> ParseRoamOptions(const std::vector<std::string>& args);

// The usage text (several lines, ending in "\n").
std::string RoamUsage();

}  // namespace roam::client

#endif  // ROAM_CLIENT_ROAM_OPTIONS_H_
