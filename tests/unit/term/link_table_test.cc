// LinkTable: hashed lookup, bounded size, and copy-on-write sharing between
// framebuffer copies.

#include "term/link_table.h"

#include <gtest/gtest.h>

#include <string>

#include "term/framebuffer.h"

namespace roam::term {
namespace {

Hyperlink Link(const std::string& id, const std::string& uri) { return Hyperlink{id, uri}; }

TEST(LinkTableTest, SameIdAndUriShareANumber) {
  LinkTable table;
  const uint16_t a = table.Intern(Link("x", "https://a/"));
  EXPECT_EQ(a, 1);
  EXPECT_EQ(table.Intern(Link("", "https://a/")), 2);  // anonymous: another link
  EXPECT_EQ(table.Intern(Link("x", "https://a/")), a);
  EXPECT_EQ(table.Find(Link("x", "https://a/")), a);
  EXPECT_EQ(table.Find(Link("y", "https://a/")), 0);
  EXPECT_EQ(table.size(), 2u);
}

TEST(LinkTableTest, FullTableStillFindsWhatItHolds) {
  LinkTable table;
  for (size_t i = 0; i < LinkTable::kMaxLinks; ++i) {
    ASSERT_EQ(table.Intern(Link("", "u" + std::to_string(i))), i + 1);
  }
  EXPECT_FALSE(table.CanAdd(Link("", "overflow")));
  EXPECT_EQ(table.Intern(Link("", "overflow")), 0);
  EXPECT_EQ(table.Intern(Link("", "u7")), 8);
}

TEST(LinkTableTest, TotalBytesAreBounded) {
  LinkTable table;
  const std::string uri(LinkTable::kMaxUriBytes, 'u');
  size_t stored = 0;
  for (int i = 0; i < 2000; ++i) {
    if (table.Intern(Link(std::to_string(i), uri)) != 0) ++stored;
  }
  EXPECT_LT(stored, 2000u);
  EXPECT_LE(stored * LinkTable::kMaxUriBytes, LinkTable::kMaxBytes);
  EXPECT_GT(stored * (LinkTable::kMaxUriBytes + 4), LinkTable::kMaxBytes - 2 * uri.size());
}

TEST(LinkTableTest, AssignRebuildsTheIndex) {
  LinkTable table;
  table.Assign({Link("a", "https://a/"), Link("", "https://b/")});
  EXPECT_EQ(table.Find(Link("", "https://b/")), 2);
  EXPECT_EQ(table.Intern(Link("a", "https://a/")), 1);
  EXPECT_EQ(table.Intern(Link("c", "https://c/")), 3);
}

TEST(LinkTableTest, FramebufferCopiesShareTheTableUntilOneAddsALink) {
  Framebuffer original(4, 1);
  EXPECT_TRUE(original.links().empty());
  ASSERT_EQ(original.InternLink(Link("", "https://a/")), 1);
  Framebuffer copy = original;
  EXPECT_EQ(&copy.links(), &original.links());  // shared
  EXPECT_EQ(copy.InternLink(Link("", "https://a/")), 1);
  EXPECT_EQ(&copy.links(), &original.links());  // a lookup does not clone
  EXPECT_EQ(copy.InternLink(Link("", "https://b/")), 2);
  EXPECT_NE(&copy.links(), &original.links());
  EXPECT_EQ(original.links().size(), 1u);
  EXPECT_EQ(copy.links().size(), 2u);
}

}  // namespace
}  // namespace roam::term
