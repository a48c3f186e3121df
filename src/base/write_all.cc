#include "base/write_all.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>

namespace roam {

bool WriteAll(int fd, std::string_view bytes) {
  // poll(2)'s step while a non-blocking descriptor is full.
  constexpr std::chrono::milliseconds kFullWait(100);
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        pollfd p{fd, POLLOUT, 0};
        poll(&p, 1, static_cast<int>(kFullWait.count()));
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
