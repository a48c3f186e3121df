// Native scrollback, server side: what each screen state says about the
// history (HistorySnapshot), and the history channel (HistoryService): the
// lines asked for, in order, a gap for lines no longer held, FIN; a slow
// reader never makes the server hold more than its scrollback.

#include "session/history_service.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "state/history_records.h"
#include "term/scrollback.h"
#include "unit/session/history_bed.h"

namespace roam::session {
namespace {

using roam::testing::HistoryBed;

std::string Text(const std::string& encoded) {
  term::Row row(1, term::kDefaultColor);
  EXPECT_TRUE(term::DecodeScrollbackLine(encoded, &row));
  std::string out;
  for (int c = 0; c < row.width(); ++c) {
    if (!row.cell(c).empty()) row.AppendCellText(c, &out);
  }
  return out;
}

TEST(HistorySnapshotTest, CarriesTheNewestLinesAndReusesThemWhenNothingChanged) {
  HistoryBed bed;
  bed.PrintNumbers(1, 30);  // 80x24: lines 1..7 leave the screen
  state::HistoryState s = bed.Snapshot();
  EXPECT_EQ(s.end, 7u);
  ASSERT_TRUE(s.recent);
  EXPECT_EQ(s.recent->first, 0u);
  EXPECT_EQ(Text(s.recent->lines.front()), "1");
  EXPECT_EQ(Text(s.recent->lines.back()), "7");
  const state::HistoryLines* before = s.recent.get();
  EXPECT_EQ(bed.Snapshot().recent.get(), before);
}

TEST(HistorySnapshotTest, KeepsAtMostTheInlineWindowAndNothingErased) {
  HistoryBed bed;
  bed.PrintNumbers(1, 1000);
  state::HistoryState s = bed.Snapshot();
  EXPECT_EQ(s.recent->lines.size(), state::kMaxInlineLines);
  EXPECT_EQ(s.recent->end(), s.end);
  bed.server().Write("\x1b[3J");
  bed.PrintNumbers(1001, 1003);
  s = bed.Snapshot();
  EXPECT_EQ(s.erase_count, 1u);
  EXPECT_EQ(s.erased_below, s.end - 3);
  EXPECT_EQ(s.recent->first, s.erased_below);
  EXPECT_EQ(s.recent->lines.size(), 3u);
}

TEST(HistorySnapshotTest, NamesTheLinesAShrinkingWindowScrolledOff) {
  HistoryBed bed;
  bed.PrintNumbers(1, 30);
  bed.server().Resize(80, 20);
  state::HistoryState s = bed.Snapshot();
  ASSERT_EQ(s.resized.size(), 1u);
  EXPECT_EQ(s.resized[0], (term::LineRange{7, 11}));
}

// A client that opens a history channel and reads records.
class HistoryServiceTest : public ::testing::Test {
 protected:
  explicit HistoryServiceTest(size_t server_lines = 1000) : bed_(server_lines) {}

  // Asks for [first, end) and runs until FIN; returns the records.
  std::vector<state::HistoryRecord> Fetch(uint64_t first, uint64_t end) {
    RoamChannel::OpenRequest request;
    request.mutable_history()->set_first(first);
    request.mutable_history()->set_end(end);
    Result<uint64_t> id = bed_.client().Open(request.SerializeAsString(), bed_.Now());
    EXPECT_TRUE(id.ok());
    bed_.client().CloseWrite(*id);
    std::vector<state::HistoryRecord> records;
    state::HistoryRecordReader reader;
    bool eof = false;
    bed_.client_hook = [&](TimePoint) {
      std::string bytes;
      while (bed_.client().Read(*id, &bytes, 1 << 20) > 0) {
        reader.Feed(bytes);
        bytes.clear();
      }
      for (;;) {
        Result<std::optional<state::HistoryRecord>> r = reader.Next();
        ASSERT_TRUE(r.ok());
        if (!r->has_value()) break;
        records.push_back(std::move(**r));
      }
      std::optional<channel::ChannelInfo> info = bed_.client().Info(*id);
      eof = info && info->eof;
    };
    EXPECT_TRUE(bed_.pair().RunUntil([&] { return eof; }, std::chrono::seconds(30)));
    bed_.client().Release(*id);
    bed_.client_hook = nullptr;
    return records;
  }

  HistoryBed bed_;
};

TEST_F(HistoryServiceTest, SendsTheLinesAskedForInOrderThenFinishes) {
  bed_.PrintNumbers(1, 100);  // lines 1..77 are history, numbered 0..76
  std::vector<state::HistoryRecord> records = Fetch(10, 20);
  ASSERT_EQ(records.size(), 10u);
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].kind, state::HistoryRecord::Kind::kLine);
    EXPECT_EQ(Text(records[i].line), std::to_string(11 + i));
  }
}

TEST_F(HistoryServiceTest, AnEndBeyondTheHistoryIsCut) {
  bed_.PrintNumbers(1, 30);
  EXPECT_EQ(Fetch(5, 1000).size(), 2u);  // lines 5 and 6 exist
}

class SmallHistoryServiceTest : public HistoryServiceTest {
 protected:
  SmallHistoryServiceTest() : HistoryServiceTest(50) {}
};

TEST_F(SmallHistoryServiceTest, LinesNoLongerHeldBecomeOneGap) {
  bed_.PrintNumbers(1, 1000);  // 977 lines of history, the newest 50 held
  std::vector<state::HistoryRecord> records = Fetch(0, 977);
  ASSERT_EQ(records.size(), 51u);
  EXPECT_EQ(records[0].kind, state::HistoryRecord::Kind::kGap);
  EXPECT_EQ(records[0].count, 927u);
  EXPECT_EQ(Text(records[1].line), "928");
  EXPECT_EQ(Text(records.back().line), "977");
}

TEST(HistoryServiceDropTest, LinesDroppedWhileSendingBecomeAGapToo) {
  // The service reads the scrollback a batch at a time as the channel takes
  // the records; lines the scrollback drops in between are a gap.
  channel::MuxConfig small;
  small.stream_send_buffer = 4096;
  HistoryBed bed(20000, roam::testing::LanLink(), small);
  bed.PrintNumbers(1, 20023);  // lines 1..20000 are history, numbered 0..19999
  RoamChannel::OpenRequest request;
  request.mutable_history()->set_first(0);
  request.mutable_history()->set_end(20000);
  Result<uint64_t> id = bed.client().Open(request.SerializeAsString(), bed.Now());
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(bed.pair().RunUntil([&] { return bed.served() == 1; }, std::chrono::seconds(5)));
  bed.PrintNumbers(20024, 40023);  // every line asked for is dropped
  std::vector<state::HistoryRecord> records;
  state::HistoryRecordReader reader;
  bed.client_hook = [&](TimePoint) {
    std::string bytes;
    while (bed.client().Read(*id, &bytes, 1 << 20) > 0) {
      reader.Feed(bytes);
      bytes.clear();
    }
    for (;;) {
      Result<std::optional<state::HistoryRecord>> r = reader.Next();
      ASSERT_TRUE(r.ok());
      if (!r->has_value()) break;
      records.push_back(std::move(**r));
    }
  };
  ASSERT_TRUE(bed.pair().RunUntil(
      [&] {
        std::optional<channel::ChannelInfo> info = bed.client().Info(*id);
        return info && info->eof;
      },
      std::chrono::seconds(30)));
  // Each line once and in order up to the first batch's end, then one gap.
  uint64_t n = 0;
  uint64_t gaps = 0;
  for (const state::HistoryRecord& r : records) {
    if (r.kind == state::HistoryRecord::Kind::kGap) {
      ++gaps;
      n += r.count;
    } else {
      EXPECT_EQ(Text(r.line), std::to_string(n + 1));
      ++n;
    }
  }
  EXPECT_EQ(n, 20000u);
  EXPECT_EQ(gaps, 1u);
  EXPECT_GT(records.size(), 2u);
  EXPECT_EQ(records.back().kind, state::HistoryRecord::Kind::kGap);
}

TEST(HistoryServiceFlowTest, ASlowReaderIsFedOnlyAsTheChannelTakes) {
  // 977 lines of about 8 bytes; the windows and buffers hold far fewer.
  channel::MuxConfig small;
  small.stream_window = 512;
  small.session_window = 512;
  small.stream_send_buffer = 1024;
  HistoryBed bed(1000, roam::testing::LanLink(), small);
  bed.PrintNumbers(1, 1000);
  RoamChannel::OpenRequest request;
  request.mutable_history()->set_first(0);
  request.mutable_history()->set_end(977);
  Result<uint64_t> id = bed.client().Open(request.SerializeAsString(), bed.Now());
  ASSERT_TRUE(id.ok());
  bed.pair().RunFor(std::chrono::seconds(1));  // nobody reads
  EXPECT_EQ(bed.served(), 1u);
  EXPECT_LE(bed.pair().server().buffered_bytes(), 1024u + 512u);
  EXPECT_LE(bed.client().buffered_bytes(), 512u + 64u);
}

}  // namespace
}  // namespace roam::session
