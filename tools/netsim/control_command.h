// ControlCommand: one line of the simulator's control channel, and the line
// splitter that reads them from a FIFO or stdin.
//
// Scripted tests and benchmarks steer a running relay with text lines:
//   rebind [IP]       new upstream source port (and source IP, e.g. 127.0.0.2)
//   outage SECONDS    drop (UDP) or stall (TCP) everything for SECONDS from now
//   profile NAME      switch both directions to a named profile
//   move [IP]         (packet-level link only) move the client's address to IP,
//                     or to the next free one, as when a laptop changes network
//   block udp|none    (packet-level link only) drop every UDP packet both ways,
//                     as a network that blocks UDP; `none` lets it through again
// Blank lines and lines starting with '#' are ignored.

#ifndef ROAM_NETSIM_CONTROL_COMMAND_H_
#define ROAM_NETSIM_CONTROL_COMMAND_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"

namespace roam::netsim {

struct ControlCommand {
  enum class Kind { kRebind, kOutage, kProfile, kMove, kBlock };
  Kind kind = Kind::kRebind;
  std::string arg;       // kRebind, kMove: an IP or empty; kProfile: the name;
                         // kBlock: "udp" or "none"
  Duration duration{0};  // kOutage
};

// Parses one line (without its newline). Returns nullopt for a blank or
// comment line. Errors: kInvalidArgument naming the problem (unknown verb,
// missing or malformed argument, outage longer than an hour).
Result<std::optional<ControlCommand>> ParseControlCommand(std::string_view line);

// Splits a byte stream into lines. Lines longer than kMaxLineBytes are
// discarded whole and counted, so a runaway writer cannot grow memory.
class ControlLineSplitter {
 public:
  static constexpr size_t kMaxLineBytes = 256;

  // Appends `bytes`; returns every line completed by them, in order.
  std::vector<std::string> Append(std::string_view bytes);
  uint64_t overlong_lines() const { return overlong_lines_; }

 private:
  std::string partial_;
  bool discarding_ = false;
  uint64_t overlong_lines_ = 0;
};

}  // namespace roam::netsim

#endif  // ROAM_NETSIM_CONTROL_COMMAND_H_
