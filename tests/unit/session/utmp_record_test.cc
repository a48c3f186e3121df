#include "session/utmp_record.h"

#include <gtest/gtest.h>
#include <pty.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace roam::session {
namespace {

// A recording backend whose calls can be made to fail.
std::vector<std::string> g_calls;
bool g_fail = false;

bool FakeAdd(int fd, const char* host) {
  g_calls.push_back("add " + std::to_string(fd) + " " + host);
  return !g_fail;
}
bool FakeRemove(int fd) {
  g_calls.push_back("remove " + std::to_string(fd));
  return !g_fail;
}

class UtmpRecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_calls.clear();
    g_fail = false;
  }
  UtmpBackend fake_{&FakeAdd, &FakeRemove};
};

TEST(UtmpHostTest, Strings) {
  EXPECT_EQ(UtmpHost(1234, ""), "mosh [1234]");
  EXPECT_EQ(UtmpHost(1234, "192.0.2.7"), "192.0.2.7 via mosh [1234]");
}

TEST(DetachedSessionsTest, ListsOnlyThisUsersDetachedOthers) {
  std::vector<UtmpEntry> entries = {
      {"alice", "mosh [100]"},              // detached: counted
      {"alice", "1.2.3.4 via mosh [101]"},  // attached: not counted
      {"alice", "mosh [555]"},              // ourselves
      {"bob", "mosh [102]"},                // another user
      {"alice", "mosh [x]"},                // not a PID
      {"alice", "mosh []"},
      {"alice", ":0"},
      {"alice", "mosh [103]"},
  };
  EXPECT_EQ(DetachedSessionsWarning(entries, "alice", 555),
            "roam-server: you have 2 detached sessions on this server, with PIDs 100 103.\n");
  EXPECT_EQ(DetachedSessionsWarning(entries, "bob", 555),
            "roam-server: you have a detached session on this server, with PID 102.\n");
  EXPECT_EQ(DetachedSessionsWarning(entries, "carol", 555), "");
  EXPECT_EQ(DetachedSessionsWarning({}, "alice", 1), "");
}

TEST(DetachedSessionsTest, ReadingRealUtmpIsBounded) {
  // The container's utmp may be empty or absent; reading must simply work.
  std::vector<UtmpEntry> entries = ReadUtmpEntries();
  for (const UtmpEntry& e : entries) EXPECT_LE(e.host.size(), 256u);
}

TEST_F(UtmpRecordTest, AddsSwitchesAndRemoves) {
  {
    UtmpRecord record(7, "mosh [1]", fake_);
    EXPECT_TRUE(record.active());
    record.SetHost("h via mosh [1]");
    record.SetHost("h via mosh [1]");  // unchanged: no calls
    EXPECT_EQ(record.host(), "h via mosh [1]");
  }
  EXPECT_EQ(g_calls, (std::vector<std::string>{"add 7 mosh [1]", "remove 7", "add 7 h via mosh [1]",
                                               "remove 7"}));
}

TEST_F(UtmpRecordTest, FailuresAreCountedAndNotFatal) {
  g_fail = true;
  {
    UtmpRecord record(3, "mosh [2]", fake_);
    EXPECT_FALSE(record.active());
    record.SetHost("x via mosh [2]");
    EXPECT_FALSE(record.active());
    EXPECT_EQ(record.failures(), 2);
  }
  // Nothing was added, so nothing is removed.
  EXPECT_EQ(g_calls, (std::vector<std::string>{"add 3 mosh [2]", "add 3 x via mosh [2]"}));
}

TEST_F(UtmpRecordTest, FailedAddIsNotRetriedForTheSameHostAndStopsAfterThreeFailures) {
  g_fail = true;
  UtmpRecord record(4, "mosh [5]", fake_);
  // The server calls SetHost once per loop round with the same string: one
  // failed attempt must not become one helper process per round.
  for (int i = 0; i < 1000; ++i) record.SetHost("mosh [5]");
  EXPECT_EQ(g_calls.size(), 1u);
  record.SetHost("a via mosh [5]");  // a new host: one more try
  record.SetHost("a via mosh [5]");
  EXPECT_EQ(g_calls.size(), 2u);
  record.SetHost("b via mosh [5]");  // third failure: utmp is unavailable
  record.SetHost("c via mosh [5]");
  record.SetHost("mosh [5]");
  EXPECT_EQ(record.failures(), kUtmpMaxFailures);
  EXPECT_EQ(g_calls, (std::vector<std::string>{"add 4 mosh [5]", "add 4 a via mosh [5]",
                                               "add 4 b via mosh [5]"}));
  EXPECT_EQ(record.host(), "mosh [5]");
  EXPECT_FALSE(record.active());
}

TEST(UtmpRecordRealTest, LibutempterOnARealPtyDoesNotCrash) {
  int master = -1;
  int slave = -1;
  ASSERT_EQ(openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
  {
    // The setgid helper may be missing or refuse in a test container; either
    // outcome must leave the record consistent.
    UtmpRecord record(master, UtmpHost(getpid(), ""));
    EXPECT_EQ(record.failures() == 0, record.active());
  }
  close(slave);
  close(master);
}

}  // namespace
}  // namespace roam::session
