// channel_cc_bench: the channel layer's congestion controllers (NewReno,
// CUBIC, BBR) side by side on the netsim profiles, in simulation.
//
// For each profile and controller, one channel moves a bulk transfer from
// the server to the client (like `cat` of a big file) through the
// profile's link model on a fake clock, while a keystroke probe crosses
// the same server->client bottleneck every 100 ms (link_sim.h). Printed per
// row: goodput, simulated time, the share of stream bytes sent more than
// once, the probe's one-way delay p50/p95 with the link idle and while the
// transfer runs, and a fair-share run: 16 channels splitting the same
// amount, their aggregate goodput and Jain's fairness index of the bytes
// each had received when the first one finished (1 = perfectly even).
//
// The numbers are simulated: no CPU cost, no kernel, the link exactly as
// the profile says (lan, intercontinental and lossy have no rate cap, so
// there the windows and the controller are the only limit). Same seed,
// same numbers. It measures and prints; it never fails on a number.
//
//   channel_cc_bench [--quick] [--bytes N] [--seed N] [--profile NAME]...
//                    [--algorithm newreno|cubic|bbr]... [--no-fair-share]
//                    [--send-buffer BYTES] [--trace-ms MS] [netsim link flags]
//
// The netsim link flags (--loss P, --rate-kbit K, --delay-ms MS, ... as in
// tools/netsim/profile.h) adjust every profile run; --trace-ms prints the
// sender's window, RTT and the bottleneck queue every MS of simulated time.
//
// With --benchmark_format=json (how bench/compare runs every program in
// bench/) it prints the goodput rows as Google Benchmark JSON instead;
// --benchmark_min_time implies --quick.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/channel/link_sim.h"
#include "channel/mux.h"
#include "netsim/profile.h"

namespace roam::channel::bench {
namespace {

using namespace std::chrono_literals;

constexpr Duration kTransferLimit = 120s;  // as bench/compare's bulk timeout
constexpr Duration kIdleProbeTime = 60s;
constexpr size_t kFairShareChannels = 16;

double Seconds(Duration d) { return std::chrono::duration<double>(d).count(); }
double Millis(Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// The transfer's content: a fixed pseudo-random table repeated, so the
// receiver can check every byte at any offset.
class Pattern {
 public:
  static constexpr size_t kPeriod = 65521;  // prime: misplaced chunks never line up
  static constexpr size_t kWindow = 256 * 1024;

  Pattern() : bytes_(kPeriod + kWindow) {
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < bytes_.size(); ++i) {
      if (i < kPeriod) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes_[i] = static_cast<char>(x);
      } else {
        bytes_[i] = bytes_[i - kPeriod];
      }
    }
  }

  // Up to kWindow bytes of content starting at `offset`.
  std::string_view At(uint64_t offset, uint64_t max) const {
    return std::string_view(bytes_.data() + offset % kPeriod,
                            static_cast<size_t>(std::min<uint64_t>(max, kWindow)));
  }

 private:
  std::vector<char> bytes_;
};

const Pattern& Content() {
  static const Pattern* pattern = new Pattern();
  return *pattern;
}

struct Percentiles {
  double p50 = 0;
  double p95 = 0;
  size_t samples = 0;
};

Percentiles DelayPercentiles(std::vector<Duration> delays) {
  Percentiles p;
  p.samples = delays.size();
  if (delays.empty()) return p;
  std::sort(delays.begin(), delays.end());
  auto at = [&](double q) {
    const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(delays.size())));
    return Millis(delays[std::clamp<size_t>(rank, 1, delays.size()) - 1]);
  };
  p.p50 = at(0.50);
  p.p95 = at(0.95);
  return p;
}

struct TransferResult {
  bool finished = false;
  bool corrupt = false;
  double seconds = 0;
  uint64_t bytes = 0;         // received by the client, all channels
  double goodput = 0;         // bytes per second
  double retransmitted = 0;   // share of stream bytes sent again
  Percentiles keys;           // probe delay while the transfer ran
  double jain = 1;            // per-channel fairness when the first channel finished
  double first_done = 0;      // seconds until the first channel finished
  uint64_t packets_lost = 0;  // server side, as loss recovery declared them
  uint64_t final_cwnd = 0;
};

// Moves `total` bytes from the server to the client over `channels`
// channels, each carrying an equal share.
TransferResult RunTransfer(MuxConfig config, CongestionAlgorithm algorithm,
                           const netsim::Profile& profile, uint64_t total, size_t channels,
                           uint64_t seed, Duration trace) {
  config.congestion = algorithm;
  LinkSim sim(config, profile, seed);
  const uint64_t share = total / channels;

  struct Sending {
    uint64_t written = 0;
    bool closed = false;
  };
  struct Receiving {
    uint64_t id = 0;
    uint64_t received = 0;
    bool eof = false;
  };
  std::map<uint64_t, Sending> sending;  // server side, by channel id
  std::vector<Receiving> receiving;     // client side
  for (size_t i = 0; i < channels; ++i) {
    Result<uint64_t> id = sim.client().Open("bulk", sim.Now());
    if (!id.ok()) {
      std::fprintf(stderr, "open failed: %s\n", id.status().ToString().c_str());
      std::exit(1);
    }
    receiving.push_back(Receiving{*id});
  }

  TransferResult result;
  const TimePoint start = sim.Now();
  std::optional<TimePoint> first_done;
  std::vector<uint64_t> received_at_first_done;
  size_t done = 0;
  std::string buffer;
  TimePoint next_trace = start;
  sim.application = [&](TimePoint now) {
    if (trace > Duration::zero() && now >= next_trace) {
      next_trace += trace;
      uint64_t received = 0;
      for (const Receiving& r : receiving) received += r.received;
      const Mux& m = sim.server();
      std::printf(
          "  t=%7.3f recv=%10llu cwnd=%8llu inflight=%8llu srtt=%6.1fms min=%6.1fms "
          "lost=%llu queue=%llu\n",
          Seconds(now - start), static_cast<unsigned long long>(received),
          static_cast<unsigned long long>(m.congestion_window()),
          static_cast<unsigned long long>(m.bytes_in_flight()), Millis(m.rtt().smoothed()),
          Millis(m.rtt().min()), static_cast<unsigned long long>(m.loss_stats().packets_lost),
          static_cast<unsigned long long>(sim.down_backlog()));
    }
    for (const MuxEvent& e : sim.server().TakeEvents()) {
      if (e.kinds & MuxEvent::kIncoming) {
        (void)sim.server().Accept(e.id);
        sending[e.id];
      }
    }
    for (auto& [id, s] : sending) {
      while (s.written < share) {
        const size_t n = sim.server().Write(id, Content().At(s.written, share - s.written));
        if (n == 0) break;
        s.written += n;
      }
      if (s.written == share && !s.closed) {
        sim.server().CloseWrite(id);
        s.closed = true;
      }
    }
    for (Receiving& r : receiving) {
      if (r.eof) continue;
      buffer.clear();
      sim.client().Read(r.id, &buffer, 1 << 20);
      if (!buffer.empty()) {
        // The request and reply headers are not content; the reply is read
        // by the Mux itself, so every byte here is payload.
        for (size_t at = 0; at < buffer.size();) {
          const std::string_view want = Content().At(r.received + at, buffer.size() - at);
          if (std::string_view(buffer).substr(at, want.size()) != want) result.corrupt = true;
          at += want.size();
        }
        r.received += buffer.size();
      }
      std::optional<ChannelInfo> info = sim.client().Info(r.id);
      if (info && info->eof) {
        r.eof = true;
        ++done;
        if (!first_done) {
          first_done = now;
          for (const Receiving& x : receiving) received_at_first_done.push_back(x.received);
        }
      }
    }
  };
  sim.SetKeystrokes(true);
  result.finished = sim.RunUntil([&] { return done == channels; }, kTransferLimit);
  const TimePoint end = sim.Now();

  for (const Receiving& r : receiving) result.bytes += r.received;
  result.seconds = Seconds(end - start);
  result.goodput = static_cast<double>(result.bytes) / std::max(result.seconds, 1e-9);
  uint64_t retransmitted = 0;
  uint64_t written = 0;
  for (const auto& [id, s] : sending) {
    written += s.written;
    if (std::optional<ChannelInfo> info = sim.server().Info(id)) {
      retransmitted += info->stats.bytes_retransmitted;
    }
  }
  result.retransmitted =
      written == 0 ? 0 : static_cast<double>(retransmitted) / static_cast<double>(written);
  result.keys = DelayPercentiles(sim.keystroke_delays());
  result.packets_lost = sim.server().loss_stats().packets_lost;
  result.final_cwnd = sim.server().congestion_window();
  if (received_at_first_done.empty()) {
    for (const Receiving& x : receiving) received_at_first_done.push_back(x.received);
  }
  double sum = 0;
  double squares = 0;
  for (uint64_t b : received_at_first_done) {
    sum += static_cast<double>(b);
    squares += static_cast<double>(b) * static_cast<double>(b);
  }
  result.jain =
      squares == 0 ? 1 : sum * sum / (static_cast<double>(received_at_first_done.size()) * squares);
  result.first_done = first_done ? Seconds(*first_done - start) : result.seconds;
  return result;
}

// The probe's delay on the idle link.
Percentiles IdleKeystrokes(const netsim::Profile& profile, uint64_t seed) {
  LinkSim sim(MuxConfig{}, profile, seed);
  sim.SetKeystrokes(true);
  sim.RunUntil([] { return false; }, kIdleProbeTime);
  return DelayPercentiles(sim.keystroke_delays());
}

std::string_view AlgorithmName(CongestionAlgorithm a) {
  switch (a) {
    case CongestionAlgorithm::kNewReno:
      return "newreno";
    case CongestionAlgorithm::kCubic:
      return "cubic";
    case CongestionAlgorithm::kBbr:
      return "bbr";
  }
  return "?";
}

std::optional<CongestionAlgorithm> ParseAlgorithm(std::string_view name) {
  for (CongestionAlgorithm a :
       {CongestionAlgorithm::kNewReno, CongestionAlgorithm::kCubic, CongestionAlgorithm::kBbr}) {
    if (AlgorithmName(a) == name) return a;
  }
  return std::nullopt;
}

std::string LinkRate(const netsim::Profile& p) {
  if (p.down.rate_bytes_per_sec == 0) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", static_cast<double>(p.down.rate_bytes_per_sec) / 1e6);
  return text;
}

struct Options {
  uint64_t bytes = 64ull << 20;
  uint64_t seed = 1;
  std::vector<std::string> profiles;
  std::vector<CongestionAlgorithm> algorithms;
  bool fair_share = true;
  bool json = false;
  Duration trace{};
  MuxConfig mux;
  std::vector<std::string> link_flags;  // netsim overrides applied to every profile
};

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr,
               "channel_cc_bench: %s\nusage: channel_cc_bench [--quick] [--bytes N] [--seed N] "
               "[--profile NAME]... [--algorithm newreno|cubic|bbr]... [--no-fair-share] "
               "[--send-buffer BYTES] [--trace-ms MS] [netsim link flags]\n",
               why);
  std::exit(2);
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage("missing value");
      return argv[++i];
    };
    if (arg == "--quick" || arg.rfind("--benchmark_min_time", 0) == 0) {
      o.bytes = 8ull << 20;
    } else if (arg == "--benchmark_format=json") {
      o.json = true;
    } else if (arg.rfind("--benchmark_", 0) == 0) {
      // Other Google Benchmark flags mean nothing here.
    } else if (arg == "--bytes") {
      o.bytes = std::strtoull(value().c_str(), nullptr, 10);
      if (o.bytes < kFairShareChannels) Usage("--bytes too small");
    } else if (arg == "--seed") {
      o.seed = std::strtoull(value().c_str(), nullptr, 10);
    } else if (arg == "--profile") {
      o.profiles.push_back(value());
    } else if (arg == "--algorithm") {
      std::optional<CongestionAlgorithm> a = ParseAlgorithm(value());
      if (!a) Usage("unknown algorithm");
      o.algorithms.push_back(*a);
    } else if (arg == "--send-buffer") {
      o.mux.stream_send_buffer = std::strtoull(value().c_str(), nullptr, 10);
    } else if (arg == "--delay-ms" || arg == "--jitter-ms" || arg == "--loss" || arg == "--burst" ||
               arg == "--reorder" || arg == "--reorder-ms" || arg == "--duplicate" ||
               arg == "--rate-kbit" || arg == "--queue-bytes" || arg == "--outage") {
      o.link_flags.push_back(std::string(arg));
      o.link_flags.push_back(value());
    } else if (arg == "--trace-ms") {
      o.trace = std::chrono::milliseconds(std::strtoull(value().c_str(), nullptr, 10));
    } else if (arg == "--no-fair-share") {
      o.fair_share = false;
    } else {
      Usage("unknown argument");
    }
  }
  if (o.profiles.empty()) o.profiles = {"lan", "wifi", "lte", "3g", "intercontinental", "lossy"};
  if (o.algorithms.empty()) {
    o.algorithms = {CongestionAlgorithm::kNewReno, CongestionAlgorithm::kCubic,
                    CongestionAlgorithm::kBbr};
  }
  return o;
}

int Main(int argc, char** argv) {
  const Options options = Parse(argc, argv);
  std::string json = "{\"benchmarks\": [";
  bool first_json = true;
  if (!options.json) {
    std::printf(
        "%.1f MiB server->client, seed %llu, limit %.0f s; keystroke probe %zu B every %.0f ms "
        "through the same queue\n\n",
        static_cast<double>(options.bytes) / 1048576, static_cast<unsigned long long>(options.seed),
        Seconds(kTransferLimit), kKeystrokeBytes, Millis(kKeystrokeInterval));
    std::printf("%-16s %-7s %6s | %8s %8s %6s %6s | %-13s %-13s | %8s %5s\n", "profile", "algo",
                "link", "MB/s", "time s", "retx%", "lost", "key idle p50/95", "loaded p50/95",
                "16ch MB/s", "jain");
  }
  for (const std::string& name : options.profiles) {
    std::vector<std::string> args = {"--profile", name};
    args.insert(args.end(), options.link_flags.begin(), options.link_flags.end());
    Result<netsim::ProfileArgs> parsed = netsim::ParseProfileArgs(args);
    if (!parsed.ok()) Usage(parsed.status().ToString().c_str());
    const netsim::Profile* profile = &parsed->profile;
    const Percentiles idle = IdleKeystrokes(*profile, options.seed);
    for (CongestionAlgorithm algorithm : options.algorithms) {
      const TransferResult one = RunTransfer(options.mux, algorithm, *profile, options.bytes, 1,
                                             options.seed, options.trace);
      std::optional<TransferResult> many;
      if (options.fair_share) {
        many = RunTransfer(options.mux, algorithm, *profile, options.bytes, kFairShareChannels,
                           options.seed, Duration::zero());
      }
      if (one.corrupt || (many && many->corrupt)) {
        std::fprintf(stderr, "%s/%s: received bytes differ from those sent\n", name.c_str(),
                     std::string(AlgorithmName(algorithm)).c_str());
      }
      if (options.json) {
        char entry[512];
        std::snprintf(entry, sizeof entry,
                      "%s\n  {\"name\": \"channel_cc/%s/%s\", \"iterations\": 1, "
                      "\"real_time\": %.6f, \"cpu_time\": %.6f, \"time_unit\": \"s\", "
                      "\"bytes_per_second\": %.1f, \"retransmitted\": %.4f, "
                      "\"key_idle_p95_ms\": %.2f, \"key_loaded_p95_ms\": %.2f}",
                      first_json ? "" : ",", name.c_str(),
                      std::string(AlgorithmName(algorithm)).c_str(), one.seconds, one.seconds,
                      one.goodput, one.retransmitted, idle.p95, one.keys.p95);
        json += entry;
        first_json = false;
        continue;
      }
      char time[32];
      std::snprintf(time, sizeof time, one.finished ? "%.2f" : ">%.0f", one.seconds);
      char idle_keys[32];
      char loaded_keys[32];
      std::snprintf(idle_keys, sizeof idle_keys, "%.1f/%.1f", idle.p50, idle.p95);
      std::snprintf(loaded_keys, sizeof loaded_keys, "%.1f/%.1f", one.keys.p50, one.keys.p95);
      char many_goodput[32] = "-";
      char many_jain[32] = "-";
      if (many) {
        std::snprintf(many_goodput, sizeof many_goodput, many->finished ? "%.2f" : "%.2f*",
                      many->goodput / 1e6);
        std::snprintf(many_jain, sizeof many_jain, "%.3f", many->jain);
      }
      std::printf("%-16s %-7s %6s | %8.3f %8s %6.1f %6llu | %-13s %-13s | %8s %5s\n", name.c_str(),
                  std::string(AlgorithmName(algorithm)).c_str(), LinkRate(*profile).c_str(),
                  one.goodput / 1e6, time, one.retransmitted * 100,
                  static_cast<unsigned long long>(one.packets_lost), idle_keys, loaded_keys,
                  many_goodput, many_jain);
      std::fflush(stdout);
    }
  }
  if (options.json) {
    json += "\n]}\n";
    std::fputs(json.c_str(), stdout);
  } else {
    std::printf(
        "\nlink = server->client bottleneck, MB/s (10^6 B/s); '-' = no rate cap. "
        "time '>N' = not finished in the limit (MB/s then counts what arrived). "
        "retx%% = stream bytes sent again / bytes written. lost = packets declared lost "
        "by the sender. key = one-way delay of the keystroke probe, ms. 16ch = the same "
        "bytes over 16 channels ('*' = not finished); jain = fairness of their progress.\n");
  }
  return 0;
}

}  // namespace
}  // namespace roam::channel::bench

int main(int argc, char** argv) { return roam::channel::bench::Main(argc, argv); }
