// HistoryState diffs and their application (docs/protocol.md §8.5).

#include "state/history_state.h"

#include <algorithm>

#include "term/scrollback.h"
#include "wire/roam_extensions.pb.h"

namespace roam::state {

namespace {

// The encoded size of the lines a diff may carry, with room for the
// encoding's overhead (checked before anything is decoded).
constexpr size_t kMaxInlineWireBytes = 4 * kMaxInlineBytes;

}  // namespace

bool ValidHistoryLine(std::string_view encoded) {
  // The width comes first (a LEB128 varint): refuse a wide line before a
  // row of that width is allocated.
  uint64_t width = 0;
  size_t i = 0;
  for (int shift = 0; i < encoded.size() && shift < 28; shift += 7) {
    const auto b = static_cast<unsigned char>(encoded[i++]);
    width |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) break;
  }
  if (width == 0 || width > static_cast<uint64_t>(kMaxHistoryLineWidth)) return false;
  term::Row row(1, term::kDefaultColor);
  return term::DecodeScrollbackLine(encoded, &row);
}

Result<size_t> ParseScrollbackLines(std::string_view text) {
  size_t n = 0;
  bool ok = !text.empty() && text.size() <= 9;
  for (char c : text) {
    if (c < '0' || c > '9') ok = false;
    if (ok) n = n * 10 + static_cast<size_t>(c - '0');
  }
  if (!ok || n > kMaxScrollbackLines) {
    return InvalidArgument("bad scrollback size \"" + std::string(text) + "\" (want 0 to " +
                           std::to_string(kMaxScrollbackLines) + " lines)");
  }
  return n;
}

void HistoryDiff(const HistoryState& old, const HistoryState& now, RoamBuffers::History* out) {
  out->set_end(now.end);
  out->set_erased_below(now.erased_below);
  out->set_erase_count(now.erase_count);
  for (const term::LineRange& r : now.resized) {
    RoamBuffers::HistoryRange* range = out->add_resized();
    range->set_first(r.first);
    range->set_end(r.end);
  }
  const uint64_t from = std::max(old.end, now.erased_below);
  if (from >= now.end || !now.recent || now.recent->first > from || now.recent->end() != now.end ||
      now.end - from > kMaxInlineLines) {
    return;
  }
  const std::vector<std::string>& lines = now.recent->lines;
  const size_t begin = static_cast<size_t>(from - now.recent->first);
  size_t bytes = 0;
  for (size_t i = begin; i < lines.size(); ++i) bytes += lines[i].size();
  if (bytes > kMaxInlineBytes) return;
  out->set_first(from);
  for (size_t i = begin; i < lines.size(); ++i) out->add_line(lines[i]);
}

Status ApplyHistory(const RoamBuffers::History& message, HistoryState* state) {
  if (!message.has_end()) return Malformed("history: no end");
  HistoryState next;
  next.end = message.end();
  next.erased_below = message.erased_below();
  next.erase_count = message.erase_count();
  if (next.end < state->end || next.erase_count < state->erase_count ||
      next.erased_below < state->erased_below) {
    return Malformed("history: a number decreased");
  }
  if (next.erased_below > next.end) return Malformed("history: erased beyond its end");
  if (static_cast<size_t>(message.resized_size()) > kMaxResizeRanges) {
    return Malformed("history: too many resize ranges");
  }
  for (const RoamBuffers::HistoryRange& r : message.resized()) {
    if (r.first() >= r.end() || r.end() > next.end) return Malformed("history: bad resize range");
    next.resized.push_back(term::LineRange{r.first(), r.end()});
  }
  if (message.line_size() > 0) {
    const uint64_t count = static_cast<uint64_t>(message.line_size());
    if (count > kMaxInlineLines) return Malformed("history: too many lines");
    if (message.first() < state->end || message.first() > next.end ||
        next.end - message.first() != count) {
      return Malformed("history: lines do not end at the history's end");
    }
    size_t bytes = 0;
    for (const std::string& line : message.line()) bytes += line.size();
    if (bytes > kMaxInlineWireBytes) return Malformed("history: lines too long");
    auto lines = std::make_shared<HistoryLines>();
    lines->first = message.first();
    lines->lines.reserve(static_cast<size_t>(count));
    for (const std::string& line : message.line()) {
      if (!ValidHistoryLine(line)) return Malformed("history: a line does not decode");
      lines->lines.push_back(line);
    }
    next.recent = std::move(lines);
  }
  *state = std::move(next);
  return Status::Ok();
}

}  // namespace roam::state
