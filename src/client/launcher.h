// Launcher: starts the server the way the wrapper does — one process (ssh,
// or roam-server itself with --local) that prints `MOSH CONNECT <port>
// <key>` — and reads what it prints.
//
// Every line that is not a bootstrap line (CONNECT, MOSH IP, MOSH
// SSH_CONNECTION, ROAM TCP) is kept (bounded) and, if asked, shown on
// stderr as it comes. Without a stream the launcher then waits, bounded,
// for the process to exit (ssh ends once the server detached; SIGTERM after
// 5 s, SIGKILL after 10 s). With `keep_stream` (the server was started with
// --ssh-stream) the process stays: its stdin and stdout become the session's
// fallback stream (docs/protocol.md §10.2) and its stderr is shown or kept
// like the rest.

#ifndef ROAM_CLIENT_LAUNCHER_H_
#define ROAM_CLIENT_LAUNCHER_H_

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/unique_fd.h"
#include "bootstrap/connect_line.h"
#include "client/bootstrap_outcome.h"

namespace roam::client {

using EnvChanges = std::vector<std::pair<std::string, std::optional<std::string>>>;

struct LaunchOptions {
  std::vector<std::string> argv;
  EnvChanges env;  // a nullopt value unsets the variable
  bool show_output = true;
  bool keep_stream = false;
  std::chrono::milliseconds timeout{60000};  // to the CONNECT line
};

// A process whose stdin and stdout carry framed datagrams.
struct StreamProcess {
  pid_t pid = -1;
  UniqueFd read;   // its stdout
  UniqueFd write;  // its stdin
  // Its stderr, held open but no longer read once the session started: a
  // closed pipe would end ssh with SIGPIPE at its next message.
  UniqueFd error;
};

struct Launched {
  BootstrapOutcome outcome;
  std::optional<bootstrap::ConnectInfo> connect;
  std::optional<std::string> ip;
  std::optional<uint16_t> tcp_port;     // from `ROAM TCP <port>`
  std::vector<std::string> notes;       // from `ROAM NOTE <text>` lines
  std::optional<StreamProcess> stream;  // keep_stream and a CONNECT line seen
};

Launched Launch(const LaunchOptions& options);

// Starts `argv` with pipes for stdin and stdout (stderr to /dev/null): a
// later `roam-server relay PORT` through ssh. Errors: kIoError.
Result<StreamProcess> StartStreamProcess(const std::vector<std::string>& argv,
                                         const EnvChanges& env);

// Ends a process this program started: SIGTERM, then SIGKILL if it has not
// gone within `grace`; reaps it.
void EndProcess(pid_t pid, std::chrono::milliseconds grace = std::chrono::seconds(1));

}  // namespace roam::client

#endif  // ROAM_CLIENT_LAUNCHER_H_
