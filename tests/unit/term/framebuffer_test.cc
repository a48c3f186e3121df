// Framebuffer: copy-on-write rows shared between copies, docs/protocol.md §7.1
// equality, ring scrolling keeping row identity.

#include "term/framebuffer.h"

#include <gtest/gtest.h>

#include "term_test_util.h"

namespace roam::term {
namespace {

using testing::Term;

TEST(FramebufferTest, CopiesShareRowsUntilWritten) {
  Term t(5, 3);
  t.Write("abc\r\ndef");
  Framebuffer snapshot = t.fb();
  EXPECT_EQ(snapshot.row_ptr(0), t.fb().row_ptr(0));
  t.Write("\x1b[1;1HX");
  EXPECT_NE(snapshot.row_ptr(0), t.fb().row_ptr(0));
  EXPECT_EQ(snapshot.row_ptr(1), t.fb().row_ptr(1));
  EXPECT_EQ(testing::RowText(snapshot.row(0)), "abc");
  EXPECT_EQ(t.Line(0), "Xbc");
}

TEST(FramebufferTest, ScrollingKeepsRowIdentity) {
  Term t(5, 3);
  t.Write("a\r\nb\r\nc");
  Framebuffer snapshot = t.fb();
  t.Write("\n");
  EXPECT_EQ(t.fb().row_ptr(0), snapshot.row_ptr(1));
  EXPECT_EQ(t.fb().row_ptr(1), snapshot.row_ptr(2));
  EXPECT_EQ(testing::RowText(snapshot.row(0)), "a");
}

TEST(FramebufferTest, GenChangesOnWrite) {
  Term t(5, 1);
  uint64_t gen = t.fb().row(0).gen();
  t.Write("x");
  EXPECT_NE(t.fb().row(0).gen(), gen);
}

TEST(FramebufferTest, EqualityCoversSpecFields) {
  Term a(5, 3);
  Term b(5, 3);
  EXPECT_TRUE(a.fb() == b.fb());
  a.Write("x");
  EXPECT_FALSE(a.fb() == b.fb());
  b.Write("x");
  EXPECT_TRUE(a.fb() == b.fb());
  a.Write("\x1b]2;t\x07");
  EXPECT_FALSE(a.fb() == b.fb());
  b.Write("\x1b]2;t\x07");
  a.Write("\x1b]1;icon\x07");  // icon name is not compared
  EXPECT_TRUE(a.fb() == b.fb());
  a.Write("\x1b[2;3r");  // margins are not compared (cursor homes in both)
  b.Write("\x1b[H");
  EXPECT_TRUE(a.fb() == b.fb());
  a.Write("\x1b[?2004h");
  EXPECT_FALSE(a.fb() == b.fb());
  b.Write("\x1b[?2004h\x07");
  EXPECT_FALSE(a.fb() == b.fb());  // bell count
}

TEST(FramebufferTest, EqualRowsWithDifferentClusterSlotsCompareEqual) {
  Row a(3, kDefaultColor);
  Row b(3, kDefaultColor);
  a.mutable_cell(0) = Cell('x', Rendition());
  a.AppendCombining(0, 0x301);
  a.mutable_cell(0) = Cell('y', Rendition());  // leaves an unused cluster
  a.AppendCombining(0, 0x301);
  b.mutable_cell(0) = Cell('y', Rendition());
  b.AppendCombining(0, 0x301);
  EXPECT_TRUE(a == b);
  b.set_wrap(true);
  EXPECT_FALSE(a == b);
}

}  // namespace
}  // namespace roam::term
