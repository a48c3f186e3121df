#include "base/logging.h"

#include <unistd.h>

#include <atomic>
#include <string>

namespace roam {

namespace {
std::atomic<LogLevel> g_level{LogLevel::kWarning};
}  // namespace

void SetLogLevel(LogLevel level) { g_level = level; }
LogLevel GetLogLevel() { return g_level; }

void Log(LogLevel level, std::string_view message) {
  if (static_cast<int>(level) > static_cast<int>(g_level.load())) return;
  std::string line = "roam: ";
  line.append(message);
  line.push_back('\n');
  // One write so that lines from several processes do not interleave.
  ssize_t ignored = write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace roam
