// ROAM_CHECK: aborts when an internal invariant is broken.
//
// Use it for bugs only, never for anything a peer, a file or a user controls:
// those are reported as Status values and counted (see status.h).

#ifndef ROAM_BASE_CHECK_H_
#define ROAM_BASE_CHECK_H_

namespace roam::internal {
[[noreturn]] void CheckFailed(const char* expr, const char* file, int line);
}  // namespace roam::internal

#define ROAM_CHECK(cond)                                                   \
  do {                                                                     \
    if (!(cond)) ::roam::internal::CheckFailed(#cond, __FILE__, __LINE__); \
  } while (0)

#endif  // ROAM_BASE_CHECK_H_
