// Minimal leveled logging to stderr.
//
// Servers log only with -v; clients never log to the terminal they draw on.
// Log text must never contain key material.

#ifndef ROAM_BASE_LOGGING_H_
#define ROAM_BASE_LOGGING_H_

#include <string_view>

namespace roam {

enum class LogLevel { kError = 0, kWarning = 1, kInfo = 2, kDebug = 3 };

// Messages above `level` are discarded. Default: kWarning.
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
// Writes "roam: <message>\n" to stderr if `level` is enabled.
void Log(LogLevel level, std::string_view message);

}  // namespace roam

#endif  // ROAM_BASE_LOGGING_H_
