// utmp entries through libutempter.

#include "session/utmp_record.h"

#include <utempter.h>
#include <utmpx.h>

#include <charconv>
#include <cstring>

#include <utility>

#include "base/logging.h"

namespace roam::session {

namespace {

bool AddWithUtempter(int master_fd, const char* host) {
  return utempter_add_record(master_fd, host) != 0;
}
bool RemoveWithUtempter(int master_fd) { return utempter_remove_record(master_fd) != 0; }

}  // namespace

std::string UtmpHost(pid_t server_pid, std::string_view client_host) {
  std::string tail = "mosh [" + std::to_string(server_pid) + "]";
  if (client_host.empty()) return tail;
  return std::string(client_host) + " via " + tail;
}

std::vector<UtmpEntry> ReadUtmpEntries() {
  std::vector<UtmpEntry> entries;
  setutxent();
  for (int i = 0; i < 100000; ++i) {  // bounded: utmp is a small file
    struct utmpx* u = getutxent();
    if (u == nullptr) break;
    if (u->ut_type != USER_PROCESS) continue;
    entries.push_back(UtmpEntry{std::string(u->ut_user, strnlen(u->ut_user, sizeof u->ut_user)),
                                std::string(u->ut_host, strnlen(u->ut_host, sizeof u->ut_host))});
  }
  endutxent();
  return entries;
}

std::string DetachedSessionsWarning(const std::vector<UtmpEntry>& entries, std::string_view user,
                                    pid_t own_pid) {
  constexpr std::string_view kPrefix = "mosh [";
  std::vector<std::string> pids;
  for (const UtmpEntry& e : entries) {
    if (e.user != user) continue;
    std::string_view host = e.host;
    if (host.size() < kPrefix.size() + 2 || host.substr(0, kPrefix.size()) != kPrefix ||
        host.back() != ']') {
      continue;
    }
    std::string_view digits = host.substr(kPrefix.size(), host.size() - kPrefix.size() - 1);
    long pid = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
    if (ec != std::errc() || end != digits.data() + digits.size() || pid <= 0) continue;
    if (pid == own_pid) continue;
    pids.emplace_back(digits);
  }
  if (pids.empty()) return "";
  std::string line = "roam-server: you have ";
  if (pids.size() == 1) {
    line += "a detached session on this server, with PID " + pids[0];
  } else {
    line += std::to_string(pids.size()) + " detached sessions on this server, with PIDs";
    for (const std::string& pid : pids) line += " " + pid;
  }
  line += ".\n";
  return line;
}

UtmpBackend LibutempterBackend() { return UtmpBackend{&AddWithUtempter, &RemoveWithUtempter}; }

UtmpRecord::UtmpRecord(int master_fd, std::string host, UtmpBackend backend)
    : master_fd_(master_fd), host_(std::move(host)), backend_(backend) {
  Add();
}

UtmpRecord::~UtmpRecord() { Remove(); }

void UtmpRecord::SetHost(std::string host) {
  // Unchanged: nothing to do, whether the last attempt worked or not. A
  // failed add is retried only for a new host string, never per call: the
  // backend forks a helper each time, and the server calls this once per
  // event-loop round.
  if (host == host_) return;
  Remove();
  host_ = std::move(host);
  Add();
}

void UtmpRecord::Add() {
  if (failures_ >= kUtmpMaxFailures) return;  // utmp is unavailable here
  active_ = backend_.add(master_fd_, host_.c_str());
  if (!active_) NoteFailure("adding");
}

void UtmpRecord::Remove() {
  if (!active_) return;
  active_ = false;
  if (!backend_.remove(master_fd_)) NoteFailure("removing");
}

void UtmpRecord::NoteFailure(const char* what) {
  if (failures_++ == 0) {
    Log(LogLevel::kWarning,
        std::string("utmp: ") + what + " the session's entry failed; continuing without it");
  }
}

}  // namespace roam::session
