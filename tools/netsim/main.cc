// roam-netsim: command-line front end of the network simulator. Flags and
// wiring only; the relays, the packet-level link and the link models hold
// the logic.
//
//   roam-netsim udp --listen 127.0.0.1:0 --to 127.0.0.1:60001 --profile lossy --seed 1
//   roam-netsim tcp --listen 127.0.0.1:0 --to 127.0.0.1:22 --profile 3g
//   roam-netsim link --profile lte --control-stdin
//   roam-netsim link --ceiling 1
//
// The relays print "NETSIM LISTEN <port>" once bound; the link prints
// "NETSIM LINK client IP server IP client-netns PATH server-netns PATH" once
// its namespaces are ready, and answers each control line with "NETSIM OK
// <verb>" or "NETSIM ERROR <message>". Runs until --duration elapses (at most
// an hour) or SIGTERM/SIGINT, then writes the stats JSON if asked.

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
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
#include <type_traits>
#include <vector>

#include "base/clock.h"
#include "base/unique_fd.h"
#include "netsim/ceiling.h"
#include "netsim/control_command.h"
#include "netsim/packet_link.h"
#include "netsim/profile.h"
#include "netsim/tcp_relay.h"
#include "netsim/udp_relay.h"

namespace roam::netsim {
namespace {

constexpr double kMaxDurationSeconds = 3600;
constexpr double kMaxCeilingSeconds = 60;
// Longest single wait, so a signal arriving just before poll is seen soon.
constexpr Duration kMaxWait = std::chrono::milliseconds(100);

volatile sig_atomic_t g_stop = 0;

void OnSignal(int) { g_stop = 1; }

void InstallSignalHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

const char kUsage[] =
    "usage: roam-netsim udp|tcp --listen HOST:PORT --to HOST:PORT [options]\n"
    "       roam-netsim link [options]     (packet-level: two network namespaces; root)\n"
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
    "  --ceiling S               (link) measure the unimpaired link for S seconds per\n"
    "                            phase, print 'NETSIM CEILING ...' and exit\n"
    "control lines: 'rebind [IP]' (udp; the link takes no IP), 'move [IP]' (link), 'outage "
    "SECONDS',\n"
    "               'profile NAME', 'block udp|none' (link)\n";

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
  double ceiling_s = 0;  // link: > 0 measures the ceiling instead of running
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
  if (argc < 2) return InvalidArgument("missing mode (udp, tcp or link)");
  Options o;
  o.mode = argv[1];
  if (o.mode != "udp" && o.mode != "tcp" && o.mode != "link") {
    return InvalidArgument("mode must be udp, tcp or link");
  }
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
    } else if (flag == "--ceiling") {
      std::optional<double> s = ParseSeconds(value);
      if (!s || *s <= 0 || *s > kMaxCeilingSeconds) {
        return InvalidArgument("--ceiling: want seconds in (0, 60]");
      }
      o.ceiling_s = *s;
    } else {
      return InvalidArgument("unknown flag " + flag);
    }
  }
  if (o.mode == "link") {
    if (!o.listen.empty() || !o.to.empty()) {
      return InvalidArgument("link: no --listen or --to (the link has its own addresses)");
    }
    if (!o.rebind_at.empty() || !o.rebind_ip.empty()) {
      return InvalidArgument("link: --rebind-at and --rebind-ip apply to udp only (use 'move')");
    }
  } else if (o.listen.empty() || o.to.empty()) {
    return InvalidArgument("--listen and --to are required");
  } else if (o.ceiling_s > 0) {
    return InvalidArgument("--ceiling applies to link only");
  }
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

// What "NETSIM OK ..." says after a control line: the verb, and for a move
// the client's new address.
template <typename Relay>
std::string Acknowledgement(const Relay& relay, const ControlCommand& cmd) {
  switch (cmd.kind) {
    case ControlCommand::Kind::kRebind:
      return "rebind";
    case ControlCommand::Kind::kOutage:
      return "outage";
    case ControlCommand::Kind::kProfile:
      return "profile " + cmd.arg;
    case ControlCommand::Kind::kMove:
      if constexpr (std::is_same_v<Relay, PacketLink>) return "move " + relay.client_address();
      return "move";
    case ControlCommand::Kind::kBlock:
      return "block " + cmd.arg;
  }
  return "";
}

// Runs `relay` (a UdpRelay, TcpRelay or PacketLink) until the duration ends
// or a signal arrives, applying control lines. `acknowledge` answers each
// control line on stdout (the link's callers wait for a move to be done).
template <typename Relay>
int RunLoop(Relay& relay, const std::string& banner, bool acknowledge, const Options& o,
            const Clock& clock) {
  Result<UniqueFd> control = OpenControl(o);
  if (!control.ok()) {
    std::cerr << "roam-netsim: " << control.status().message() << "\n";
    return 1;
  }
  UniqueFd control_fd = std::move(control).value();
  ControlLineSplitter splitter;
  std::cout << banner << std::endl;

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
      if (acknowledge && (!cmd.ok() || cmd->has_value())) {
        if (applied.ok()) {
          std::cout << "NETSIM OK " << Acknowledgement(relay, **cmd) << std::endl;
        } else {
          std::cout << "NETSIM ERROR " << applied.message() << std::endl;
        }
      }
    }
  }
  return exit_code;
}

// Writes `json` to `path` (when not empty). Returns false on failure.
bool WriteStats(const std::string& path, const std::string& json) {
  if (path.empty()) return true;
  std::ofstream out(path);
  out << json << "\n";
  if (!out) {
    std::cerr << "roam-netsim: cannot write " << path << "\n";
    return false;
  }
  return true;
}

template <typename Relay>
int RunRelay(Relay& relay, const Options& o, const Clock& clock) {
  int exit_code =
      RunLoop(relay, "NETSIM LISTEN " + std::to_string(relay.listen_port()), false, o, clock);
  if (!WriteStats(o.stats_json, relay.StatsJson())) exit_code = 1;
  return exit_code;
}

// The packet-level link: runs until stopped, then ends what runs inside its
// namespaces before the stats are written and the namespaces close.
int RunLink(const Options& o, const Clock& clock) {
  // A link whose parent is gone serves nobody and keeps namespaces alive:
  // the parent's death ends it like SIGTERM.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  PacketLinkConfig config;
  if (o.ceiling_s > 0) {
    config.profile.name = "none";  // the ceiling is measured with no impairment
  } else {
    config.profile = o.profile.profile;
  }
  config.seed = o.profile.seed;
  Result<std::unique_ptr<PacketLink>> created = PacketLink::Create(std::move(config), clock);
  if (!created.ok()) {
    std::cerr << "roam-netsim: link: " << created.status().message() << "\n";
    return 1;
  }
  PacketLink& link = **created;
  int exit_code = 0;
  if (o.ceiling_s > 0) {
    Result<Ceiling> c = MeasureCeiling(
        link, std::chrono::duration_cast<Duration>(std::chrono::duration<double>(o.ceiling_s)));
    if (c.ok()) {
      std::cout << CeilingLine(*c) << std::endl;
    } else {
      std::cerr << "roam-netsim: ceiling: " << c.status().message() << "\n";
      exit_code = 1;
    }
  } else {
    exit_code = RunLoop(link, link.Banner(), true, o, clock);
  }
  link.EndProcessesInside();
  if (!WriteStats(o.stats_json, link.StatsJson())) exit_code = 1;
  return exit_code;
}

int Main(int argc, char** argv) {
  Result<Options> options = ParseOptions(argc, argv);
  if (!options.ok()) {
    std::cerr << "roam-netsim: " << options.status().message() << "\n" << kUsage;
    return 2;
  }
  const Options& o = *options;
  InstallSignalHandlers();
  SystemClock clock;
  if (o.mode == "link") return RunLink(o, clock);
  Result<LoopbackEndpoint> listen = LoopbackEndpoint::Parse(o.listen);
  Result<LoopbackEndpoint> to = LoopbackEndpoint::Parse(o.to);
  if (!listen.ok() || !to.ok()) {
    std::cerr << "roam-netsim: " << (listen.ok() ? to.status() : listen.status()).message() << "\n";
    return 2;
  }

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
    return RunRelay(**relay, o, clock);
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
  return RunRelay(**relay, o, clock);
}

}  // namespace
}  // namespace roam::netsim

int main(int argc, char** argv) { return roam::netsim::Main(argc, argv); }
