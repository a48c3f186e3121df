// NetworkNamespace: a Linux network namespace held open by a descriptor, and
// a guard that moves the calling thread into one for a while.
//
// The packet-level link (packet_link.h) makes its client and server
// namespaces anonymous: they are never bind-mounted under /run/netns, so
// nothing names them and nothing has to be deleted. A namespace lives while
// a descriptor, a socket or a process refers to it; when the link's process
// ends (even by SIGKILL) its descriptors close, and once the processes
// inside have ended too, the kernel frees the namespace and its devices.
//
// Other processes reach a namespace through the descriptor's /proc path
// (PathForOthers), e.g. `nsenter --net=/proc/4242/fd/5 CMD`.
//
// Namespaces are per thread: Enter and Create change only the calling
// thread, so one thread can set up or open sockets in a namespace while the
// others carry on where they are.

#ifndef ROAM_NETSIM_NETWORK_NAMESPACE_H_
#define ROAM_NETSIM_NETWORK_NAMESPACE_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/status.h"
#include "base/unique_fd.h"

namespace roam::netsim {

// While alive, the calling thread is in another network namespace; the
// destructor moves it back to the one it was in. Must be destroyed on the
// thread that created it.
class NamespaceGuard {
 public:
  NamespaceGuard(NamespaceGuard&& other) noexcept = default;
  NamespaceGuard& operator=(NamespaceGuard&&) = delete;
  NamespaceGuard(const NamespaceGuard&) = delete;
  NamespaceGuard& operator=(const NamespaceGuard&) = delete;
  // Returns to the original namespace. Aborts if the kernel refuses: a
  // thread left in the wrong namespace would send traffic where it must not.
  ~NamespaceGuard();

 private:
  friend class NetworkNamespace;
  explicit NamespaceGuard(UniqueFd original) : original_(std::move(original)) {}
  UniqueFd original_;
};

class NetworkNamespace {
 public:
  NetworkNamespace() = default;

  // Makes a new, empty network namespace (only a loopback device, down).
  // The calling thread is back in its own namespace on return.
  // Errors: kIoError (no privilege: CAP_SYS_ADMIN is needed; or no
  // namespace support in the kernel).
  static Result<NetworkNamespace> Create();
  // The namespace a path refers to (/proc/PID/fd/N, /proc/PID/ns/net,
  // /run/netns/NAME). Errors: kIoError (missing, not a namespace).
  static Result<NetworkNamespace> Open(const std::string& path);

  bool valid() const { return fd_.valid(); }
  int fd() const { return fd_.get(); }
  // Device and inode of the namespace: two handles refer to the same
  // namespace exactly when both match (what /proc/PID/ns/net stats to).
  dev_t device() const { return device_; }
  ino_t inode() const { return inode_; }
  // "/proc/<this pid>/fd/<fd>": a path other processes can open (with the
  // right privilege) while this handle is open.
  std::string PathForOthers() const;

  // Moves the calling thread into this namespace until the guard dies.
  // Errors: kIoError (setns refused).
  Result<NamespaceGuard> Enter() const;

 private:
  static Result<NetworkNamespace> FromFd(UniqueFd fd);

  UniqueFd fd_;
  dev_t device_ = 0;
  ino_t inode_ = 0;
};

// PIDs of the processes, other than the calling one, with at least one
// thread in the namespace identified by (device, inode). Reads /proc;
// processes that end meanwhile, and zombies (which have left every
// namespace), are not listed.
std::vector<pid_t> ProcessesInNamespace(dev_t device, ino_t inode);

}  // namespace roam::netsim

#endif  // ROAM_NETSIM_NETWORK_NAMESPACE_H_
