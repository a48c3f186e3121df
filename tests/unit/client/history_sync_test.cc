// HistorySync: which lines a client writes into the terminal's history and
// when — the few that come with a state at once, missed ones fetched once a
// flood has settled, at most max_lines of them behind one marker, nothing
// that was erased, nothing a shrinking window scrolled off — against the
// real server side (HistoryService over a MuxPair) on a fake clock.

#include "client/history_sync.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "term/scrollback.h"
#include "unit/session/history_bed.h"
#include "wire/roam_extensions.pb.h"

namespace roam::client {
namespace {

using roam::testing::HistoryBed;
using std::chrono::milliseconds;
using Lines = std::vector<std::string>;

constexpr Duration kSettle = milliseconds(100);

std::string Text(const std::string& encoded) {
  term::Row row(1, term::kDefaultColor);
  EXPECT_TRUE(term::DecodeScrollbackLine(encoded, &row));
  std::string out;
  for (int c = 0; c < row.width(); ++c) {
    if (!row.cell(c).empty()) row.AppendCellText(c, &out);
  }
  return out;
}

Lines Numbers(int first, int last) {
  Lines out;
  for (int i = first; i <= last; ++i) out.push_back(std::to_string(i));
  return out;
}

Lines operator+(Lines a, const Lines& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class HistorySyncTest : public ::testing::Test {
 protected:
  explicit HistorySyncTest(size_t client_lines = 100000, size_t server_lines = 100000,
                           netsim::LinkConfig link = roam::testing::LanLink())
      : bed_(server_lines, link), sync_(client_lines) {
    bed_.client_hook = [this](TimePoint now) {
      sync_.Run(&bed_.client(), now, kSettle);
      Collect();
    };
  }

  // The server pushes a screen state: the client gets the state's diff
  // from the previous one, as over SSP.
  void Frame() {
    RoamBuffers::History m;
    state::HistoryDiff(client_state_, bed_.Snapshot(), &m);
    ASSERT_TRUE(state::ApplyHistory(m, &client_state_).ok());
    sync_.OnState(client_state_, bed_.Now());
    Collect();
  }
  void Print(int first, int last) { bed_.PrintNumbers(first, last); }
  void RunFor(Duration d) { bed_.RunFor(d); }
  // Prints `lines` lines every `every` for `d`, a state after each.
  int Flood(int from, int lines, Duration every, Duration d) {
    const TimePoint end = bed_.Now() + d;
    while (bed_.Now() < end) {
      Print(from, from + lines - 1);
      from += lines;
      Frame();
      RunFor(every);
    }
    return from;
  }

  void Collect() {
    for (HistoryItem& item : sync_.Take(1 << 20)) {
      switch (item.kind) {
        case HistoryItem::Kind::kLine:
          written_.push_back(Text(item.line));
          break;
        case HistoryItem::Kind::kMarker:
          written_.push_back("[" + std::to_string(item.skipped) + " not shown]");
          break;
        case HistoryItem::Kind::kErase:
          written_.push_back("<erase>");
          break;
      }
    }
  }

  HistoryBed bed_;
  HistorySync sync_;
  state::HistoryState client_state_;
  Lines written_;
};

TEST_F(HistorySyncTest, AFewLinesComeWithTheStateAndAreWrittenAtOnce) {
  Print(1, 30);  // 80x24: 1..7 leave the screen
  Frame();
  EXPECT_EQ(written_, Numbers(1, 7));
  Print(31, 32);
  Frame();
  EXPECT_EQ(written_, Numbers(1, 9));
  RunFor(std::chrono::seconds(1));
  EXPECT_EQ(sync_.stats().fetches, 0u);
}

TEST_F(HistorySyncTest, ManyLinesAreFetchedOnceTheFloodHasSettled) {
  Print(1, 2023);  // 2000 lines of history: more than a state carries
  Frame();
  EXPECT_TRUE(written_.empty());
  // A flood goes on: nothing is fetched while it lasts.
  const int next = Flood(2024, 500, milliseconds(30), std::chrono::seconds(2));
  EXPECT_EQ(sync_.stats().fetches, 0u);
  EXPECT_TRUE(written_.empty());
  // It stops; one fetch brings everything, each line once, in order.
  RunFor(kSettle + std::chrono::seconds(2));
  EXPECT_EQ(sync_.stats().fetches, 1u);
  EXPECT_EQ(written_, Numbers(1, next - 24));
  EXPECT_EQ(sync_.next(), sync_.known_end());
}

TEST_F(HistorySyncTest, LinesThatComeWhileAFetchRunsFollowIt) {
  Print(1, 1023);
  Frame();
  RunFor(kSettle + milliseconds(1));  // the fetch starts
  ASSERT_TRUE(sync_.fetching());
  Print(1024, 1030);
  Frame();  // a few new lines in the state, after the fetched ones
  RunFor(std::chrono::seconds(2));
  EXPECT_EQ(written_, Numbers(1, 1030 - 23));
  EXPECT_EQ(sync_.stats().fetches, 1u);
  EXPECT_GT(sync_.stats().lines_inline, 0u);
}

TEST_F(HistorySyncTest, ErasedLinesAreNeverWritten) {
  Print(1, 30);
  Frame();
  Print(31, 2000);  // a flood, then `clear` before it was fetched
  Frame();
  bed_.server().Write("\x1b[H\x1b[2J\x1b[3J");
  Print(2001, 2030);
  Frame();
  RunFor(std::chrono::seconds(2));
  EXPECT_EQ(written_, Numbers(1, 7) + Lines{"<erase>"} + Numbers(2001, 2007));
  EXPECT_EQ(sync_.stats().fetches, 0u);
}

TEST_F(HistorySyncTest, LinesAShrinkingWindowScrolledOffAreNotWrittenAgain) {
  Print(1, 30);
  Frame();
  bed_.server().Resize(80, 20);  // 8..11 leave the screen: the terminal did it too
  Print(31, 32);
  Frame();
  EXPECT_EQ(written_, Numbers(1, 7) + Numbers(12, 13));
  EXPECT_EQ(sync_.stats().lines_resized, 4u);
}

class BoundedHistorySyncTest : public HistorySyncTest {
 protected:
  BoundedHistorySyncTest() : HistorySyncTest(/*client_lines=*/100, /*server_lines=*/60) {}
};

TEST_F(BoundedHistorySyncTest, AtMostTheNewestLinesWithOneMarkerWhereTheRestWent) {
  Print(1, 5023);  // 5000 lines of history; the server holds 60, the client wants 100
  Frame();
  RunFor(std::chrono::seconds(2));
  // The client skipped 4900 itself; the server no longer held 40 more.
  EXPECT_EQ(written_, Lines{"[4940 not shown]"} + Numbers(4941, 5000));
  EXPECT_EQ(sync_.stats().lines_fetched, 60u);
  EXPECT_EQ(sync_.stats().lines_skipped, 4940u);
}

TEST_F(HistorySyncTest, ARefusedFetchIsTriedAgainLater) {
  bed_.refuse = true;
  Print(1, 1023);
  Frame();
  RunFor(kSettle + milliseconds(50));
  EXPECT_EQ(sync_.stats().fetches, 1u);
  EXPECT_TRUE(written_.empty());
  bed_.refuse = false;
  RunFor(std::chrono::seconds(1));
  EXPECT_EQ(sync_.stats().fetches, 2u);
  EXPECT_EQ(written_, Numbers(1, 1000));
}

TEST_F(HistorySyncTest, AMalformedReplyResetsTheChannelAndIsTriedAgain) {
  bed_.hostile_reply = std::string("\x07\x01x", 3);  // an unknown record type
  Print(1, 1023);
  Frame();
  RunFor(kSettle + milliseconds(100));
  EXPECT_EQ(sync_.stats().bad_fetches, 1u);
  EXPECT_TRUE(written_.empty());
  bed_.hostile_reply.reset();
  RunFor(std::chrono::seconds(1));
  EXPECT_EQ(written_, Numbers(1, 1000));
}

TEST_F(HistorySyncTest, AReplyWithMoreThanWasAskedForIsRefused) {
  std::string reply;
  state::AppendHistoryGap(5000, &reply);
  bed_.hostile_reply = reply;
  Print(1, 1023);
  Frame();
  RunFor(kSettle + milliseconds(100));
  EXPECT_EQ(sync_.stats().bad_fetches, 1u);
  EXPECT_TRUE(written_.empty());
  EXPECT_EQ(sync_.next(), 0u);
}

class LossyHistorySyncTest : public HistorySyncTest {
 protected:
  static netsim::LinkConfig Lossy() {
    netsim::LinkConfig link;
    link.delay = milliseconds(100);
    link.jitter = milliseconds(20);
    link.loss = 0.25;
    return link;
  }
  LossyHistorySyncTest() : HistorySyncTest(100000, 100000, Lossy()) {}
};

TEST_F(LossyHistorySyncTest, EveryLineOnceInOrderThroughLoss) {
  int next = 1;
  for (int round = 0; round < 20; ++round) {
    const int lines = round % 3 == 0 ? 700 : 5;
    Print(next, next + lines - 1);
    next += lines;
    Frame();
    RunFor(milliseconds(round % 5 == 0 ? 400 : 40));
  }
  RunFor(std::chrono::seconds(10));
  EXPECT_EQ(written_, Numbers(1, next - 1 - 23));
}

}  // namespace
}  // namespace roam::client
