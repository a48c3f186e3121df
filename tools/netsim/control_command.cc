// ControlCommand: parsing control lines and splitting a stream into them.

#include "netsim/control_command.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace roam::netsim {
namespace {

constexpr double kMaxOutageSeconds = 3600;

std::vector<std::string> Words(std::string_view line) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const size_t begin = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > begin) words.emplace_back(line.substr(begin, i - begin));
  }
  return words;
}

}  // namespace

Result<std::optional<ControlCommand>> ParseControlCommand(std::string_view line) {
  const std::vector<std::string> w = Words(line);
  if (w.empty() || w[0][0] == '#') return std::optional<ControlCommand>();
  ControlCommand cmd;
  if (w[0] == "rebind") {
    if (w.size() > 2) return InvalidArgument("rebind: want 'rebind [IP]'");
    cmd.kind = ControlCommand::Kind::kRebind;
    if (w.size() == 2) cmd.arg = w[1];
    return std::optional<ControlCommand>(cmd);
  }
  if (w[0] == "move") {
    if (w.size() > 2) return InvalidArgument("move: want 'move [IP]'");
    cmd.kind = ControlCommand::Kind::kMove;
    if (w.size() == 2) cmd.arg = w[1];
    return std::optional<ControlCommand>(cmd);
  }
  if (w[0] == "outage") {
    if (w.size() != 2) return InvalidArgument("outage: want 'outage SECONDS'");
    errno = 0;
    char* end = nullptr;
    const double s = std::strtod(w[1].c_str(), &end);
    if (errno != 0 || end != w[1].c_str() + w[1].size() || !std::isfinite(s) || s <= 0 ||
        s > kMaxOutageSeconds) {
      return InvalidArgument("outage: bad seconds '" + w[1] + "' (want (0, 3600])");
    }
    cmd.kind = ControlCommand::Kind::kOutage;
    cmd.duration = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
    return std::optional<ControlCommand>(cmd);
  }
  if (w[0] == "block") {
    if (w.size() != 2 || (w[1] != "udp" && w[1] != "none")) {
      return InvalidArgument("block: want 'block udp' or 'block none'");
    }
    cmd.kind = ControlCommand::Kind::kBlock;
    cmd.arg = w[1];
    return std::optional<ControlCommand>(cmd);
  }
  if (w[0] == "profile") {
    if (w.size() != 2) return InvalidArgument("profile: want 'profile NAME'");
    cmd.kind = ControlCommand::Kind::kProfile;
    cmd.arg = w[1];
    return std::optional<ControlCommand>(cmd);
  }
  return InvalidArgument("unknown control command '" + w[0] + "'");
}

std::vector<std::string> ControlLineSplitter::Append(std::string_view bytes) {
  std::vector<std::string> lines;
  for (char c : bytes) {
    if (c == '\n') {
      if (discarding_) {
        discarding_ = false;
      } else {
        lines.push_back(std::move(partial_));
      }
      partial_.clear();
      continue;
    }
    if (discarding_) continue;
    if (partial_.size() >= kMaxLineBytes) {
      ++overlong_lines_;
      discarding_ = true;
      partial_.clear();
      continue;
    }
    partial_.push_back(c);
  }
  return lines;
}

}  // namespace roam::netsim
