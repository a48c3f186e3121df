// Native scrollback through the real client and server cores over an
// emulated network: every line that leaves the remote primary screen
// reaches the user's terminal's own history once, in order, with its
// colours — checked against the same program output written straight into
// a terminal that keeps its history as tmux does — through skipped frames,
// an outage and an address change, floods beyond the bound (one marker,
// then the newest lines, and few bytes), the alternate screen, clearing,
// and resizing; stock peers keep Mosh's alternate screen; typing is not
// slower.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/random.h"
#include "integration/session/core_harness.h"
#include "term/scrollback.h"

namespace roam::testing {
namespace {

using namespace std::chrono_literals;
using Rows = std::vector<std::string>;

netsim::LinkConfig Link(Duration one_way, double loss = 0) {
  netsim::LinkConfig link;
  link.delay = one_way;
  link.loss = loss;
  return link;
}

CoreHarnessOptions Options(netsim::LinkConfig link, size_t scrollback = 10000) {
  CoreHarnessOptions o;
  o.up = link;
  o.down = link;
  o.client_scrollback = scrollback;
  o.server_scrollback = scrollback;
  return o;
}

// Lines first..first+count-1, numbered, in one of eight colours, some bold.
std::string NumberedLines(int first, int count) {
  std::string out;
  for (int n = first; n < first + count; ++n) {
    out += "\x1b[" + std::string(n % 5 == 0 ? "1;" : "") + "3" + std::to_string(n % 8) + "m" +
           std::to_string(n) + "\x1b[0m line " + std::to_string(n) + "\r\n";
  }
  return out;
}

// A row as its text and its renditions (a run per change).
std::string Signature(const term::Row& row) {
  std::string text;
  std::string runs;
  term::Rendition last;
  int end = row.width();
  while (end > 0 && row.cell(end - 1).empty() && row.cell(end - 1).rend.bg == term::kDefaultColor) {
    --end;
  }
  for (int c = 0; c < end; ++c) {
    const term::Cell& cell = row.cell(c);
    if (cell.empty()) {
      if (c > 0 && row.cell(c - 1).wide()) continue;
      text.push_back(' ');
    } else {
      row.AppendCellText(c, &text);
    }
    if (!(cell.rend == last)) {
      runs += " {" + std::to_string(c) + ":" + std::to_string(cell.rend.fg) + "/" +
              std::to_string(cell.rend.bg) + "/" + std::to_string(cell.rend.attrs) + "}";
      last = cell.rend;
    }
  }
  return text + runs;
}

// A terminal's history then its screen, trailing blank rows left out.
Rows Contents(const term::Emulator& t) {
  Rows rows;
  for (size_t i = 0; i < t.scrollback().size(); ++i)
    rows.push_back(Signature(t.scrollback().Line(i)));
  for (int r = 0; r < t.fb().height(); ++r) rows.push_back(Signature(t.fb().row(r)));
  while (!rows.empty() && rows.back().empty()) rows.pop_back();
  return rows;
}

// What a tmux pane shows after the program's output written straight in.
Rows Direct(CoreHarness& h, int cols = 80, int rows = 24) {
  term::Emulator direct(cols, rows, TerminalOptions());
  direct.Write(h.program_output());
  return Contents(direct);
}

// Waits (simulated) until the client wrote every line it knows of.
void Settle(CoreHarness& h, Duration limit = 10s) {
  h.RunFor(200ms);
  ASSERT_TRUE(h.RunFor(limit, [&] {
    const client::HistorySync& sync = h.client().screen().history();
    return !sync.fetching() && sync.next() == sync.known_end() && !sync.has_ready() &&
           h.client().transport().latest_remote_state().history().end ==
               h.server().emulator().scrollback().end_number();
  }));
  h.RunFor(100ms);
}

bool Prompt(CoreHarness& h) { return RowText(h.remote_screen(), 0) == "$"; }

TEST(ScrollbackTest, EveryLineThatLeavesTheScreenReachesTheTerminalOnceInOrder) {
  CoreHarness h(11, Options(Link(5ms)));
  ASSERT_TRUE(h.RunFor(5s, [&] { return Prompt(h); }));
  EXPECT_TRUE(h.client().screen().normal());
  SeededRandom rng(11);
  int n = 1;
  for (int burst = 0; burst < 60; ++burst) {
    static constexpr int kSizes[] = {1, 3, 24, 100, 400};
    const int lines = kSizes[rng.Uniform(5)];
    h.ProgramWrite(NumberedLines(n, lines));
    n += lines;
    h.RunFor(std::chrono::milliseconds(rng.Uniform(60)));
  }
  Settle(h);
  EXPECT_EQ(Contents(h.terminal()), Direct(h));
  EXPECT_GT(h.terminal().scrollback().size(), 1000u);
}

TEST(ScrollbackTest, SkippedFramesOnALossyIntercontinentalLinkLoseNothing) {
  CoreHarness h(12, Options(Link(150ms, 0.1)));
  ASSERT_TRUE(h.RunFor(10s, [&] { return Prompt(h); }));
  int n = 1;
  for (int burst = 0; burst < 40; ++burst) {
    h.ProgramWrite(NumberedLines(n, 1 + burst * 7));
    n += 1 + burst * 7;
    h.RunFor(37ms);
  }
  Settle(h, 30s);
  EXPECT_EQ(Contents(h.terminal()), Direct(h));
}

TEST(ScrollbackTest, AnOutageAndAnAddressChangeInTheMiddleLoseNothing) {
  CoreHarness h(13, Options(Link(30ms), 30000));
  ASSERT_TRUE(h.RunFor(5s, [&] { return Prompt(h); }));
  int n = 1;
  for (int tick = 0; tick < 100; ++tick) {  // 20,000 lines over 10 s
    if (tick == 30) h.Blackout(20s);
    if (tick == 50) h.set_nat_shift(7);
    h.ProgramWrite(NumberedLines(n, 200));
    n += 200;
    h.RunFor(100ms);
  }
  Settle(h, 60s);
  const Rows direct = Direct(h);
  EXPECT_EQ(Contents(h.terminal()), direct);
  EXPECT_GT(h.terminal().scrollback().size(), 19000u);
}

TEST(ScrollbackTest, AFloodBeyondTheBoundLeavesOneMarkerThenTheNewestLinesAndCostsLittle) {
  CoreHarness h(14, Options(Link(5ms), 1000));
  ASSERT_TRUE(h.RunFor(5s, [&] { return Prompt(h); }));
  int n = 1;
  for (int burst = 0; burst < 40; ++burst) {  // 80,000 lines over 2.4 s
    h.ProgramWrite(NumberedLines(n, 2000));
    n += 2000;
    h.RunFor(60ms);
  }
  Settle(h);
  const Rows rows = Contents(h.terminal());
  // History: the marker, then the newest 1000 lines, then the screen.
  const Rows direct = Direct(h);
  ASSERT_GE(rows.size(), 1000u + 24u);
  const size_t marker = rows.size() - 1000 - 23 - 1;
  EXPECT_EQ(rows[marker].substr(0, 7), "[roam: ");
  EXPECT_NE(rows[marker].find(" lines not shown]"), std::string::npos) << rows[marker];
  EXPECT_EQ(Rows(rows.begin() + static_cast<std::ptrdiff_t>(marker) + 1, rows.end()),
            Rows(direct.end() - 1000 - 23, direct.end()));
  // One fetch once the flood was over: the bound's worth of lines, and
  // their bytes, not the flood's.
  const client::HistorySyncStats& stats = h.client().screen().history().stats();
  EXPECT_EQ(stats.fetches, 1u);
  EXPECT_EQ(stats.lines_fetched + stats.lines_inline, 1000u);
  ASSERT_NE(h.client().mux(), nullptr);
  EXPECT_LT(h.client().mux()->stats().bytes_received, 60'000u);
}

TEST(ScrollbackTest, TheAlternateScreenPutsNothingIntoTheHistory) {
  CoreHarness h(15, Options(Link(10ms)));
  ASSERT_TRUE(h.RunFor(5s, [&] { return Prompt(h); }));
  h.ProgramWrite(NumberedLines(1, 50));
  h.RunFor(300ms);
  h.ProgramWrite("\x1b[?1049h\x1b[H\x1b[2J");
  for (int i = 0; i < 300; ++i) {  // scrolls the alternate screen
    h.ProgramWrite("ALT " + std::to_string(i) + "\r\n");
    if (i % 30 == 0) h.RunFor(50ms);
  }
  h.ProgramWrite("\x1b[?1049l");
  h.ProgramWrite(NumberedLines(51, 50));
  Settle(h);
  EXPECT_EQ(Contents(h.terminal()), Direct(h));
  for (const std::string& row : Contents(h.terminal())) {
    EXPECT_EQ(row.find("ALT"), std::string::npos) << row;
  }
}

TEST(ScrollbackTest, ClearingTheScreenAndTheHistoryBehavesAsInTmux) {
  CoreHarness h(16, Options(Link(10ms)));
  ASSERT_TRUE(h.RunFor(5s, [&] { return Prompt(h); }));
  h.ProgramWrite(NumberedLines(1, 100));
  h.RunFor(300ms);
  h.ProgramWrite("\x1b[H\x1b[2J\x1b[3J");  // clear
  h.ProgramWrite(NumberedLines(101, 50));
  h.RunFor(300ms);
  h.ProgramWrite("\x1b[H\x1b[2J");  // the screen only: it scrolls into the history
  h.ProgramWrite(NumberedLines(151, 10));
  h.RunFor(30ms);
  h.ProgramWrite(NumberedLines(161, 2000));
  h.ProgramWrite("\x1b[3J");  // the history only, before the flood was fetched
  h.ProgramWrite(NumberedLines(2161, 30));
  Settle(h);
  EXPECT_EQ(Contents(h.terminal()), Direct(h));
}

TEST(ScrollbackTest, ResizingNeitherDuplicatesNorLosesLines) {
  CoreHarness h(17, Options(Link(10ms)));
  term::Emulator direct(80, 24, TerminalOptions());
  size_t fed = 0;
  auto step = [&](int first, int count) {
    h.ProgramWrite(NumberedLines(first, count));
    Settle(h);
  };
  auto feed_direct = [&] {
    direct.Write(h.program_output().substr(fed));
    fed = h.program_output().size();
  };
  ASSERT_TRUE(h.RunFor(5s, [&] { return Prompt(h); }));
  step(1, 100);
  feed_direct();
  h.ResizeWindow(80, 15);
  TmuxResize(&direct, 80, 15);
  Settle(h);
  step(101, 50);
  feed_direct();
  h.ResizeWindow(80, 30);
  TmuxResize(&direct, 80, 30);
  Settle(h);
  step(151, 50);
  feed_direct();
  h.ResizeWindow(80, 20);
  TmuxResize(&direct, 80, 20);
  Settle(h);
  step(201, 5);
  feed_direct();
  // Where the history ends and the screen begins may differ from tmux's
  // own (the server adds rows at the bottom where tmux brings lines back),
  // but the lines are the same, once each, in order.
  EXPECT_EQ(Contents(h.terminal()), Contents(direct));
}

TEST(ScrollbackTest, AStockClientAndAStockServerKeepMoshsAlternateScreen) {
  for (bool stock_client : {true, false}) {
    CoreHarnessOptions o = Options(Link(10ms));
    (stock_client ? o.client_extensions : o.server_extensions) = false;
    CoreHarness h(18, o);
    ASSERT_TRUE(h.RunFor(5s, [&] { return Prompt(h); }));
    h.ProgramWrite(NumberedLines(1, 100));
    h.RunFor(2s);
    EXPECT_TRUE(h.client().screen().alternate()) << stock_client;
    EXPECT_TRUE(h.terminal().fb().ds().alternate_screen) << stock_client;
    EXPECT_EQ(h.terminal().scrollback().end_number(), 0u) << stock_client;
    EXPECT_FALSE(h.server().history_on()) << stock_client;
    EXPECT_EQ(RowText(h.terminal().fb(), 22), "100 line 100") << stock_client;
  }
}

TEST(ScrollbackTest, OffOnEitherSideKeepsMoshsAlternateScreen) {
  for (bool client_off : {true, false}) {
    CoreHarnessOptions o = Options(Link(10ms));
    (client_off ? o.client_scrollback : o.server_scrollback) = 0;
    CoreHarness h(19, o);
    ASSERT_TRUE(h.RunFor(5s, [&] { return Prompt(h); }));
    h.RunFor(500ms);
    EXPECT_TRUE(h.client().screen().alternate()) << client_off;
    EXPECT_FALSE(h.client().welcome().has(state::kFeatureHistory)) << client_off;
    EXPECT_TRUE(h.client().welcome().has(state::kFeatureChannels)) << client_off;
  }
}

// Time from a key to its echo on the user's terminal, for each key.
std::vector<Duration> EchoTimes(bool history) {
  CoreHarness h(20, Options(Link(40ms), history ? 10000 : 0));
  std::vector<Duration> times;
  if (!h.RunFor(5s, [&] { return Prompt(h); })) return times;
  h.ProgramWrite(NumberedLines(1, 50));  // a history to keep up
  h.RunFor(1s);
  const std::string text = "echo hello";
  for (size_t i = 0; i < text.size(); ++i) {
    const TimePoint typed = h.Now();
    h.Type(text.substr(i, 1));
    const std::string want = "$ " + text.substr(0, i + 1);
    h.RunFor(2s, [&] { return RowText(h.terminal().fb(), 23).rfind(want, 0) == 0; });
    times.push_back(h.Now() - typed);
    h.RunFor(300ms);
  }
  return times;
}

TEST(ScrollbackTest, KeystrokeEchoIsNotSlowerWithHistory) {
  const std::vector<Duration> with = EchoTimes(true);
  const std::vector<Duration> without = EchoTimes(false);
  ASSERT_EQ(with.size(), 10u);
  ASSERT_EQ(without.size(), 10u);
  for (size_t i = 0; i < with.size(); ++i) EXPECT_LE(with[i], without[i] + 2ms) << i;
}

}  // namespace
}  // namespace roam::testing
