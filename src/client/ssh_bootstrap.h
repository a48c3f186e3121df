// SshBootstrap: the `roam` command's options and the ssh command line that
// starts the server, in the style of the `mosh` wrapper (docs/protocol.md §0.2).
//
//   roam [options] [user@]host [--] [command...]
//
// Options are parsed up to the host; everything after the host (an optional
// leading "--" is dropped) is the remote command. The server is started by
//
//   ssh -n -tt -S none -o "ProxyCommand=<roam> --family=F --fake-proxy -- '%h' %p"
//       [user@]host -- "<remote command>"
//
// where the remote command is ONE string for the remote login shell. Its
// server arguments are each single-quoted (' becomes '\''), in this order:
// `new`, `-c COLORS`, the bind option (`-s` by default, `-i IP` for
// --bind-server=IP, nothing for any), `-p PORT[:PORT2]` if given, one
// `-l NAME=VALUE` per locale variable set locally (LANG LANGUAGE LC_CTYPE ...
// LC_ALL, in that order), then `--` and the command if one was given.
//
// With no --server the remote command prefers roam-server and falls back to
// a stock mosh-server:
//
//   sh -c 'if command -v roam-server >/dev/null 2>&1; then exec roam-server "$@"; fi;
//          exec mosh-server "$@"' roam 'new' '-c' '256' ...
//
// (one line). The arguments are quoted once and handed to `sh -c` as its
// positional parameters, so they are not nested in a second level of
// quoting, and the script itself contains no single quote, `!` or newline,
// so it reads the same under sh, bash, zsh, csh/tcsh and fish login shells.
// If neither program is on the remote PATH, sh exits 127 ("not found").
// With --server=CMD the command is `CMD 'new' ...` with CMD unquoted, as the
// mosh wrapper does, so CMD may carry its own arguments.
//
// ssh runs the ProxyCommand through a shell, with %h replaced by the host
// name. So the host name is checked first (ValidateDestination: letters,
// digits and . - _ : % [ ] only, never a leading '-'), and %h is
// single-quoted as well: a host name never reaches a shell as code.
//
// The ProxyCommand makes ssh run `roam --fake-proxy -- HOST PORT`, which
// resolves HOST, prints "MOSH IP <addr>" on stderr and relays the TCP
// connection; so roam learns the exact address ssh reached (the app layer
// implements that mode; this file only parses it).
//
// Also here: the user-facing one-line messages for the ways bootstrap fails.

#ifndef ROAM_CLIENT_SSH_BOOTSTRAP_H_
#define ROAM_CLIENT_SSH_BOOTSTRAP_H_

#include <cstdint>
#include <functional>
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

// Splits `text` into words like a POSIX shell without expansion: blanks
// separate words; '...' is literal; "..." allows \" \\ \$ \` escapes;
// a backslash outside quotes escapes the next character.
// Errors: InvalidArgument on an unterminated quote or trailing backslash.
Result<std::vector<std::string>> SplitShellWords(std::string_view text);

// Wraps `word` in single quotes, an embedded ' becoming '\''.
std::string ShellQuote(std::string_view word);

// The locale variables forwarded with -l, in order.
inline constexpr std::string_view kForwardedLocaleVars[] = {
    "LANG",       "LANGUAGE",     "LC_CTYPE",       "LC_NUMERIC",        "LC_TIME",
    "LC_COLLATE", "LC_MONETARY",  "LC_MESSAGES",    "LC_PAPER",          "LC_NAME",
    "LC_ADDRESS", "LC_TELEPHONE", "LC_MEASUREMENT", "LC_IDENTIFICATION", "LC_ALL"};

// Looks up an environment variable; nullopt if unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The server's arguments (unquoted), from `new` to the command. `colors` is
// the local terminal's colour count. With --local and the default bind, the
// bind option is `-i 127.0.0.1`.
std::vector<std::string> ServerArguments(const RoamOptions& options, int colors,
                                         const EnvLookup& env);

// roam-server's own options for what was asked (--forward-agent for -A,
// --ssh-stream and --tcp for the stream fallbacks of `transport`,
// --scrollback=N when a history size was given). A stock
// mosh-server must never see them.
std::vector<std::string> RoamServerOnlyArguments(const RoamOptions& options);

// Whether the bootstrap ssh stays open as the session's stream (auto and
// ssh transports, not --local).
bool KeepsSshStream(const RoamOptions& options);

// The one-string remote command described above. `roam_only` goes to
// roam-server only (before the Mosh arguments), never to a fallback
// mosh-server; with --server it is given only to a program whose name
// contains "roam".
std::string RemoteCommand(const RoamOptions& options, const std::vector<std::string>& server_args,
                          const std::vector<std::string>& roam_only = {});

// The full ssh argv. `self_path` is how ssh should start this program for
// the ProxyCommand.
std::vector<std::string> SshArgv(const RoamOptions& options, std::string_view self_path,
                                 const std::string& remote_command);

// The argv that opens a new stream to a running session's UDP `port`
// through ssh (`roam-server relay PORT`, docs/protocol.md §10.2), without
// asking anything (BatchMode), for when the first stream is gone.
std::vector<std::string> RelaySshArgv(const RoamOptions& options, std::string_view self_path,
                                      uint16_t port);
// The same for --local: the server program itself, sending to `ip`, the
// address the client reaches the local session at.
std::vector<std::string> RelayLocalArgv(const RoamOptions& options, const std::string& ip,
                                        uint16_t port);

// Environment changes for the ssh process: SHELL=/bin/sh (ssh runs the
// ProxyCommand with $SHELL) and MOSH_PREDICTION_DISPLAY removed (it is the
// client's, not the server's). A nullopt value means unset.
std::vector<std::pair<std::string, std::optional<std::string>>> SshEnvironmentChanges();

// The argv to run the server directly for --local: the --server words (or
// "roam-server"), then `roam_only` (as for RemoteCommand), then
// `server_args`.
Result<std::vector<std::string>> LocalServerArgv(const RoamOptions& options,
                                                 const std::vector<std::string>& server_args,
                                                 const std::vector<std::string>& roam_only = {});

// What happened when ssh was run, as far as the wrapper can see.
struct BootstrapOutcome {
  std::optional<int> ssh_exit_status;  // nullopt: still running or killed
  bool saw_connect = false;
  // The end of what ssh printed that was not ours (all of it is shown to
  // the user as it arrives; this copy is for ClassifyBootstrap: see
  // AppendBootstrapOutput).
  std::string output;
};

// What BootstrapOutcome::output keeps: at least the last 64 KiB of ssh's
// output and never more than twice that. A remote host can print without
// end before (or instead of) the CONNECT line; roam's memory must not grow
// with it.
inline constexpr size_t kMaxBootstrapOutput = 64 * 1024;

// Appends `text` to outcome->output; once more than 2 * kMaxBootstrapOutput
// bytes are held, only the last kMaxBootstrapOutput are kept (so the cost
// stays amortized O(text.size())).
void AppendBootstrapOutput(BootstrapOutcome* outcome, std::string_view text);

enum class BootstrapProblem {
  kNone,            // the CONNECT line arrived
  kSshFailed,       // ssh itself failed: exit status 255
  kServerNotFound,  // exit 127 or "command not found"/"not found" in the output
  kNoConnectLine,   // anything else without a CONNECT line
};

BootstrapProblem ClassifyBootstrap(const BootstrapOutcome& outcome);

// One line (no trailing newline), starting "roam: ", naming `host` and, for
// kServerNotFound and kNoConnectLine, the server that was tried (`server` =
// --server or empty), and saying what to check.
std::string BootstrapProblemMessage(BootstrapProblem problem, const BootstrapOutcome& outcome,
                                    std::string_view host, std::string_view server);

// The one line for a server that started but never answered over UDP.
std::string UdpUnreachableMessage(std::string_view host, std::string_view ip, uint16_t port);

}  // namespace roam::client

#endif  // ROAM_CLIENT_SSH_BOOTSTRAP_H_
