// The control socket's pieces: where it lives, which directories are safe,
// its name, and serving and connecting on a real Unix socket.

#include "client/control_socket.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>

namespace roam::client {
namespace {

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

class ControlSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/roam-control-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  mode_t ModeOf(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(lstat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }

  std::string dir_;
  const uid_t uid_ = geteuid();
};

TEST(ControlDirectoryTest, TheRuntimeDirectoryWhenItIsAnAbsolutePath) {
  EXPECT_EQ(DefaultControlDirectory(Env({{"XDG_RUNTIME_DIR", "/run/user/1000"}}), 1000),
            "/run/user/1000/roam");
  EXPECT_EQ(DefaultControlDirectory(Env({}), 1000), "/tmp/roam-1000");
  EXPECT_EQ(DefaultControlDirectory(Env({{"XDG_RUNTIME_DIR", ""}}), 7), "/tmp/roam-7");
  EXPECT_EQ(DefaultControlDirectory(Env({{"XDG_RUNTIME_DIR", "run/user/7"}}), 7), "/tmp/roam-7");
}

TEST_F(ControlSocketTest, AMissingDirectoryIsCreatedPrivate) {
  const std::string dir = dir_ + "/roam";
  ASSERT_TRUE(PreparePrivateDirectory(dir, uid_).ok());
  EXPECT_EQ(ModeOf(dir), 0700u);
  // And accepted as it is the second time.
  EXPECT_TRUE(PreparePrivateDirectory(dir, uid_).ok());
}

TEST_F(ControlSocketTest, ADirectoryOthersCanEnterIsRefusedWithItsMode) {
  const std::string dir = dir_ + "/open";
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  ASSERT_EQ(chmod(dir.c_str(), 0755), 0);
  Status s = PreparePrivateDirectory(dir, uid_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("is open to other users (mode 0755; want 0700)"), std::string::npos)
      << s.message();
  ASSERT_EQ(chmod(dir.c_str(), 0710), 0);
  EXPECT_FALSE(PreparePrivateDirectory(dir, uid_).ok());
}

TEST_F(ControlSocketTest, ALinkAFileOrAnotherUsersDirectoryIsRefused) {
  const std::string real = dir_ + "/real";
  ASSERT_EQ(mkdir(real.c_str(), 0700), 0);
  const std::string link = dir_ + "/link";
  ASSERT_EQ(symlink(real.c_str(), link.c_str()), 0);
  Status s = PreparePrivateDirectory(link, uid_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("is not a directory"), std::string::npos) << s.message();

  const std::string file = dir_ + "/file";
  ASSERT_EQ(close(creat(file.c_str(), 0600)), 0);
  EXPECT_FALSE(PreparePrivateDirectory(file, uid_).ok());

  s = PreparePrivateDirectory(real, uid_ + 1);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("belongs to another user"), std::string::npos) << s.message();
}

TEST(ControlSocketNameTest, StableAndDistinctForEachDestination) {
  const std::string a = ControlSocketName({"alice@host", "", "-p", "2222"});
  EXPECT_TRUE(std::regex_match(a, std::regex("[0-9a-f]{16}\\.sock"))) << a;
  EXPECT_EQ(a, ControlSocketName({"alice@host", "", "-p", "2222"}));
  EXPECT_NE(a, ControlSocketName({"alice@host", "", "-p", "2223"}));
  EXPECT_NE(a, ControlSocketName({"bob@host", "", "-p", "2222"}));
  EXPECT_NE(a, ControlSocketName({"alice@host", "roam-server", "-p", "2222"}));
  // Field boundaries count: the same bytes split differently differ.
  EXPECT_NE(ControlSocketName({"ab", "c"}), ControlSocketName({"a", "bc"}));
  EXPECT_NE(ControlSocketName({"host", ""}), ControlSocketName({"host"}));
}

TEST_F(ControlSocketTest, ResolvingNoneAPathOrTheDefault) {
  for (const char* none : {"none", "NONE", "None"}) {
    Result<std::optional<std::string>> r = ResolveControlPath(none, {"h"}, Env({}), uid_);
    ASSERT_TRUE(r.ok()) << none;
    EXPECT_FALSE(r->has_value()) << none;
  }
  Result<std::optional<std::string>> given =
      ResolveControlPath(dir_ + "/mine.sock", {"h"}, Env({}), uid_);
  ASSERT_TRUE(given.ok()) << given.status().message();
  EXPECT_EQ(**given, dir_ + "/mine.sock");

  Result<std::optional<std::string>> standard =
      ResolveControlPath("", {"h"}, Env({{"XDG_RUNTIME_DIR", dir_}}), uid_);
  ASSERT_TRUE(standard.ok()) << standard.status().message();
  EXPECT_EQ(**standard, dir_ + "/roam/" + ControlSocketName({"h"}));
  EXPECT_EQ(ModeOf(dir_ + "/roam"), 0700u);

  // A path in a directory others can enter is not used.
  const std::string open = dir_ + "/open";
  ASSERT_EQ(mkdir(open.c_str(), 0700), 0);
  ASSERT_EQ(chmod(open.c_str(), 0777), 0);
  EXPECT_FALSE(ResolveControlPath(open + "/s.sock", {"h"}, Env({}), uid_).ok());
}

TEST(PeerCredentialsTest, TheOtherEndsUidIsChecked) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  EXPECT_TRUE(PeerHasUid(fds[0], geteuid()));
  EXPECT_FALSE(PeerHasUid(fds[0], geteuid() + 1));
  close(fds[0]);
  close(fds[1]);
  // Not a socket at all: never the right peer.
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  EXPECT_FALSE(PeerHasUid(pipe_fds[0], geteuid()));
  close(pipe_fds[0]);
  close(pipe_fds[1]);
}

TEST_F(ControlSocketTest, ServingConnectingAndAStaleSocket) {
  const std::string path = dir_ + "/s.sock";
  Result<UniqueFd> none = ConnectControl(path, uid_);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kUnavailable);

  {
    Result<UniqueFd> listener = ListenControl(path, uid_);
    ASSERT_TRUE(listener.ok()) << listener.status().message();
    EXPECT_EQ(ModeOf(path) & 0777, 0600u);
    // Only the socket itself is left in the directory (no temporary name).
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_),
                            std::filesystem::directory_iterator()),
              1);
    Result<UniqueFd> client = ConnectControl(path, uid_);
    EXPECT_TRUE(client.ok()) << client.status().message();
    // A second session to the same place does not take it over.
    Result<UniqueFd> second = ListenControl(path, uid_);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
    // A listener that checks for another uid refuses this one.
    EXPECT_EQ(ConnectControl(path, uid_ + 1).status().code(), StatusCode::kIoError);
  }
  // The listener is gone; its file is stale.
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(ConnectControl(path, uid_).status().code(), StatusCode::kUnavailable);
  Result<UniqueFd> replaced = ListenControl(path, uid_);
  ASSERT_TRUE(replaced.ok()) << replaced.status().message();
  EXPECT_TRUE(ConnectControl(path, uid_).ok());
}

TEST_F(ControlSocketTest, APathTooLongForASocketIsAClearError) {
  const std::string path = dir_ + "/" + std::string(200, 'x') + ".sock";
  Result<UniqueFd> r = ListenControl(path, uid_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("too long"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace roam::client
