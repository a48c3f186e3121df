// LocalScreen: the alternate screen unless the server agrees to native
// scrollback (decided by its first state), taking the normal screen without
// losing what the user had there, and following the terminal's resizing.

#include "client/local_screen.h"

#include <gtest/gtest.h>

#include <string>

#include "state/roam_hello.h"

namespace roam::client {
namespace {

constexpr char kEnter[] = "<smcup>";
constexpr char kExit[] = "<rmcup>";

LocalScreenConfig Config(size_t lines = 10000) {
  LocalScreenConfig c;
  c.scrollback_lines = lines;
  c.alternate_enter = kEnter;
  c.alternate_exit = kExit;
  c.display = term::DisplayCapabilities::Client(true, true, true, "");
  return c;
}

state::ScreenState Stock() { return state::ScreenState(80, 24); }

state::ScreenState Welcomed(uint64_t features) {
  state::ScreenState s(80, 24);
  state::RoamHello welcome;
  welcome.version = 1;
  welcome.features = features;
  s.SetWelcome(welcome);
  return s;
}

std::string TakeScreen(int rows) {
  std::string out = "\x1b[0m";
  for (int i = 1; i < rows; ++i) out += "\r\n";
  return out;
}

TEST(LocalScreenTest, NothingIsDrawnBeforeTheServerSaysWhich) {
  LocalScreen screen(Config(), 80, 24);
  std::string out;
  bool repaint = false;
  EXPECT_FALSE(screen.BeginFrame(false, false, &repaint, &out));
  EXPECT_EQ(out, "");
  EXPECT_EQ(screen.mode(), LocalScreen::Mode::kUndecided);
}

TEST(LocalScreenTest, AStockServerGetsTheAlternateScreen) {
  LocalScreen screen(Config(), 80, 24);
  screen.OnRemoteState(Stock(), TimePoint{});
  std::string out;
  bool repaint = false;
  EXPECT_TRUE(screen.BeginFrame(true, false, &repaint, &out));
  EXPECT_EQ(out, kEnter);
  EXPECT_TRUE(screen.alternate());
  EXPECT_TRUE(repaint);
}

TEST(LocalScreenTest, AWelcomeWithoutTheFeatureGetsTheAlternateScreen) {
  LocalScreen screen(Config(), 80, 24);
  screen.OnRemoteState(Welcomed(state::kFeatureChannels), TimePoint{});
  std::string out;
  bool repaint = false;
  EXPECT_TRUE(screen.BeginFrame(true, false, &repaint, &out));
  EXPECT_TRUE(screen.alternate());
}

TEST(LocalScreenTest, NativeScrollbackTakesTheNormalScreenScrollingAwayWhatWasAboveTheCursor) {
  LocalScreen screen(Config(), 80, 24);
  screen.OnRemoteState(Welcomed(state::kFeatureChannels | state::kFeatureHistory), TimePoint{});
  std::string out;
  bool repaint = false;
  EXPECT_TRUE(screen.BeginFrame(true, false, &repaint, &out));
  EXPECT_TRUE(screen.normal());
  EXPECT_EQ(out, TakeScreen(24));
  EXPECT_TRUE(repaint);
  out.clear();
  repaint = false;
  EXPECT_TRUE(screen.BeginFrame(true, false, &repaint, &out));
  EXPECT_EQ(out, "");
  EXPECT_FALSE(repaint);
}

TEST(LocalScreenTest, OffMeansTheAlternateScreenWhateverTheServerSays) {
  LocalScreen screen(Config(0), 80, 24);
  screen.OnRemoteState(Welcomed(state::kFeatureChannels | state::kFeatureHistory), TimePoint{});
  std::string out;
  bool repaint = false;
  EXPECT_TRUE(screen.BeginFrame(true, false, &repaint, &out));
  EXPECT_TRUE(screen.alternate());
}

TEST(LocalScreenTest, TheBarBeforeAnyStateUsesTheAlternateScreenUntilTheWelcome) {
  LocalScreen screen(Config(), 80, 24);
  std::string out;
  bool repaint = false;
  EXPECT_TRUE(screen.BeginFrame(false, /*bar=*/true, &repaint, &out));
  EXPECT_EQ(out, kEnter);
  screen.OnRemoteState(Welcomed(state::kFeatureChannels | state::kFeatureHistory), TimePoint{});
  out.clear();
  EXPECT_TRUE(screen.BeginFrame(true, false, &repaint, &out));
  EXPECT_EQ(out, std::string(kExit) + TakeScreen(24));
  EXPECT_TRUE(screen.normal());
}

TEST(LocalScreenTest, AGrownTerminalsBroughtBackLinesAreScrolledOffAgain) {
  LocalScreen screen(Config(), 80, 10);
  screen.OnRemoteState(Welcomed(state::kFeatureChannels | state::kFeatureHistory), TimePoint{});
  std::string out;
  bool repaint = false;
  ASSERT_TRUE(screen.BeginFrame(true, false, &repaint, &out));
  // Shrinking with the cursor on the bottom row scrolls 3 rows into the
  // terminal's history; growing by 5 brings those 3 back.
  std::optional<term::Framebuffer> drawn = term::Framebuffer(80, 10);
  drawn->mutable_ds()->cursor_row = 9;
  screen.OnWindowSize(80, 7, drawn);
  EXPECT_EQ(screen.local_history_lines(), 3u);
  screen.OnWindowSize(80, 12, std::nullopt);
  out.clear();
  ASSERT_TRUE(screen.BeginFrame(true, false, &repaint, &out));
  EXPECT_EQ(out, "\x1b[12;1H\n\n\n");
  EXPECT_EQ(screen.local_history_lines(), 3u);
}

TEST(LocalScreenTest, AShrinkWithTheCursorHighDropsRowsBelowItInstead) {
  LocalScreen screen(Config(), 80, 10);
  screen.OnRemoteState(Welcomed(state::kFeatureChannels | state::kFeatureHistory), TimePoint{});
  std::string out;
  bool repaint = false;
  ASSERT_TRUE(screen.BeginFrame(true, false, &repaint, &out));
  std::optional<term::Framebuffer> drawn = term::Framebuffer(80, 10);
  drawn->mutable_ds()->cursor_row = 2;
  screen.OnWindowSize(80, 5, drawn);
  EXPECT_EQ(screen.local_history_lines(), 0u);
}

TEST(LocalScreenTest, TheFrameIsAlwaysTheTerminalsSize) {
  LocalScreen screen(Config(), 80, 24);
  screen.OnRemoteState(Welcomed(state::kFeatureChannels | state::kFeatureHistory), TimePoint{});
  std::string out;
  bool repaint = false;
  ASSERT_TRUE(screen.BeginFrame(true, false, &repaint, &out));
  screen.OnWindowSize(100, 20, std::nullopt);
  term::Framebuffer remote(80, 24);
  remote.mutable_ds()->cursor_row = 23;
  term::Framebuffer frame = screen.Frame(remote);
  EXPECT_EQ(frame.width(), 100);
  EXPECT_EQ(frame.height(), 20);
  EXPECT_EQ(frame.ds().cursor_row, 19);  // as the server will: the cursor's row stays
}

}  // namespace
}  // namespace roam::client
