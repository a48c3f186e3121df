#include "client/control_socket.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace roam::client {
namespace {

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

bool FillAddress(const std::string& path, sockaddr_un* addr) {
  std::memset(addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr->sun_path) return false;
  std::memcpy(addr->sun_path, path.data(), path.size());
  return true;
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// 64-bit FNV-1a: the name only has to tell destinations apart inside a
// directory that is this user's alone.
uint64_t Fnv1a(const std::string& bytes, uint64_t hash) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

std::string DefaultControlDirectory(const EnvLookup& env, uid_t uid) {
  std::optional<std::string> runtime = env("XDG_RUNTIME_DIR");
  if (runtime && !runtime->empty() && (*runtime)[0] == '/') return *runtime + "/roam";
  return "/tmp/roam-" + std::to_string(uid);
}

Status PreparePrivateDirectory(const std::string& dir, uid_t uid) {
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return IoError(Errno("cannot create " + dir));
  }
  struct stat st {};
  if (lstat(dir.c_str(), &st) != 0) return IoError(Errno(dir));
  if (!S_ISDIR(st.st_mode)) return IoError(dir + " is not a directory");
  if (st.st_uid != uid) return IoError(dir + " belongs to another user");
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return IoError(dir + " is open to other users (mode " + mode + "; want 0700)");
  }
  return Status::Ok();
}

std::string ControlSocketName(const std::vector<std::string>& identity) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const std::string& field : identity) {
    // Length first, so that field boundaries count.
    hash = Fnv1a(std::to_string(field.size()) + ":", hash);
    hash = Fnv1a(field, hash);
  }
  char name[32];
  std::snprintf(name, sizeof name, "%016" PRIx64 ".sock", hash);
  return name;
}

Result<std::optional<std::string>> ResolveControlPath(const std::string& configured,
                                                      const std::vector<std::string>& identity,
                                                      const EnvLookup& env, uid_t uid) {
  std::string lower = configured;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "none") return std::optional<std::string>();
  if (!configured.empty()) {
    ROAM_RETURN_IF_ERROR(PreparePrivateDirectory(DirectoryOf(configured), uid));
    return std::optional<std::string>(configured);
  }
  const std::string dir = DefaultControlDirectory(env, uid);
  ROAM_RETURN_IF_ERROR(PreparePrivateDirectory(dir, uid));
  return std::optional<std::string>(dir + "/" + ControlSocketName(identity));
}

bool PeerHasUid(int fd, uid_t uid) {
  ucred cred{};
  socklen_t len = sizeof cred;
  return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.uid == uid;
}

Result<UniqueFd> ConnectControl(const std::string& path, uid_t uid) {
  sockaddr_un addr;
  if (!FillAddress(path, &addr)) return InvalidArgument("control path too long: " + path);
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return IoError(Errno("socket"));
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return Status(StatusCode::kUnavailable, Errno("no session serves " + path));
  }
  if (!PeerHasUid(fd.get(), uid)) {
    return IoError(path + " is served by another user");
  }
  return fd;
}

Result<UniqueFd> ListenControl(const std::string& path, uid_t uid) {
  // A live session already there keeps it.
  if (Result<UniqueFd> live = ConnectControl(path, uid); live.ok()) {
    return Status(StatusCode::kUnavailable, "a session already serves " + path);
  }
  // Bound under a temporary name, then linked into place: the name appears
  // only once the socket listens, and a concurrent session's link fails
  // instead of replacing ours.
  const std::string temporary = path + "." + std::to_string(getpid()) + ".tmp";
  sockaddr_un addr;
  if (!FillAddress(temporary, &addr)) return InvalidArgument("control path too long: " + path);
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return IoError(Errno("socket"));
  unlink(temporary.c_str());
  const mode_t old_mask = umask(0177);
  const int bound = bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  umask(old_mask);
  if (bound != 0) return IoError(Errno("bind " + temporary));
  if (listen(fd.get(), 64) != 0) {
    unlink(temporary.c_str());
    return IoError(Errno("listen"));
  }
  int linked = link(temporary.c_str(), path.c_str());
  if (linked != 0 && errno == EEXIST) {
    // Stale (nobody answered above): replace it, once.
    unlink(path.c_str());
    linked = link(temporary.c_str(), path.c_str());
  }
  const int link_errno = errno;
  unlink(temporary.c_str());
  if (linked != 0) {
    errno = link_errno;
    if (errno == EEXIST) {
      return Status(StatusCode::kUnavailable, "a session already serves " + path);
    }
    return IoError(Errno("link " + path));
  }
  return fd;
}

}  // namespace roam::client
