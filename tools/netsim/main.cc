// roam-netsim: command-line front end of the network simulator. Flags and
// wiring only; the relays and link models hold the logic.
//
//   roam-netsim udp --listen 127.0.0.1:0 --to 127.0.0.1:60001 --profile lossy --seed 1
//   roam-netsim tcp --listen 127.0.0.1:0 --to 127.0.0.1:22 --profile 3g
//
// Prints "NETSIM LISTEN <port>" once bound, runs until --duration elapses (at
// most an hour) or SIGTERM/SIGINT, then writes the stats JSON if asked.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/unique_fd.h"
#include "netsim/control_command.h"
#include "netsim/profile.h"
#include "netsim/tcp_relay.h"
#include "netsim/udp_relay.h"

namespace roam::netsim {
namespace {

constexpr double kMaxDurationSeconds = 3600;
// Longest single wait, so a signal arriving just before poll is seen soon.
constexpr Duration kMaxWait = std::chrono::milliseconds(100);

volatile sig_atomic_t g_stop = 0;

void OnSignal(int) { g_stop = 1; }

const char kUsage[] =
    "usage: roam-netsim udp|tcp --listen HOST:PORT --to HOST:PORT [options]\n"
    "  --profile NAME            lan, wifi, lte, 3g, intercontinental, lossy, outage\n"
    "  --outage-start S          start of the 'outage' profile's 10 s outage (default 5)\n"
    "  --delay-ms MS --jitter-ms MS --loss P --burst PGB,PBG,LOSSBAD\n"
    "  --reorder P --reorder-ms MS --duplicate P --rate-kbit K --queue-bytes B\n"
    "  --outage START_S:DURATION_S (repeatable)   --seed N\n"
    "  --duration S              stop after S seconds (default and maximum 3600)\n"
    "  --stats-json FILE         write counters as JSON on exit\n"
    "  --control-fifo PATH       read control lines from a FIFO (created if missing)\n"
    "  --control-stdin           read control lines from stdin\n"
    "  --rebind-at S             (udp) NAT rebinding at S seconds (repeatable)\n"
    "  --rebind-ip IP            (udp) source IP for scheduled rebinds, e.g. 127.0.0.2\n"
    "control lines: 'rebind [IP]', 'outage SECONDS', 'profile NAME'\n";

struct Options {
  std::string mode;
  std::string listen;
  std::string to;
  double duration_s = kMaxDurationSeconds;
  std::string stats_json;
  std::string control_fifo;
  bool control_stdin = false;
  std::vector<Duration> rebind_at;
  std::string rebind_ip;
  ProfileArgs profile;
};

std::optional<double> ParseSeconds(const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || errno != 0 || end != text.c_str() + text.size() || !std::isfinite(v) ||
      v < 0 || v > kMaxDurationSeconds) {
    return std::nullopt;
  }
  return v;
}

Result<Options> ParseOptions(int argc, char** argv) {
  if (argc < 2) return InvalidArgument("missing mode (udp or tcp)");
  Options o;
  o.mode = argv[1];
  if (o.mode != "udp" && o.mode != "tcp") return InvalidArgument("mode must be udp or tcp");
  Result<ProfileArgs> parsed = ParseProfileArgs(std::vector<std::string>(argv + 2, argv + argc));
  if (!parsed.ok()) return parsed.status();
  o.profile = std::move(parsed).value();
  const std::vector<std::string>& rest = o.profile.rest;
  for (size_t i = 0; i < rest.size(); ++i) {
    std::string flag = rest[i];
    std::string value;
    bool has_value = false;
    if (const size_t eq = flag.find('='); eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      has_value = true;
    }
    if (flag == "--control-stdin") {
      o.control_stdin = true;
      continue;
    }
    if (!has_value) {
      if (i + 1 >= rest.size()) return InvalidArgument(flag + ": missing value");
      value = rest[++i];
    }
    if (flag == "--listen") {
      o.listen = value;
    } else if (flag == "--to") {
      o.to = value;
    } else if (flag == "--duration") {
      std::optional<double> s = ParseSeconds(value);
      if (!s || *s <= 0) return InvalidArgument("--duration: want seconds in (0, 3600]");
      o.duration_s = *s;
    } else if (flag == "--stats-json") {
      o.stats_json = value;
    } else if (flag == "--control-fifo") {
      o.control_fifo = value;
    } else if (flag == "--rebind-at") {
      std::optional<double> s = ParseSeconds(value);
      if (!s) return InvalidArgument("--rebind-at: want seconds in [0, 3600]");
      o.rebind_at.push_back(
          std::chrono::duration_cast<Duration>(std::chrono::duration<double>(*s)));
    } else if (flag == "--rebind-ip") {
      o.rebind_ip = value;
    } else {
      return InvalidArgument("unknown flag " + flag);
    }
  }
  if (o.listen.empty() || o.to.empty()) return InvalidArgument("--listen and --to are required");
  if (o.control_stdin && !o.control_fifo.empty()) {
    return InvalidArgument("choose one of --control-fifo and --control-stdin");
  }
  if (o.mode == "tcp" && (!o.rebind_at.empty() || !o.rebind_ip.empty())) {
    return InvalidArgument("--rebind-at and --rebind-ip apply to udp only");
  }
  return o;
}

Result<UniqueFd> OpenControl(const Options& o) {
  if (o.control_stdin) return UniqueFd(::dup(STDIN_FILENO));
  if (o.control_fifo.empty()) return UniqueFd();
  if (::mkfifo(o.control_fifo.c_str(), 0600) != 0 && errno != EEXIST) {
    return IoError("mkfifo " + o.control_fifo + ": " + std::strerror(errno));
  }
  // Read-write, so the FIFO never reports end-of-file when a writer leaves.
  UniqueFd fd(::open(o.control_fifo.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) return IoError("open " + o.control_fifo + ": " + std::strerror(errno));
  return fd;
}

template <typename Relay>
int RunLoop(Relay& relay, const Options& o, const Clock& clock) {
  Result<UniqueFd> control = OpenControl(o);
  if (!control.ok()) {
    std::cerr << "roam-netsim: " << control.status().message() << "\n";
    return 1;
  }
  UniqueFd control_fd = std::move(control).value();
  ControlLineSplitter splitter;
  std::cout << "NETSIM LISTEN " << relay.listen_port() << std::endl;

  const TimePoint end = clock.Now() + std::chrono::duration_cast<Duration>(
                                          std::chrono::duration<double>(o.duration_s));
  int exit_code = 0;
  while (g_stop == 0) {
    const TimePoint now = clock.Now();
    if (now >= end) break;
    bool control_ready = false;
    const Status st =
        relay.RunOnce(std::min<Duration>(end - now, kMaxWait), control_fd.get(), &control_ready);
    if (!st.ok()) {
      std::cerr << "roam-netsim: " << st.message() << "\n";
      exit_code = 1;
      break;
    }
    if (!control_ready) continue;
    char buf[4096];
    const ssize_t n = ::read(control_fd.get(), buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      control_fd.Reset();  // stdin closed: keep relaying without control
      continue;
    }
    if (n < 0) continue;
    for (const std::string& line : splitter.Append(std::string_view(buf, static_cast<size_t>(n)))) {
      Result<std::optional<ControlCommand>> cmd = ParseControlCommand(line);
      Status applied = cmd.ok() ? Status::Ok() : cmd.status();
      if (cmd.ok() && cmd->has_value()) applied = relay.Apply(**cmd);
      if (!applied.ok()) std::cerr << "roam-netsim: control: " << applied.message() << "\n";
    }
  }
  if (!o.stats_json.empty()) {
    std::ofstream out(o.stats_json);
    out << relay.StatsJson() << "\n";
    if (!out) {
      std::cerr << "roam-netsim: cannot write " << o.stats_json << "\n";
      exit_code = 1;
    }
  }
  return exit_code;
}

int Main(int argc, char** argv) {
  Result<Options> options = ParseOptions(argc, argv);
  if (!options.ok()) {
    std::cerr << "roam-netsim: " << options.status().message() << "\n" << kUsage;
    return 2;
  }
  const Options& o = *options;
  Result<LoopbackEndpoint> listen = LoopbackEndpoint::Parse(o.listen);
  Result<LoopbackEndpoint> to = LoopbackEndpoint::Parse(o.to);
  if (!listen.ok() || !to.ok()) {
    std::cerr << "roam-netsim: " << (listen.ok() ? to.status() : listen.status()).message() << "\n";
    return 2;
  }

  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  SystemClock clock;
  if (o.mode == "udp") {
    UdpRelayConfig config;
    config.listen = *listen;
    config.server = *to;
    config.profile = o.profile.profile;
    config.seed = o.profile.seed;
    config.rebind_at = o.rebind_at;
    config.rebind_ip = o.rebind_ip;
    Result<std::unique_ptr<UdpRelay>> relay = UdpRelay::Create(std::move(config), clock);
    if (!relay.ok()) {
      std::cerr << "roam-netsim: " << relay.status().message() << "\n";
      return 1;
    }
    return RunLoop(**relay, o, clock);
  }
  TcpRelayConfig config;
  config.listen = *listen;
  config.target = *to;
  config.profile = o.profile.profile;
  config.seed = o.profile.seed;
  Result<std::unique_ptr<TcpRelay>> relay = TcpRelay::Create(std::move(config), clock);
  if (!relay.ok()) {
    std::cerr << "roam-netsim: " << relay.status().message() << "\n";
    return 1;
  }
  return RunLoop(**relay, o, clock);
}

}  // namespace
}  // namespace roam::netsim

int main(int argc, char** argv) { return roam::netsim::Main(argc, argv); }
