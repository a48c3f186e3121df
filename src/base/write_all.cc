#include "base/write_all.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

namespace roam {

bool WriteAll(int fd, std::string_view bytes) {
  constexpr int kFullWaitMs = 100;  // poll(2) step while a non-blocking fd is full
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        pollfd p{fd, POLLOUT, 0};
        poll(&p, 1, kFullWaitMs);
        continue;
      }
      return false;
    }
    if (n == 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace roam
