// Control sockets: a roam session that lasts (a terminal, or -N) serves
// other roam commands to the same destination, so that `roam host -- cmd`,
// `rsync -e roam`, `git` and `scp` open a channel through it instead of
// running ssh and starting a server again — OpenSSH's ControlMaster, on a
// session that roams.
//
// The socket lives in a directory only this user can enter:
// $XDG_RUNTIME_DIR/roam, or /tmp/roam-UID without XDG_RUNTIME_DIR. roam
// creates it 0700 and uses it only if it is a real directory (not a link)
// owned by this user with no permissions for anyone else; the socket itself
// is 0600, and each side checks that the other runs as the same user
// (SO_PEERCRED). The socket's name is a hash of what picks the server: the
// destination as given, the ssh command and its options, the --server
// command. -S PATH or -o ControlPath=PATH choose another place (none:
// neither serve nor use one); -o ControlMaster=no: use one, serve none.
//
// On the socket, the command's side writes an open request and reads the
// answer exactly as on a channel (docs/protocol.md §9.8, §11), then both
// sides carry the channel's bytes.

#ifndef ROAM_CLIENT_CONTROL_SOCKET_H_
#define ROAM_CLIENT_CONTROL_SOCKET_H_

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/unique_fd.h"

namespace roam::client {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// $XDG_RUNTIME_DIR/roam when XDG_RUNTIME_DIR is an absolute path, else
// /tmp/roam-UID.
std::string DefaultControlDirectory(const EnvLookup& env, uid_t uid);

// Creates `dir` (mode 0700) if it is missing, then checks that it is a
// directory, not a symbolic link, owned by `uid`, with no permissions for
// group or others. Errors: kIoError naming what is wrong.
Status PreparePrivateDirectory(const std::string& dir, uid_t uid);

// The socket's file name (16 hex digits and ".sock") for a destination
// identified by `identity` (the destination, the ssh argv, the server
// command: whatever makes two commands reach the same server).
std::string ControlSocketName(const std::vector<std::string>& identity);

// Where the control socket for `identity` is: `configured` if it is a path
// (its directory must pass PreparePrivateDirectory), the default directory
// otherwise; nullopt for "none" (case-insensitive). Errors: the directory's.
Result<std::optional<std::string>> ResolveControlPath(const std::string& configured,
                                                      const std::vector<std::string>& identity,
                                                      const EnvLookup& env, uid_t uid);

// Whether the process at the other end of the Unix socket `fd` runs as
// `uid`.
bool PeerHasUid(int fd, uid_t uid);

// Connects to the session serving at `path`. Errors: kUnavailable when none
// does (no socket, or a stale one); kIoError when the listener is another
// user.
Result<UniqueFd> ConnectControl(const std::string& path, uid_t uid);

// Serves at `path` (mode 0600), non-blocking. A stale socket there (nobody
// listening) is replaced; the socket appears under its name at once, whole
// (bound elsewhere in the directory and linked into place). Errors:
// kUnavailable when a live session already serves there; kIoError.
Result<UniqueFd> ListenControl(const std::string& path, uid_t uid);

}  // namespace roam::client

#endif  // ROAM_CLIENT_CONTROL_SOCKET_H_
