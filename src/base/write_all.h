// WriteAll: every byte of a buffer to a descriptor, however write(2) splits
// it.
//
// Short writes are continued, EINTR is retried, and a non-blocking
// descriptor that is full (EAGAIN) is waited on with poll(2) in steps of
// 100 ms until it takes more. Only write(2) and poll(2) are called, both
// async-signal-safe, so a child may use it between fork and exec.

#ifndef ROAM_BASE_WRITE_ALL_H_
#define ROAM_BASE_WRITE_ALL_H_

#include <string_view>

namespace roam {

// Writes all of `bytes` to `fd`. Returns false if write(2) failed with an
// error other than EINTR or EAGAIN, or wrote nothing (the rest is dropped).
bool WriteAll(int fd, std::string_view bytes);

}  // namespace roam

#endif  // ROAM_BASE_WRITE_ALL_H_
