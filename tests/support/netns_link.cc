#include "support/netns_link.h"

#include <dirent.h>
#include <net/if.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

namespace roam::testing {
namespace {

using std::chrono::milliseconds;

constexpr const char* kNsenter = "nsenter";

std::vector<std::string> Prefixed(const std::string& netns, const std::vector<std::string>& argv) {
  std::vector<std::string> out = {kNsenter, "--net=" + netns, "--"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

NamespaceId IdOf(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return {};
  return {st.st_dev, st.st_ino};
}

UniqueFd SocketIn(const std::string& netns, int type) {
  Result<netsim::NetworkNamespace> ns = netsim::NetworkNamespace::Open(netns);
  if (!ns.ok()) return UniqueFd();
  Result<netsim::NamespaceGuard> inside = ns->Enter();
  if (!inside.ok()) return UniqueFd();
  return UniqueFd(socket(AF_INET, type | SOCK_CLOEXEC, 0));
}

std::vector<std::string> NumericEntries(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return names;
  while (const dirent* e = readdir(d)) {
    char* end = nullptr;
    std::strtol(e->d_name, &end, 10);
    if (end != e->d_name && *end == '\0') names.emplace_back(e->d_name);
  }
  closedir(d);
  return names;
}

}  // namespace

bool NetnsLink::Available(const std::string& netsim_binary, std::string* why) {
  if (geteuid() != 0) {
    *why = "needs root for network namespaces and TUN devices (ctest -LE netns leaves it out)";
    return false;
  }
  if (!HaveProgram(kNsenter)) {
    *why = "needs nsenter (util-linux)";
    return false;
  }
  CommandResult r = RunCommand({netsim_binary, "link", "--duration", "0.05"}, milliseconds(10000));
  if (r.status != 0 || r.output.find("NETSIM LINK ") == std::string::npos) {
    std::string first_line = r.output.substr(0, r.output.find('\n'));
    *why = "roam-netsim link cannot run here: " + first_line;
    return false;
  }
  return true;
}

NetnsLink::NetnsLink(std::string netsim_binary, std::vector<std::string> args)
    : binary_(std::move(netsim_binary)), args_(std::move(args)) {}

NetnsLink::~NetnsLink() {
  if (process_) Stop();
}

bool NetnsLink::Start() {
  std::vector<std::string> argv = {binary_, "link", "--control-stdin"};
  argv.insert(argv.end(), args_.begin(), args_.end());
  SubprocessOptions options;
  options.pipe_stdin = true;
  process_ = std::make_unique<Subprocess>(argv, options);
  const bool started = process_->ReadUntil(
      [](const std::string& out) {
        const size_t at = out.find("NETSIM LINK ");
        return at != std::string::npos && out.find('\n', at) != std::string::npos;
      },
      kStartTimeout);
  if (!started) {
    error_ = "roam-netsim link did not start: " + process_->output();
    return false;
  }
  const std::string& out = process_->output();
  std::istringstream banner(out.substr(out.find("NETSIM LINK ")));
  std::string netsim, link, client, server, client_ns, server_ns;
  banner >> netsim >> link >> client >> client_address_ >> server >> server_address_ >> client_ns >>
      client_netns_ >> server_ns >> server_netns_;
  if (client_netns_.empty() || server_netns_.empty()) {
    error_ = "cannot read the link's banner: " + out;
    return false;
  }
  client_id_ = IdOf(client_netns_);
  server_id_ = IdOf(server_netns_);
  return true;
}

std::vector<std::string> NetnsLink::InClient(const std::vector<std::string>& argv) const {
  return Prefixed(client_netns_, argv);
}

std::vector<std::string> NetnsLink::InServer(const std::vector<std::string>& argv) const {
  return Prefixed(server_netns_, argv);
}

UniqueFd NetnsLink::ClientSocket(int type) const { return SocketIn(client_netns_, type); }
UniqueFd NetnsLink::ServerSocket(int type) const { return SocketIn(server_netns_, type); }

std::string NetnsLink::Control(const std::string& line) {
  const size_t from = process_->output().size();
  if (!process_->WriteStdin(line + "\n")) return "";
  std::string answer;
  process_->ReadUntil(
      [&](const std::string& out) {
        for (const char* prefix : {"NETSIM OK", "NETSIM ERROR"}) {
          const size_t at = out.find(prefix, from);
          if (at == std::string::npos) continue;
          const size_t end = out.find('\n', at);
          if (end == std::string::npos) continue;
          answer = out.substr(at, end - at);
          return true;
        }
        return false;
      },
      kControlTimeout);
  return answer;
}

std::optional<int> NetnsLink::Stop() {
  if (!process_) return std::nullopt;
  process_->Signal(SIGTERM);
  return process_->Wait(kStopTimeout);
}

std::optional<int> NetnsLink::Wait(milliseconds timeout) {
  if (!process_) return std::nullopt;
  return process_->Wait(timeout);
}

const std::string& NetnsLink::output() const {
  static const std::string kNone;
  return process_ ? process_->output() : kNone;
}

std::vector<std::string> NamespaceReferences(NamespaceId id) {
  std::vector<std::string> refs;
  const std::string self = std::to_string(getpid());
  for (const std::string& pid : NumericEntries("/proc")) {
    for (const std::string& tid : NumericEntries("/proc/" + pid + "/task")) {
      const NamespaceId in = IdOf("/proc/" + pid + "/task/" + tid + "/ns/net");
      if (in.device == id.device && in.inode == id.inode) {
        refs.push_back("pid " + pid + " (in it)");
        break;
      }
    }
    const std::string fds = "/proc/" + pid + "/fd/";
    for (const std::string& fd : NumericEntries(fds)) {
      const NamespaceId open = IdOf(fds + fd);
      if (open.device == id.device && open.inode == id.inode) {
        refs.push_back("pid " + pid + " fd " + fd + (pid == self ? " (this test)" : ""));
      }
    }
  }
  return refs;
}

std::vector<std::string> DevicesIn(const netsim::NetworkNamespace& ns) {
  std::vector<std::string> names;
  Result<netsim::NamespaceGuard> inside = ns.Enter();
  if (!inside.ok()) return names;
  struct if_nameindex* list = if_nameindex();
  if (list == nullptr) return names;
  for (struct if_nameindex* i = list; i->if_index != 0; ++i) names.emplace_back(i->if_name);
  if_freenameindex(list);
  return names;
}

}  // namespace roam::testing
