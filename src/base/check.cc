#include "base/check.h"

#include <cstdio>
#include <cstdlib>

namespace roam::internal {

void CheckFailed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "roam: internal check failed: %s at %s:%d\n", expr, file, line);
  std::abort();
}

}  // namespace roam::internal
