// Fuzz target: the two things a roam server sends a native-scrollback client
// (docs/protocol.md §8.5, §9.13), chosen by the first byte:
//
//   even: the rest is a RoamBuffers.History message, applied to a state
//         that already holds lines. A refused message must leave the state
//         exactly as it was; an accepted one never lowers a number, keeps
//         erased_below <= end, ranges below end, and lines that end at
//         `end` and all decode; and the diff from the old state to the new
//         one, applied to the old state, gives the new one again.
//   odd:  the second byte is a chunk size, the rest history records fed to
//         a HistoryRecordReader in chunks of that size. Every record handed
//         out is a decodable line or a gap of at least one line, and the
//         records (and the point of any error) are the same as when the
//         bytes come in one piece.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/check.h"
#include "state/history_records.h"
#include "state/history_state.h"
#include "term/scrollback.h"
#include "wire/roam_extensions.pb.h"

namespace {

using roam::state::HistoryRecord;
using roam::state::HistoryRecordReader;
using roam::state::HistoryState;

// A client state after lines [90, 100) came with a diff, history erased once
// below line 40, and one resize range.
HistoryState Before() {
  HistoryState s;
  s.end = 100;
  s.erased_below = 40;
  s.erase_count = 1;
  s.resized.push_back(roam::term::LineRange{60, 62});
  auto lines = std::make_shared<roam::state::HistoryLines>();
  lines->first = 90;
  for (int i = 0; i < 10; ++i) {
    roam::term::Row row(8, roam::term::kDefaultColor);
    row.mutable_cell(0).set_code_point(static_cast<char32_t>('0' + i));
    row.mutable_cell(0).rend.fg = roam::term::PaletteColor(i);
    std::string line;
    roam::term::EncodeScrollbackLine(row, &line);
    lines->lines.push_back(line);
  }
  s.recent = lines;
  return s;
}

void CheckHistory(std::string_view bytes) {
  RoamBuffers::History message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return;
  const HistoryState before = Before();
  HistoryState state = before;
  roam::Status status = roam::state::ApplyHistory(message, &state);
  if (!status.ok()) {
    ROAM_CHECK(state == before);
    ROAM_CHECK(state.recent == before.recent);
    return;
  }
  ROAM_CHECK(state.end >= before.end);
  ROAM_CHECK(state.erase_count >= before.erase_count);
  ROAM_CHECK(state.erased_below >= before.erased_below);
  ROAM_CHECK(state.erased_below <= state.end);
  ROAM_CHECK(state.resized.size() <= roam::state::kMaxResizeRanges);
  for (const roam::term::LineRange& r : state.resized)
    ROAM_CHECK(r.first < r.end && r.end <= state.end);
  if (state.recent) {
    ROAM_CHECK(state.recent->end() == state.end);
    ROAM_CHECK(state.recent->first >= before.end);
    ROAM_CHECK(state.recent->lines.size() <= roam::state::kMaxInlineLines);
    for (const std::string& line : state.recent->lines) {
      ROAM_CHECK(roam::state::ValidHistoryLine(line));
    }
  }
  // The server's diff of the same change reproduces it.
  RoamBuffers::History diff;
  roam::state::HistoryDiff(before, state, &diff);
  HistoryState replay = before;
  ROAM_CHECK(roam::state::ApplyHistory(diff, &replay).ok());
  ROAM_CHECK(replay == state);
}

struct ReadResult {
  std::vector<HistoryRecord> records;
  bool failed = false;
};

ReadResult ReadInChunks(std::string_view bytes, size_t chunk) {
  HistoryRecordReader reader;
  ReadResult out;
  size_t pos = 0;
  while (pos < bytes.size() && !out.failed) {
    const size_t n = std::min(chunk, bytes.size() - pos);
    reader.Feed(bytes.substr(pos, n));
    pos += n;
    for (;;) {
      roam::Result<std::optional<HistoryRecord>> r = reader.Next();
      if (!r.ok()) {
        out.failed = true;
        break;
      }
      if (!r->has_value()) break;
      out.records.push_back(std::move(**r));
    }
  }
  if (!out.failed) ROAM_CHECK(reader.buffered() <= bytes.size());
  return out;
}

void CheckRecords(std::string_view bytes, size_t chunk) {
  const ReadResult whole = ReadInChunks(bytes, bytes.size() + 1);
  const ReadResult split = ReadInChunks(bytes, chunk);
  ROAM_CHECK(whole.failed == split.failed);
  ROAM_CHECK(whole.records.size() == split.records.size());
  for (size_t i = 0; i < whole.records.size(); ++i) {
    const HistoryRecord& a = whole.records[i];
    const HistoryRecord& b = split.records[i];
    ROAM_CHECK(a.kind == b.kind && a.line == b.line && a.count == b.count);
    if (a.kind == HistoryRecord::Kind::kGap) {
      ROAM_CHECK(a.count >= 1);
    } else {
      ROAM_CHECK(roam::state::ValidHistoryLine(a.line));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1) == 0) {
    CheckHistory(rest);
    return 0;
  }
  if (rest.empty()) return 0;
  const size_t chunk = static_cast<size_t>(static_cast<uint8_t>(rest[0])) + 1;
  CheckRecords(rest.substr(1), chunk);
  return 0;
}
