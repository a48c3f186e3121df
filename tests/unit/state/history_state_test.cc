// HistoryState: which lines ride in a diff and which are left to the
// history channel, the numbers a client accepts from a server, and the
// history's place in ScreenState diffs.

#include "state/history_state.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "state/screen_state.h"
#include "term/scrollback.h"
#include "wire/instruction_codec.h"
#include "wire/roam_extensions.pb.h"

namespace roam::state {
namespace {

std::string Line(const std::string& text, int width = 10) {
  term::Row row(width, term::kDefaultColor);
  for (size_t i = 0; i < text.size() && static_cast<int>(i) < width; ++i) {
    row.mutable_cell(static_cast<int>(i)).set_code_point(static_cast<char32_t>(text[i]));
  }
  std::string out;
  term::EncodeScrollbackLine(row, &out);
  return out;
}

// A server state whose newest lines are "L<first>" ... "L<end - 1>".
HistoryState ServerState(uint64_t end, uint64_t recent_first) {
  HistoryState s;
  s.end = end;
  auto lines = std::make_shared<HistoryLines>();
  lines->first = recent_first;
  for (uint64_t n = recent_first; n < end; ++n)
    lines->lines.push_back(Line("L" + std::to_string(n)));
  s.recent = std::move(lines);
  return s;
}

HistoryState ClientAt(uint64_t end) {
  HistoryState s;
  s.end = end;
  return s;
}

RoamBuffers::History Diff(const HistoryState& old, const HistoryState& now) {
  RoamBuffers::History m;
  HistoryDiff(old, now, &m);
  return m;
}

TEST(HistoryStateTest, AFewNewLinesRideInTheDiff) {
  RoamBuffers::History m = Diff(ClientAt(10), ServerState(13, 5));
  EXPECT_EQ(m.end(), 13u);
  EXPECT_EQ(m.first(), 10u);
  ASSERT_EQ(m.line_size(), 3);
  EXPECT_EQ(m.line(0), Line("L10"));

  HistoryState client = ClientAt(10);
  ASSERT_TRUE(ApplyHistory(m, &client).ok());
  EXPECT_EQ(client.end, 13u);
  ASSERT_TRUE(client.recent);
  EXPECT_EQ(client.recent->first, 10u);
  EXPECT_EQ(client.recent->lines.size(), 3u);
}

TEST(HistoryStateTest, ManyNewLinesAreLeftToTheChannel) {
  RoamBuffers::History m = Diff(ClientAt(0), ServerState(kMaxInlineLines + 1, 0));
  EXPECT_EQ(m.end(), kMaxInlineLines + 1);
  EXPECT_EQ(m.line_size(), 0);
  HistoryState client = ClientAt(0);
  ASSERT_TRUE(ApplyHistory(m, &client).ok());
  EXPECT_EQ(client.end, kMaxInlineLines + 1);
  EXPECT_FALSE(client.recent);
}

TEST(HistoryStateTest, LongLinesAreLeftToTheChannel) {
  HistoryState now;
  now.end = 40;
  auto lines = std::make_shared<HistoryLines>();
  for (int i = 0; i < 40; ++i) lines->lines.push_back(Line(std::string(1000, 'x'), 1000));
  now.recent = lines;
  EXPECT_GT(40 * lines->lines[0].size(), kMaxInlineBytes);
  EXPECT_EQ(Diff(ClientAt(0), now).line_size(), 0);
}

TEST(HistoryStateTest, LinesTheRecentWindowDoesNotReachAreLeftToTheChannel) {
  EXPECT_EQ(Diff(ClientAt(2), ServerState(10, 5)).line_size(), 0);
}

TEST(HistoryStateTest, ErasedLinesAreNotSent) {
  HistoryState now = ServerState(14, 12);
  now.erased_below = 12;
  now.erase_count = 1;
  RoamBuffers::History m = Diff(ClientAt(10), now);
  EXPECT_EQ(m.first(), 12u);
  EXPECT_EQ(m.line_size(), 2);
  HistoryState client = ClientAt(10);
  ASSERT_TRUE(ApplyHistory(m, &client).ok());
  EXPECT_EQ(client.erased_below, 12u);
  EXPECT_EQ(client.erase_count, 1u);
}

TEST(HistoryStateTest, ResizeRangesTravel) {
  HistoryState now = ServerState(20, 20);
  now.resized = {{3, 5}, {17, 20}};
  HistoryState client = ClientAt(0);
  ASSERT_TRUE(ApplyHistory(Diff(ClientAt(0), now), &client).ok());
  EXPECT_EQ(client.resized, now.resized);
  EXPECT_TRUE(client == now);
}

// ---- What a client refuses ----

class HistoryApplyRefusalTest : public ::testing::Test {
 protected:
  void ExpectRefused(const RoamBuffers::History& m, const std::string& why) {
    HistoryState client = ClientAt(10);
    client.erase_count = 2;
    client.erased_below = 4;
    const HistoryState before = client;
    Status s = ApplyHistory(m, &client);
    EXPECT_EQ(s.code(), StatusCode::kMalformed) << why;
    EXPECT_TRUE(client == before) << why;
  }
  RoamBuffers::History Valid() {
    RoamBuffers::History m;
    m.set_end(12);
    m.set_erase_count(2);
    m.set_erased_below(4);
    m.set_first(10);
    m.add_line(Line("a"));
    m.add_line(Line("b"));
    return m;
  }
};

TEST_F(HistoryApplyRefusalTest, TheValidMessageIsTaken) {
  HistoryState client = ClientAt(10);
  client.erase_count = 2;
  client.erased_below = 4;
  EXPECT_TRUE(ApplyHistory(Valid(), &client).ok());
}

TEST_F(HistoryApplyRefusalTest, NoEnd) {
  RoamBuffers::History m = Valid();
  m.clear_end();
  ExpectRefused(m, "no end");
}

TEST_F(HistoryApplyRefusalTest, NumbersThatDecrease) {
  RoamBuffers::History m = Valid();
  m.set_end(9);
  m.clear_line();
  ExpectRefused(m, "end");
  m = Valid();
  m.set_erase_count(1);
  ExpectRefused(m, "erase count");
  m = Valid();
  m.set_erased_below(3);
  ExpectRefused(m, "erased below");
}

TEST_F(HistoryApplyRefusalTest, ErasedBeyondTheEnd) {
  RoamBuffers::History m = Valid();
  m.set_erased_below(13);
  ExpectRefused(m, "erased beyond end");
}

TEST_F(HistoryApplyRefusalTest, BadResizeRanges) {
  RoamBuffers::History m = Valid();
  RoamBuffers::HistoryRange* r = m.add_resized();
  r->set_first(5);
  r->set_end(5);
  ExpectRefused(m, "empty range");
  r->set_end(13);
  ExpectRefused(m, "range beyond end");
  m = Valid();
  for (size_t i = 0; i <= kMaxResizeRanges; ++i) {
    RoamBuffers::HistoryRange* q = m.add_resized();
    q->set_first(i);
    q->set_end(i + 1);
  }
  ExpectRefused(m, "too many ranges");
}

TEST_F(HistoryApplyRefusalTest, LinesThatDoNotEndAtTheEnd) {
  RoamBuffers::History m = Valid();
  m.set_first(9);
  ExpectRefused(m, "lines start below the previous end");
  m = Valid();
  m.add_line(Line("c"));
  ExpectRefused(m, "lines run past the end");
}

TEST_F(HistoryApplyRefusalTest, TooManyLines) {
  RoamBuffers::History m;
  m.set_end(10 + kMaxInlineLines + 1);
  m.set_erase_count(2);
  m.set_erased_below(4);
  m.set_first(10);
  for (size_t i = 0; i <= kMaxInlineLines; ++i) m.add_line(Line("x"));
  ExpectRefused(m, "too many lines");
}

TEST_F(HistoryApplyRefusalTest, LinesThatDoNotDecode) {
  RoamBuffers::History m = Valid();
  m.set_line(1, "\x05\x00\x09");
  ExpectRefused(m, "garbage line");
  m = Valid();
  m.set_line(1, Line("wide", kMaxHistoryLineWidth + 1));
  ExpectRefused(m, "too wide");
  m = Valid();
  m.set_line(1, "");
  ExpectRefused(m, "empty line");
}

// ---- In ScreenState ----

TEST(ScreenStateHistoryTest, HistoryTravelsAfterEverythingElse) {
  ScreenState old;
  ScreenState now;
  now.SetHistory(ServerState(3, 0));
  const std::string diff = now.DiffFrom(old);
  Result<HostBuffers::HostMessage> m = wire::ParseHostMessage(diff);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->instruction_size(), 1);
  EXPECT_TRUE(m->instruction(0).HasExtension(RoamBuffers::history));

  ScreenState client;
  ASSERT_TRUE(client.Apply(diff).ok());
  EXPECT_TRUE(client == now);
  ASSERT_TRUE(client.history().recent);
  EXPECT_EQ(client.history().recent->lines.size(), 3u);
}

TEST(ScreenStateHistoryTest, AStateWithoutHistorySendsNone) {
  // A stock client (or one without the feature) never sees extension 67.
  ScreenState old;
  ScreenState now;
  term::Emulator e(80, 24);
  e.Write("hello\r\n");
  now.SetFramebuffer(e.fb());
  Result<HostBuffers::HostMessage> m = wire::ParseHostMessage(now.DiffFrom(old));
  ASSERT_TRUE(m.ok());
  for (const auto& instruction : m->instruction()) {
    EXPECT_FALSE(instruction.HasExtension(RoamBuffers::history));
  }
}

TEST(ScreenStateHistoryTest, AMalformedHistoryLeavesTheStateUnchanged) {
  ScreenState client;
  client.SetHistory(ClientAt(5));
  HostBuffers::HostMessage m;
  m.add_instruction()->MutableExtension(RoamBuffers::history)->set_end(4);
  const ScreenState before = client;
  EXPECT_EQ(client.Apply(wire::Serialize(m)).code(), StatusCode::kMalformed);
  EXPECT_TRUE(client == before);
}

}  // namespace
}  // namespace roam::state
