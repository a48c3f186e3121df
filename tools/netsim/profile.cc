// Profile: the named link settings of profile.h and the parser of their
// command-line overrides.

#include "netsim/profile.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <utility>

namespace roam::netsim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr uint64_t kKibibyte = 1024;
// Longest time any flag may name: the relay itself runs at most an hour.
constexpr double kMaxSeconds = 3600;

constexpr uint64_t MbitPerSec(uint64_t mbit) { return mbit * 1'000'000 / 8; }

LinkConfig Symmetric(Duration delay, Duration jitter, double loss) {
  LinkConfig c;
  c.delay = delay;
  c.jitter = jitter;
  c.loss = loss;
  return c;
}

Profile Make(std::string name, LinkConfig both) { return Profile{std::move(name), both, both}; }

Profile Lte(std::string name) {
  Profile p = Make(std::move(name), Symmetric(milliseconds(30), milliseconds(10), 0.002));
  p.down.rate_bytes_per_sec = MbitPerSec(20);
  p.up.rate_bytes_per_sec = MbitPerSec(5);
  p.down.queue_bytes = p.up.queue_bytes = 256 * kKibibyte;
  return p;
}

Duration Seconds(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

// Parses a whole string as a finite double.
std::optional<double> ParseDouble(const std::string& text) {
  if (text.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (errno != 0 || end != text.c_str() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

Status BadValue(const std::string& flag, const std::string& value, const char* why) {
  return InvalidArgument(flag + ": bad value '" + value + "' (" + why + ")");
}

Result<double> Probability(const std::string& flag, const std::string& value) {
  std::optional<double> v = ParseDouble(value);
  if (!v || *v < 0 || *v > 1) return BadValue(flag, value, "want a probability in [0, 1]");
  return *v;
}

Result<Duration> Millis(const std::string& flag, const std::string& value) {
  std::optional<double> v = ParseDouble(value);
  if (!v || *v < 0 || *v > kMaxSeconds * 1000) {
    return BadValue(flag, value, "want milliseconds in [0, 3600000]");
  }
  return Seconds(*v / 1000);
}

Result<Duration> SecondsFlag(const std::string& flag, const std::string& value) {
  std::optional<double> v = ParseDouble(value);
  if (!v || *v < 0 || *v > kMaxSeconds) return BadValue(flag, value, "want seconds in [0, 3600]");
  return Seconds(*v);
}

Result<uint64_t> Count(const std::string& flag, const std::string& value, double max) {
  std::optional<double> v = ParseDouble(value);
  if (!v || *v < 0 || *v > max || std::floor(*v) != *v) {
    return BadValue(flag, value, "want a whole non-negative number");
  }
  return static_cast<uint64_t>(*v);
}

// Splits "a<sep>b<sep>c" into parts.
std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t begin = 0;
  while (true) {
    const size_t at = text.find(sep, begin);
    parts.push_back(text.substr(begin, at == std::string::npos ? std::string::npos : at - begin));
    if (at == std::string::npos) break;
    begin = at + 1;
  }
  return parts;
}

const char* const kFlagsWithValue[] = {
    "--profile",     "--outage-start", "--delay-ms",   "--jitter-ms", "--loss",
    "--burst",       "--reorder",      "--reorder-ms", "--duplicate", "--rate-kbit",
    "--queue-bytes", "--outage",       "--seed",
};

bool IsProfileFlag(std::string_view flag) {
  for (const char* f : kFlagsWithValue) {
    if (flag == f) return true;
  }
  return false;
}

// Applies `apply` to both directions of `p`.
template <typename F>
void Both(Profile* p, F apply) {
  apply(&p->up);
  apply(&p->down);
}

}  // namespace

std::vector<std::string> ProfileNames() {
  return {"lan", "wifi", "lte", "3g", "intercontinental", "lossy", "outage"};
}

Result<Profile> ProfileByName(std::string_view name, Duration outage_start) {
  if (name == "lan") return Make("lan", Symmetric(microseconds(250), Duration::zero(), 0));
  if (name == "wifi") {
    Profile p = Make("wifi", Symmetric(microseconds(2500), milliseconds(2), 0.005));
    p.up.rate_bytes_per_sec = p.down.rate_bytes_per_sec = MbitPerSec(50);
    p.up.queue_bytes = p.down.queue_bytes = 256 * kKibibyte;
    return p;
  }
  if (name == "lte") return Lte("lte");
  if (name == "3g") {
    Profile p = Make("3g", Symmetric(milliseconds(250), milliseconds(20), 0.01));
    p.down.rate_bytes_per_sec = MbitPerSec(2);
    p.up.rate_bytes_per_sec = MbitPerSec(1);
    p.up.queue_bytes = p.down.queue_bytes = 64 * kKibibyte;
    return p;
  }
  if (name == "intercontinental") {
    return Make("intercontinental", Symmetric(milliseconds(150), milliseconds(2), 0.001));
  }
  if (name == "lossy") return Make("lossy", Symmetric(milliseconds(50), Duration::zero(), 0.29));
  if (name == "outage") {
    Profile p = Lte("outage");
    Both(&p, [&](LinkConfig* c) { c->outages.push_back({outage_start, kOutageProfileLength}); });
    return p;
  }
  std::string known;
  for (const std::string& n : ProfileNames()) known += (known.empty() ? "" : ", ") + n;
  return InvalidArgument("unknown profile '" + std::string(name) + "' (known: " + known + ")");
}

Result<ProfileArgs> ParseProfileArgs(const std::vector<std::string>& args) {
  ProfileArgs out;
  std::string profile_name = "lan";
  Duration outage_start = kDefaultOutageStart;
  std::vector<std::pair<std::string, std::string>> overrides;

  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    bool has_inline_value = false;
    if (const size_t eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      has_inline_value = true;
    }
    if (!IsProfileFlag(flag)) {
      out.rest.push_back(args[i]);
      continue;
    }
    if (!has_inline_value) {
      if (i + 1 >= args.size()) return InvalidArgument(flag + ": missing value");
      value = args[++i];
    }
    if (flag == "--profile") {
      profile_name = value;
    } else if (flag == "--outage-start") {
      Result<Duration> d = SecondsFlag(flag, value);
      if (!d.ok()) return d.status();
      outage_start = *d;
    } else if (flag == "--seed") {
      Result<uint64_t> n = Count(flag, value, 9.0e15);
      if (!n.ok()) return n.status();
      out.seed = *n;
    } else {
      overrides.emplace_back(flag, value);
    }
  }

  Result<Profile> base = ProfileByName(profile_name, outage_start);
  if (!base.ok()) return base.status();
  out.profile = std::move(base).value();
  Profile* p = &out.profile;

  for (const auto& override_flag : overrides) {
    // Named copies: clang 14 cannot capture structured bindings in lambdas.
    const std::string& flag = override_flag.first;
    const std::string& value = override_flag.second;
    if (flag == "--delay-ms" || flag == "--jitter-ms" || flag == "--reorder-ms") {
      Result<Duration> d = Millis(flag, value);
      if (!d.ok()) return d.status();
      Both(p, [&](LinkConfig* c) {
        (flag == "--delay-ms"    ? c->delay
         : flag == "--jitter-ms" ? c->jitter
                                 : c->reorder_extra) = *d;
      });
    } else if (flag == "--loss" || flag == "--reorder" || flag == "--duplicate") {
      Result<double> v = Probability(flag, value);
      if (!v.ok()) return v.status();
      Both(p, [&](LinkConfig* c) {
        (flag == "--loss" ? c->loss : flag == "--reorder" ? c->reorder : c->duplicate) = *v;
      });
    } else if (flag == "--burst") {
      const std::vector<std::string> parts = Split(value, ',');
      if (parts.size() != 3) return BadValue(flag, value, "want P_GB,P_BG,LOSS_BAD");
      BurstLoss burst;
      Result<double> gb = Probability(flag, parts[0]);
      Result<double> bg = Probability(flag, parts[1]);
      Result<double> lb = Probability(flag, parts[2]);
      if (!gb.ok()) return gb.status();
      if (!bg.ok()) return bg.status();
      if (!lb.ok()) return lb.status();
      burst.p_good_to_bad = *gb;
      burst.p_bad_to_good = *bg;
      burst.loss_good = 0;
      burst.loss_bad = *lb;
      Both(p, [&](LinkConfig* c) { c->burst = burst; });
    } else if (flag == "--rate-kbit") {
      Result<uint64_t> k = Count(flag, value, 1e8);
      if (!k.ok()) return k.status();
      Both(p, [&](LinkConfig* c) { c->rate_bytes_per_sec = *k * 1000 / 8; });
    } else if (flag == "--queue-bytes") {
      Result<uint64_t> b = Count(flag, value, 1e10);
      if (!b.ok()) return b.status();
      if (*b == 0) return BadValue(flag, value, "want at least one byte");
      Both(p, [&](LinkConfig* c) { c->queue_bytes = *b; });
    } else if (flag == "--outage") {
      const std::vector<std::string> parts = Split(value, ':');
      if (parts.size() != 2) return BadValue(flag, value, "want START_S:DURATION_S");
      Result<Duration> start = SecondsFlag(flag, parts[0]);
      Result<Duration> length = SecondsFlag(flag, parts[1]);
      if (!start.ok()) return start.status();
      if (!length.ok()) return length.status();
      Both(p, [&](LinkConfig* c) { c->outages.push_back({*start, *length}); });
    }
  }
  return out;
}

}  // namespace roam::netsim
