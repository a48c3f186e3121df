// Profile: a named pair of link settings (client->server and server->client)
// that reproduces a kind of real network, plus the command-line overrides
// that adjust one.
//
// The numbers, one-way unless stated, and why:
//
//   name              delay   jitter  loss    rate down / up      queue
//   lan               0.25ms  0       0       unlimited           -
//     A switched wired LAN: ~0.5 ms RTT, nothing lost.
//   wifi              2.5ms   2ms     0.5%    50 / 50 Mbit/s      256 KiB
//     A home 802.11 network: a few ms RTT, airtime contention adds jitter,
//     link-layer retries hide most loss but a little gets through.
//   lte               30ms    10ms    0.2%    20 / 5 Mbit/s       256 KiB
//     A good 4G cell: 50-70 ms RTT, scheduler jitter, a slower uplink.
//   3g                250ms   20ms    1%      2 / 1 Mbit/s        64 KiB
//     HSPA on a loaded cell: 500 ms RTT (the case Mosh's paper measures),
//     1-2 Mbit/s, a queue of about a quarter second at the downlink rate.
//   intercontinental  150ms   2ms     0.1%    unlimited           -
//     A transoceanic path: 300 ms RTT from distance, little jitter or loss.
//   lossy             50ms    0       29%     unlimited           -
//     The Mosh paper's netem case: 100 ms RTT, 29% loss each way.
//   outage            30ms    10ms    0.2%    20 / 5 Mbit/s       256 KiB
//     lte with a 10 s outage in both directions, starting at a configurable
//     time (default 5 s after start): a tunnel, a lift, a Wi-Fi handover.
//
// "down" is server->client, "up" is client->server.

#ifndef ROAM_NETSIM_PROFILE_H_
#define ROAM_NETSIM_PROFILE_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "netsim/link_model.h"

namespace roam::netsim {

inline constexpr Duration kDefaultOutageStart = std::chrono::seconds(5);
inline constexpr Duration kOutageProfileLength = std::chrono::seconds(10);

struct Profile {
  std::string name;
  LinkConfig up;    // client -> server
  LinkConfig down;  // server -> client
};

// The names ProfileByName accepts, in the order of the table above.
std::vector<std::string> ProfileNames();

// Returns the named profile. `outage_start` places the outage of the
// "outage" profile (ignored by the others).
// Errors: kInvalidArgument for an unknown name (the message lists the known ones).
Result<Profile> ProfileByName(std::string_view name, Duration outage_start = kDefaultOutageStart);

// The result of ParseProfileArgs.
struct ProfileArgs {
  Profile profile;
  uint64_t seed = 1;
  std::vector<std::string> rest;  // arguments that were not profile flags, in order
};

// Parses the profile flags out of `args` (each as "--flag VALUE" or
// "--flag=VALUE"):
//   --profile NAME            start from a named profile (default: lan)
//   --outage-start S          where the "outage" profile's outage begins
//   --delay-ms MS             one-way delay, both directions
//   --jitter-ms MS            jitter, both directions
//   --loss P                  independent loss probability, both directions
//   --burst PGB,PBG,LOSSBAD   Gilbert-Elliott chain (loss in good state 0)
//   --reorder P               probability a packet is held back
//   --reorder-ms MS           how long a reordered packet is held back
//   --duplicate P             duplication probability
//   --rate-kbit K             bottleneck rate in kbit/s, both directions (0 = none)
//   --queue-bytes B           bottleneck queue limit
//   --outage START_S:DURATION_S   extra outage window (repeatable)
//   --seed N                  random seed
// Overrides apply to both directions after the profile, whatever their order.
// Everything else is returned in `rest` for the caller to parse.
// Errors: kInvalidArgument naming the flag (unknown profile, missing value,
// malformed number, probability outside [0, 1], negative or > 1 h time).
Result<ProfileArgs> ParseProfileArgs(const std::vector<std::string>& args);

}  // namespace roam::netsim

#endif  // ROAM_NETSIM_PROFILE_H_
