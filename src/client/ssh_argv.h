// SshArgv: the ssh command line that starts the server, in the style of the
// `mosh` wrapper (docs/protocol.md §0.2), from the options of
// client/roam_options.h. The server is started by
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

#ifndef ROAM_CLIENT_SSH_ARGV_H_
#define ROAM_CLIENT_SSH_ARGV_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "client/roam_options.h"

namespace roam::client {

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

}  // namespace roam::client

#endif  // ROAM_CLIENT_SSH_ARGV_H_
