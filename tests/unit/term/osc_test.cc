// Emulator OSC: titles and icon names exactly as Mosh (256 characters,
// ";t" form), OSC 52 clipboard (queries never stored), OSC 8 hyperlinks.

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace roam::term
