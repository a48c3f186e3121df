// Emulator OSC: titles and icon names exactly as Mosh (256 characters,
// ";t" form), OSC 52 clipboard (queries never stored), OSC 8 hyperlinks.

#include <gtest/gtest.h>
#include <time.h>

#include <string>

#include "term_test_util.h"

namespace roam::term {
namespace {

using testing::Term;

TEST(OscTest, TitleAndIconName) {
  Term t(4, 1);
  EXPECT_FALSE(t.fb().title_initialized());
  t.Write("\x1b]0;both\x07");
  EXPECT_EQ(t.fb().title(), "both");
  EXPECT_EQ(t.fb().icon_name(), "both");
  EXPECT_TRUE(t.fb().title_initialized());
  t.Write("\x1b]1;icon\x1b\\");
  EXPECT_EQ(t.fb().title(), "both");
  EXPECT_EQ(t.fb().icon_name(), "icon");
  t.Write("\x1b]2;win\x07");
  EXPECT_EQ(t.fb().title(), "win");
  EXPECT_EQ(t.fb().icon_name(), "icon");
  t.Write("\x1b];semi\x07");
  EXPECT_EQ(t.fb().title(), "semi");
  t.Write(
      "\xC2\x9D"
      "2;c1\xC2\x9C");
  EXPECT_EQ(t.fb().title(), "c1");
}

TEST(OscTest, TitleKeepsFirst256CharactersIncludingPrefix) {
  Term t(4, 1);
  std::string text;
  for (int i = 0; i < 300; ++i) text += "\xC3\xA9";  // 300 two-byte characters
  t.Write("\x1b]2;" + text + "\x07");
  EXPECT_EQ(t.fb().title(), text.substr(0, 254 * 2));
}

TEST(OscTest, TitleSplitAcrossWrites) {
  Term t(4, 1);
  for (char c : std::string("\x1b]2;split title\x07")) t.Write(std::string(1, c));
  EXPECT_EQ(t.fb().title(), "split title");
}

TEST(OscTest, OtherOscCommandsDoNotTouchTheTitle) {
  Term t(4, 1);
  t.Write("\x1b]2;keep\x07\x1b]3;x\x07\x1b]12;red\x07\x1b]a;x\x07");
  EXPECT_EQ(t.fb().title(), "keep");
}

TEST(OscTest, ClipboardIsStoredVerbatim) {
  Term t(4, 1);
  t.Write("\x1b]52;c;aGVsbG8=\x07");
  EXPECT_EQ(t.fb().clipboard(), "aGVsbG8=");
  EXPECT_EQ(t.fb().clipboard_selection(), "c");
  t.Write("\x1b]52;p;d29ybGQ=\x1b\\");
  EXPECT_EQ(t.fb().clipboard(), "d29ybGQ=");
  EXPECT_EQ(t.fb().clipboard_selection(), "p");
  t.Write("\x1b]52;;eA==\x07");
  EXPECT_EQ(t.fb().clipboard(), "eA==");
}

TEST(OscTest, ClipboardQueryIsNeitherStoredNorAnswered) {
  Term t(4, 1);
  t.Write("\x1b]52;c;aGk=\x07\x1b]52;c;?\x07");
  EXPECT_EQ(t.fb().clipboard(), "aGk=");
  EXPECT_EQ(t.emu().TakeReplies(), "");
}

TEST(OscTest, ClipboardTakesOnlyStrictBase64ForKnownSelections) {
  Term t(4, 1);
  t.Write("\x1b]52;c;aGk=\x07");
  ASSERT_EQ(t.fb().clipboard(), "aGk=");
  // Read requests in other spellings, and data that is not strict base64,
  // are neither stored nor (so) forwarded to the user's terminal.
  for (const char* data : {"?", "?x", " ?", "aGk", "aGk==", "aG=k", "a=Gk", "aGk=\x1b",
                           "a Gk=", "aGk=aGk", "aGk!", "-_-_", "aGk=?", "====", "a==="}) {
    t.Write(std::string("\x1b]52;c;") + data + "\x07");
    EXPECT_EQ(t.fb().clipboard(), "aGk=") << data;
  }
  for (const char* selection : {"x", "c;", "8", "cz", "?"}) {
    t.Write(std::string("\x1b]52;") + selection + ";eA==\x07");
    EXPECT_EQ(t.fb().clipboard(), "aGk=") << selection;
  }
  // Every valid form is accepted.
  t.Write("\x1b]52;cpqs07;eHk=\x07");
  EXPECT_EQ(t.fb().clipboard(), "eHk=");
  EXPECT_EQ(t.fb().clipboard_selection(), "cpqs07");
  t.Write("\x1b]52;c;YWJj\x07");
  EXPECT_EQ(t.fb().clipboard(), "YWJj");
  t.Write("\x1b]52;c;+/+/\x07");
  EXPECT_EQ(t.fb().clipboard(), "+/+/");
  t.Write("\x1b]52;c;\x07");  // empty: clears
  EXPECT_EQ(t.fb().clipboard(), "");
  EXPECT_EQ(t.emu().TakeReplies(), "");
}

TEST(OscTest, HyperlinksMarkCells) {
  Term t(10, 1);
  t.Write("a\x1b]8;id=x;http://example.com/\x1b\\link\x1b]8;;\x1b\\b");
  EXPECT_EQ(t.CellAt(0, 0).rend.link, 0);
  uint16_t id = t.CellAt(0, 1).rend.link;
  ASSERT_NE(id, 0);
  EXPECT_EQ(t.CellAt(0, 4).rend.link, id);
  EXPECT_EQ(t.CellAt(0, 5).rend.link, 0);
  ASSERT_GE(t.fb().links().size(), id);
  EXPECT_EQ(t.fb().links()[id - 1].uri, "http://example.com/");
  EXPECT_EQ(t.fb().links()[id - 1].id, "x");
  // The same link again reuses its id.
  t.Write("\x1b]8;id=x;http://example.com/\x07z\x1b]8;;\x07");
  EXPECT_EQ(t.CellAt(0, 6).rend.link, id);
  EXPECT_EQ(t.fb().links().size(), 1u);
}

TEST(OscTest, HyperlinkSurvivesSgrReset) {
  Term t(10, 1);
  t.Write("\x1b]8;;http://a/\x07\x1b[0mx");
  EXPECT_NE(t.CellAt(0, 0).rend.link, 0);
}

TEST(OscTest, OversizeHyperlinksAreNotStored) {
  Term t(10, 1);
  t.Write("\x1b]8;;https://a/" + std::string(LinkTable::kMaxUriBytes, 'x') + "\x07y");
  EXPECT_EQ(t.CellAt(0, 0).rend.link, 0);
  t.Write("\x1b]8;id=" + std::string(LinkTable::kMaxIdBytes + 1, 'i') + ";https://a/\x07z");
  EXPECT_EQ(t.CellAt(0, 1).rend.link, 0);
  EXPECT_TRUE(t.fb().links().empty());
  // Just within the limits: stored.
  t.Write("\x1b]8;id=" + std::string(LinkTable::kMaxIdBytes, 'i') + ";" +
          std::string(LinkTable::kMaxUriBytes, 'u') + "\x07w");
  EXPECT_NE(t.CellAt(0, 2).rend.link, 0);
}

TEST(OscTest, HyperlinksAreIgnoredWhenNotKept) {
  EmulatorOptions options;
  options.keep_links = false;
  Term t(10, 1, options);
  t.Write("\x1b]8;id=x;http://example.com/\x1b\\link\x1b]8;;\x1b\\");
  EXPECT_EQ(t.Line(0), "link");
  EXPECT_EQ(t.CellAt(0, 0).rend.link, 0);
  EXPECT_TRUE(t.fb().links().empty());
}

// CPU seconds used by this thread (the machine may be busy with other work).
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Sanitizer builds run several times slower; the bound there only has to
// tell linear from quadratic.
#if defined(__SANITIZE_ADDRESS__)
constexpr double kMinLinkMBps = 5;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr double kMinLinkMBps = 5;
#else
constexpr double kMinLinkMBps = 50;
#endif
#else
constexpr double kMinLinkMBps = 50;
#endif

// `cat` of a crafted file: 10 MiB of output where every word is a new OSC 8
// link, every other one with a long URI that differs from the others only
// at its end. Each new link used to copy the whole table, and a full table
// was searched linearly per link; it must now go at output speed.
double LinkFloodMBps(EmulatorOptions options) {
  const std::string long_prefix = "https://example.com/" + std::string(1900, 'a') + "/";
  std::string flood;
  flood.reserve(10u << 20);
  for (int n = 0; flood.size() < (10u << 20); ++n) {
    const std::string number = std::to_string(n);
    const std::string uri =
        (n % 2 == 0 ? long_prefix : std::string("https://example.com/")) + number;
    flood += "\x1b]8;id=l" + number + ";" + uri + "\x1b\\w" + number + "\x1b]8;;\x1b\\ ";
    if (n % 8 == 7) flood += "\r\n";
  }
  Emulator emulator(80, 24, options);
  const double start = ThreadCpuSeconds();
  for (size_t i = 0; i < flood.size(); i += 4096) {
    emulator.Write(std::string_view(flood).substr(i, 4096));
  }
  const double seconds = std::max(ThreadCpuSeconds() - start, 1e-6);
  EXPECT_LE(emulator.fb().links().size(), LinkTable::kMaxLinks);
  return static_cast<double>(flood.size()) / 1e6 / seconds;
}

TEST(OscTest, TenMibOfDistinctHyperlinksAreProcessedAtOutputSpeed) {
  EmulatorOptions client;  // links kept (the client renders them)
  const double kept = LinkFloodMBps(client);
  EXPECT_GE(kept, kMinLinkMBps) << "links kept: " << kept << " MB/s";
  EmulatorOptions server;
  server.keep_links = false;
  const double ignored = LinkFloodMBps(server);
  EXPECT_GE(ignored, kMinLinkMBps) << "links ignored: " << ignored << " MB/s";
  std::printf("OSC 8 flood: %.0f MB/s with links kept, %.0f MB/s ignored\n", kept, ignored);
}

}  // namespace
}  // namespace roam::term
