// NetworkNamespace: unshare, setns and the descriptors that keep a namespace.

#include "netsim/network_namespace.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "base/check.h"

namespace roam::netsim {
namespace {

// The calling thread's own namespace (not the process leader's).
constexpr const char* kThreadNamespace = "/proc/thread-self/ns/net";

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

// The numeric entries of a /proc directory (PIDs or TIDs).
std::vector<pid_t> NumericEntries(const std::string& dir) {
  std::vector<pid_t> ids;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return ids;
  while (const dirent* e = readdir(d)) {
    char* end = nullptr;
    const long id = std::strtol(e->d_name, &end, 10);
    if (end != e->d_name && *end == '\0' && id > 0) ids.push_back(static_cast<pid_t>(id));
  }
  closedir(d);
  return ids;
}

}  // namespace

NamespaceGuard::~NamespaceGuard() {
  if (original_.valid()) ROAM_CHECK(setns(original_.get(), CLONE_NEWNET) == 0);
}

Result<NetworkNamespace> NetworkNamespace::FromFd(UniqueFd fd) {
  if (!fd.valid()) return IoError(Errno("open network namespace"));
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return IoError(Errno("fstat network namespace"));
  NetworkNamespace ns;
  ns.fd_ = std::move(fd);
  ns.device_ = st.st_dev;
  ns.inode_ = st.st_ino;
  return ns;
}

Result<NetworkNamespace> NetworkNamespace::Create() {
  UniqueFd original(open(kThreadNamespace, O_RDONLY | O_CLOEXEC));
  if (!original.valid()) return IoError(Errno(std::string("open ") + kThreadNamespace));
  if (unshare(CLONE_NEWNET) != 0) return IoError(Errno("unshare(CLONE_NEWNET)"));
  // From here the thread is in the new namespace; the guard takes it back
  // whatever happens next.
  NamespaceGuard back(std::move(original));
  return FromFd(UniqueFd(open(kThreadNamespace, O_RDONLY | O_CLOEXEC)));
}

Result<NetworkNamespace> NetworkNamespace::Open(const std::string& path) {
  Result<NetworkNamespace> ns = FromFd(UniqueFd(open(path.c_str(), O_RDONLY | O_CLOEXEC)));
  if (!ns.ok()) return IoError(ns.status().message() + " (" + path + ")");
  return ns;
}

std::string NetworkNamespace::PathForOthers() const {
  return "/proc/" + std::to_string(getpid()) + "/fd/" + std::to_string(fd_.get());
}

std::vector<pid_t> ProcessesInNamespace(dev_t device, ino_t inode) {
  std::vector<pid_t> inside;
  const pid_t self = getpid();
  for (pid_t pid : NumericEntries("/proc")) {
    if (pid == self) continue;
    const std::string tasks = "/proc/" + std::to_string(pid) + "/task/";
    for (pid_t tid : NumericEntries(tasks)) {
      struct stat st {};
      if (stat((tasks + std::to_string(tid) + "/ns/net").c_str(), &st) == 0 &&
          st.st_dev == device && st.st_ino == inode) {
        inside.push_back(pid);
        break;
      }
    }
  }
  return inside;
}

Result<NamespaceGuard> NetworkNamespace::Enter() const {
  UniqueFd original(open(kThreadNamespace, O_RDONLY | O_CLOEXEC));
  if (!original.valid()) return IoError(Errno(std::string("open ") + kThreadNamespace));
  if (setns(fd_.get(), CLONE_NEWNET) != 0) return IoError(Errno("setns"));
  return NamespaceGuard(std::move(original));
}

}  // namespace roam::netsim
