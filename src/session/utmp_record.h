// UtmpRecord: the session's entry in utmp ("who"), through libutempter.
//
// The entry names the pty and a host string: "mosh [PID]" while no client is
// attached, "HOST via mosh [PID]" while one is (the same strings as
// mosh-server, so tools that look for detached Mosh sessions see roam's too).
// libutempter does the privileged write through a setgid helper. Failures
// are not fatal: a session without a utmp entry works; the first failure is
// logged once (at warning level) and later ones are silent.
// Reading utmp back (ReadUtmpEntries, DetachedSessionsWarning) lets a new
// login shell mention the user's other detached sessions, as mosh-server does.

#ifndef ROAM_SESSION_UTMP_RECORD_H_
#define ROAM_SESSION_UTMP_RECORD_H_

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace roam::session {

// "mosh [PID]" when `client_host` is empty, else "HOST via mosh [PID]".
std::string UtmpHost(pid_t server_pid, std::string_view client_host);

// The two calls UtmpRecord makes; replaceable for tests. Both return whether
// they succeeded.
struct UtmpBackend {
  bool (*add)(int master_fd, const char* host);
  bool (*remove)(int master_fd);
};

// The real backend: utempter_add_record / utempter_remove_record.
UtmpBackend LibutempterBackend();

// One login entry read from utmp.
struct UtmpEntry {
  std::string user;
  std::string host;
};

// The USER_PROCESS entries of utmp (empty if it cannot be read).
std::vector<UtmpEntry> ReadUtmpEntries();

// The warning a new login shell shows about this user's other detached
// sessions: entries of `user` whose host is exactly "mosh [PID]" (no client
// attached) with PID != `own_pid`. Returns "" when there are none, else one
// line ending in "\n", e.g.
//   "roam-server: you have 2 detached sessions on this server, with PIDs 12 34.\n"
// (one session: "...a detached session on this server, with PID 12.").
std::string DetachedSessionsWarning(const std::vector<UtmpEntry>& entries, std::string_view user,
                                    pid_t own_pid);

// After this many failed backend calls the record stops trying: utmp is not
// writable on this system (e.g. no setgid helper), and each try costs a fork.
inline constexpr int kUtmpMaxFailures = 3;

class UtmpRecord {
 public:
  // Adds the entry for the pty whose master is `master_fd` (not owned; must
  // stay open for the life of this object).
  UtmpRecord(int master_fd, std::string host, UtmpBackend backend = LibutempterBackend());
  // Removes the entry if one was added.
  ~UtmpRecord();
  UtmpRecord(const UtmpRecord&) = delete;
  UtmpRecord& operator=(const UtmpRecord&) = delete;

  // Replaces the entry's host string (remove, then add). No-op if unchanged,
  // also when the entry could not be added; a failed add is retried only for
  // a new host string, and not at all after kUtmpMaxFailures failures.
  void SetHost(std::string host);

  const std::string& host() const { return host_; }
  bool active() const { return active_; }
  // How many backend calls failed so far.
  int failures() const { return failures_; }

 private:
  void Add();
  void Remove();
  void NoteFailure(const char* what);

  int master_fd_;
  std::string host_;
  UtmpBackend backend_;
  bool active_ = false;
  int failures_ = 0;
};

}  // namespace roam::session

#endif  // ROAM_SESSION_UTMP_RECORD_H_
