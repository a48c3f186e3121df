#include "e2e/common/detached_server.h"

#include <signal.h>

#include <chrono>
#include <regex>

#include "e2e/common/process_probe.h"
#include "support/subprocess.h"

namespace roam::testing {

namespace {
// The launcher only binds a socket, forks and prints.
constexpr std::chrono::milliseconds kLaunchTimeout(10000);
constexpr std::chrono::milliseconds kTermGrace(3000);
}  // namespace

DetachedServer::~DetachedServer() { Stop(); }

bool DetachedServer::Start(const std::vector<std::string>& argv,
                           const std::vector<std::string>& env) {
  SubprocessOptions options;
  options.env = env;
  CommandResult r = RunCommand(argv, kLaunchTimeout, options);
  output_ = r.output;
  std::smatch m;
  static const std::regex kConnect("MOSH CONNECT ([0-9]+) ([A-Za-z0-9/+]{22})");
  static const std::regex kDetached("detached, pid = ([0-9]+)\\]");
  if (std::regex_search(output_, m, kDetached)) pid_ = std::stoi(m[1].str());
  if (!std::regex_search(output_, m, kConnect)) return false;
  port_ = std::stoi(m[1].str());
  key_ = m[2].str();
  return r.status == 0 && pid_ > 0;
}

void DetachedServer::Stop() {
  if (pid_ <= 0 || !ProcessAlive(pid_)) return;
  kill(pid_, SIGTERM);
  if (!WaitForProcessExit(pid_, kTermGrace)) {
    kill(pid_, SIGKILL);
    WaitForProcessExit(pid_, kTermGrace);
  }
}

}  // namespace roam::testing
