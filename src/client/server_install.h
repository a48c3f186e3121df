// ServerInstall: `roam --install-server` — puts a self-contained roam-server
// on a remote host that has none, through one ssh connection, and tells
// roam which server to start (docs/protocol.md §0.1).
//
// The self-contained server is roam-server-static (statically linked,
// stripped), built beside roam and installed in libexec/roam. roam runs
//
//   ssh -T -S none [user@]host -- "sh -c '<script>' roam-install <sha256> <arch>"
//
// The script answers with one line, `ROAM INSTALL <word> [detail]`:
//
//   have          ~/.local/bin/roam-server is there and its SHA-256 matches
//   present NAME  no copy in ~/.local/bin, but NAME (roam-server or
//                 mosh-server) is on the remote PATH: nothing to install
//   arch MACHINE  the remote machine (uname -m) is not this server's
//   nohash        the remote has neither sha256sum nor shasum
//   send new      nothing there: roam now writes the binary to ssh's stdin
//   send replace  a copy with another hash is there (tampered with, or
//                 another version): the same, and it is replaced
//
// After `send`, the script writes stdin to a temporary file beside the
// target, checks its SHA-256 against the one roam gave, and only then makes
// it executable and renames it over ~/.local/bin/roam-server, answering
// `ROAM INSTALL installed`, or `ROAM INSTALL bad <hash>` (the file is
// removed). The script holds no single quote, `!` or newline, so it reads
// the same under sh, bash, zsh, csh/tcsh and fish login shells.

#ifndef ROAM_CLIENT_SERVER_INSTALL_H_
#define ROAM_CLIENT_SERVER_INSTALL_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "client/roam_options.h"

namespace roam::client {

// The installed server's path on the remote, for the remote login shell
// (the form roam gives as --server).
inline constexpr std::string_view kInstalledServerCommand = "\"$HOME/.local/bin/roam-server\"";
// The same for people.
inline constexpr std::string_view kInstalledServerDisplay = "~/.local/bin/roam-server";

// The self-contained server this roam carries.
struct StaticServer {
  std::string path;
  std::string sha256;  // 64 lower-case hex digits
  uint64_t size = 0;
  std::string machine;  // uname -m of this machine, which it was built for
};

// Where roam looks for roam-server-static, given the directory roam runs
// from: beside it (a build tree), then ../libexec/roam (an installation).
std::vector<std::string> StaticServerCandidates(std::string_view self_dir);

// Finds the first candidate that exists and hashes it.
// Errors: Unavailable (none there, with the places looked at), IoError (cannot
// read it).
Result<StaticServer> FindStaticServer(std::string_view self_dir);

// SHA-256 of a file, as 64 lower-case hex digits. Errors: IoError.
Result<std::string> Sha256OfFile(const std::string& path);

// The one-string remote command above, for `server` (its hash and machine).
std::string InstallRemoteCommand(const StaticServer& server);

struct InstallReply {
  enum class Kind { kHave, kPresent, kArch, kNoHash, kSendNew, kSendReplace, kInstalled, kBad };
  Kind kind = Kind::kBad;
  std::string detail;  // present: the program; arch: the machine; bad: the hash
};

// Reads one reply line (without its newline; a trailing CR is ignored).
// Lines that do not start with "ROAM INSTALL " are not replies: nullopt
// (the remote's login files may print other lines first). A reply line
// with an unknown word, or a detail that is empty, longer than 64 bytes or
// holds bytes other than printable ASCII: nullopt as well.
std::optional<InstallReply> ParseInstallReply(std::string_view line);

// What became of the install.
struct InstallOutcome {
  // The --server roam should give: kInstalledServerCommand, or nullopt to
  // start the server the default way (one is on the remote PATH, or the
  // copy was declined).
  std::optional<std::string> server;
  bool copied = false;    // the binary was sent
  bool replaced = false;  // ... over a copy whose hash differed
  bool declined = false;  // a copy was needed and `confirm` said no
};

// Asked before the binary is sent (the reply is kSendNew or kSendReplace);
// false declines: nothing is sent and nothing is installed.
using ConfirmCopy = std::function<bool(const InstallReply& reply)>;

// Runs `ssh_argv` (options.ssh words and their options, without the
// destination), -T -S none, `destination` and InstallRemoteCommand(server);
// sends the binary when asked and `confirm` (if given) agrees; its stderr
// goes to roam's. Waits at most `timeout` in all. `note` receives the
// user-facing lines (copying, replacing), each without a newline.
// Errors (one line for the user, naming `destination`): ssh failed or
// ended without a reply, the remote is another machine, cannot hash, the
// copy arrived with another hash, the timeout.
Result<InstallOutcome> InstallServer(const std::vector<std::string>& ssh_argv,
                                     const std::string& destination, const StaticServer& server,
                                     std::chrono::milliseconds timeout,
                                     const std::function<void(const std::string&)>& note,
                                     const ConfirmCopy& confirm = nullptr);

// InstallServer for roam: finds this roam's static server (beside
// `self_path`, the running roam), runs the install through `options`'s ssh
// on options.destination, and returns the --server to use (nullopt: the
// default way). Notes go to stderr as "roam: ..." lines. `confirm` as for
// InstallServer (--install-server gives none: it copies without asking).
// Errors: as FindStaticServer and InstallServer, one line for the user.
Result<std::optional<std::string>> InstallServerFor(const RoamOptions& options,
                                                    std::string_view self_path,
                                                    const ConfirmCopy& confirm = nullptr);

// Asks on the controlling terminal whether to copy roam-server (`size`
// bytes) to `host`, which has neither roam-server nor mosh-server (or a
// copy of ours with another hash: `reply`). True only for an answer that
// starts with y or Y; false without a terminal.
bool AskToCopyServer(std::string_view host, uint64_t size, const InstallReply& reply);

}  // namespace roam::client

#endif  // ROAM_CLIENT_SERVER_INSTALL_H_
