// Fuzz target: the simulator's text inputs. The input is read twice: split on
// whitespace as command-line profile flags (ParseProfileArgs), and as a stream
// of control lines (ControlLineSplitter + ParseControlCommand). Whatever
// parses is applied to link models in both modes and a few packets are sent
// through, checking the model's promises: delivery never before arrival,
// stream mode delivers exactly once and in order, and the counters add up.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/check.h"
#include "netsim/control_command.h"
#include "netsim/link_model.h"
#include "netsim/profile.h"

namespace {

using roam::netsim::LinkConfig;
using roam::netsim::LinkMode;
using roam::netsim::LinkModel;

constexpr int kPackets = 64;

void Exercise(const LinkConfig& config, uint64_t seed, const std::vector<std::string>& lines) {
  const roam::TimePoint start = roam::FromMillis(1'000'000);
  for (LinkMode mode : {LinkMode::kDatagram, LinkMode::kStream}) {
    LinkModel link(config, seed, start, mode);
    for (const std::string& line : lines) {
      roam::Result<std::optional<roam::netsim::ControlCommand>> cmd =
          roam::netsim::ParseControlCommand(line);
      if (cmd.ok() && cmd->has_value() &&
          (*cmd)->kind == roam::netsim::ControlCommand::Kind::kOutage) {
        link.AddOutageNow(start, (*cmd)->duration);
      }
    }
    roam::TimePoint last = start;
    uint64_t copies = 0;
    for (int i = 0; i < kPackets; ++i) {
      const roam::TimePoint now = start + std::chrono::milliseconds(7 * i);
      for (const roam::netsim::Delivery& d : link.Send(std::string(100 + i, 'p'), now)) {
        ROAM_CHECK(d.at >= now);
        ++copies;
        if (mode == LinkMode::kStream) {
          ROAM_CHECK(d.at >= last);
          last = d.at;
        }
      }
    }
    const roam::netsim::LinkCounters& c = link.counters();
    ROAM_CHECK(c.received == kPackets);
    ROAM_CHECK(copies == c.passed + c.duplicated);
    if (mode == LinkMode::kStream) {
      ROAM_CHECK(c.passed == kPackets && c.duplicated == 0 && c.reordered == 0);
    } else {
      ROAM_CHECK(c.passed + c.lost_random + c.lost_burst + c.lost_outage + c.dropped_queue ==
                 kPackets);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  std::vector<std::string> args;
  std::string word;
  for (char ch : text) {
    if (ch == ' ' || ch == '\n' || ch == '\t') {
      if (!word.empty()) args.push_back(std::move(word));
      word.clear();
    } else {
      word.push_back(ch);
    }
  }
  if (!word.empty()) args.push_back(word);

  roam::netsim::ControlLineSplitter splitter;
  std::vector<std::string> lines = splitter.Append(text);
  lines.push_back("outage 1");  // a well-formed line always takes part too

  roam::Result<roam::netsim::ProfileArgs> parsed = roam::netsim::ParseProfileArgs(args);
  if (parsed.ok()) {
    Exercise(parsed->profile.up, parsed->seed, lines);
    Exercise(parsed->profile.down, parsed->seed, lines);
  } else {
    ROAM_CHECK(parsed.status().code() == roam::StatusCode::kInvalidArgument);
  }
  return 0;
}
