// ServerInstall (src/client/server_install.h): the reply lines, the remote
// command, and the whole protocol with its remote script run by a local
// `sh` instead of over ssh ("ssh" here is a script that drops ssh's options
// and runs the remote command), with HOME and PATH of the test's own.

#include "client/server_install.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace roam::client {
namespace {

using Kind = InstallReply::Kind;

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const std::string& path, const std::string& text, mode_t mode) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
  }
  chmod(path.c_str(), mode);
}

TEST(ParseInstallReplyTest, ReadsEveryReply) {
  EXPECT_EQ(ParseInstallReply("ROAM INSTALL have")->kind, Kind::kHave);
  EXPECT_EQ(ParseInstallReply("ROAM INSTALL installed\r")->kind, Kind::kInstalled);
  EXPECT_EQ(ParseInstallReply("ROAM INSTALL nohash")->kind, Kind::kNoHash);
  EXPECT_EQ(ParseInstallReply("ROAM INSTALL send new")->kind, Kind::kSendNew);
  EXPECT_EQ(ParseInstallReply("ROAM INSTALL send replace")->kind, Kind::kSendReplace);
  std::optional<InstallReply> present = ParseInstallReply("ROAM INSTALL present mosh-server");
  ASSERT_TRUE(present);
  EXPECT_EQ(present->kind, Kind::kPresent);
  EXPECT_EQ(present->detail, "mosh-server");
  std::optional<InstallReply> arch = ParseInstallReply("ROAM INSTALL arch aarch64");
  ASSERT_TRUE(arch);
  EXPECT_EQ(arch->kind, Kind::kArch);
  EXPECT_EQ(arch->detail, "aarch64");
}

TEST(ParseInstallReplyTest, OtherLinesAreNotReplies) {
  EXPECT_FALSE(ParseInstallReply(""));
  EXPECT_FALSE(ParseInstallReply("Welcome to the host"));
  EXPECT_FALSE(ParseInstallReply("ROAM INSTALL"));
  EXPECT_FALSE(ParseInstallReply("ROAM INSTALL hav"));
  EXPECT_FALSE(ParseInstallReply("ROAM INSTALL have extra"));
  EXPECT_FALSE(ParseInstallReply("ROAM INSTALL present"));
  EXPECT_FALSE(ParseInstallReply("ROAM INSTALL present "));
  EXPECT_FALSE(ParseInstallReply("ROAM INSTALL send"));
  EXPECT_FALSE(ParseInstallReply("ROAM INSTALL send later"));
  EXPECT_FALSE(ParseInstallReply("ROAM INSTALL arch \x1b[2J"));
  EXPECT_FALSE(ParseInstallReply("ROAM INSTALL bad " + std::string(65, 'a')));
  EXPECT_FALSE(ParseInstallReply(" ROAM INSTALL have"));
}

TEST(InstallRemoteCommandTest, OneLineThatEveryLoginShellReadsAlike) {
  StaticServer server;
  server.sha256 = std::string(64, 'a');
  server.machine = "x86_64";
  const std::string command = InstallRemoteCommand(server);
  EXPECT_EQ(command.rfind("sh -c '", 0), 0u) << command;
  EXPECT_NE(command.find("' roam-install '" + server.sha256 + "' 'x86_64'"), std::string::npos)
      << command;
  // The script between the first pair of quotes has no quote, ! or newline.
  const std::string script = command.substr(7, command.find('\'', 7) - 7);
  EXPECT_EQ(script.find_first_of("'!\n"), std::string::npos) << script;
  EXPECT_EQ(command.find('\n'), std::string::npos);
}

TEST(InstallServerOptionTest, RoamTakesTheFlag) {
  Result<RoamOptions> with = ParseRoamOptions({"--install-server", "user@host", "--", "ls"});
  ASSERT_TRUE(with.ok()) << with.status().ToString();
  EXPECT_TRUE(with->install_server);
  EXPECT_EQ(with->destination, "user@host");
  Result<RoamOptions> without = ParseRoamOptions({"host"});
  ASSERT_TRUE(without.ok());
  EXPECT_FALSE(without->install_server);
  EXPECT_NE(RoamUsage().find("--install-server"), std::string::npos);
}

TEST(StaticServerTest, LooksBesideRoamThenInLibexec) {
  EXPECT_EQ(StaticServerCandidates("/opt/roam/bin"),
            (std::vector<std::string>{"/opt/roam/bin/roam-server-static",
                                      "/opt/roam/bin/../libexec/roam/roam-server-static"}));
}

class InstallProtocolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/roam-server-install-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    home_ = dir_ + "/home";
    bin_ = dir_ + "/bin";
    std::filesystem::create_directories(home_);
    std::filesystem::create_directories(bin_);
    // The "ssh": skips everything up to "--", runs the remote command.
    ssh_ = dir_ + "/fake-ssh";
    WriteFile(ssh_,
              "#!/bin/sh\n"
              "while [ \"$#\" -gt 0 ] && [ \"$1\" != -- ]; do shift; done\n"
              "shift\n"
              "exec sh -c \"$1\"\n",
              0755);
    old_home_ = getenv("HOME") ? getenv("HOME") : "";
    old_path_ = getenv("PATH") ? getenv("PATH") : "";
    setenv("HOME", home_.c_str(), 1);
    // No roam-server or mosh-server from the system: the tools only.
    for (const char* tool :
         {"sh", "cat", "mkdir", "chmod", "mv", "rm", "cut", "sha256sum", "uname"}) {
      for (const char* d : {"/usr/bin/", "/bin/"}) {
        if (access((std::string(d) + tool).c_str(), X_OK) == 0) {
          std::filesystem::create_symlink(std::string(d) + tool, bin_ + "/" + tool);
          break;
        }
      }
    }
    setenv("PATH", bin_.c_str(), 1);

    server_.path = dir_ + "/roam-server-static";
    WriteFile(server_.path, "#!/bin/sh\necho a stand-in server\n", 0755);
    Result<std::string> hash = Sha256OfFile(server_.path);
    ASSERT_TRUE(hash.ok()) << hash.status().ToString();
    server_.sha256 = *hash;
    server_.size = ReadWholeFile(server_.path).size();
    utsname_machine_ = RemoteMachine();
    server_.machine = utsname_machine_;
    installed_ = home_ + "/.local/bin/roam-server";
  }

  void TearDown() override {
    setenv("HOME", old_home_.c_str(), 1);
    setenv("PATH", old_path_.c_str(), 1);
    std::filesystem::remove_all(dir_);
  }

  static std::string RemoteMachine() {
    FILE* p = popen("uname -m", "r");
    char buf[64] = {};
    if (p && fgets(buf, sizeof buf, p)) {
      pclose(p);
      std::string m = buf;
      if (!m.empty() && m.back() == '\n') m.pop_back();
      return m;
    }
    if (p) pclose(p);
    return "";
  }

  Result<InstallOutcome> Install() {
    notes_.clear();
    return InstallServer({ssh_, "-o", "BatchMode=yes"}, "host.example", server_,
                         std::chrono::seconds(20),
                         [this](const std::string& line) { notes_.push_back(line); });
  }

  std::string dir_, home_, bin_, ssh_, old_home_, old_path_, installed_, utsname_machine_;
  StaticServer server_;
  std::vector<std::string> notes_;
};

TEST_F(InstallProtocolTest, CopiesWhenNothingIsThereThenFindsIt) {
  Result<InstallOutcome> first = Install();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->server, std::string(kInstalledServerCommand));
  EXPECT_TRUE(first->copied);
  EXPECT_FALSE(first->replaced);
  EXPECT_EQ(ReadWholeFile(installed_), ReadWholeFile(server_.path));
  struct stat st {};
  ASSERT_EQ(stat(installed_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
  ASSERT_EQ(notes_.size(), 1u);
  EXPECT_NE(notes_[0].find("copying roam-server"), std::string::npos) << notes_[0];

  Result<InstallOutcome> second = Install();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->server, std::string(kInstalledServerCommand));
  EXPECT_FALSE(second->copied);
  EXPECT_TRUE(notes_.empty());
  // No temporary file is left beside it.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(home_ + "/.local/bin"),
                          std::filesystem::directory_iterator()),
            1);
}

TEST_F(InstallProtocolTest, ReplacesACopyWithAnotherHash) {
  std::filesystem::create_directories(home_ + "/.local/bin");
  WriteFile(installed_, "#!/bin/sh\necho tampered\n", 0755);
  Result<InstallOutcome> r = Install();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->copied);
  EXPECT_TRUE(r->replaced);
  EXPECT_EQ(ReadWholeFile(installed_), ReadWholeFile(server_.path));
  ASSERT_EQ(notes_.size(), 1u);
  EXPECT_NE(notes_[0].find("whose SHA-256 differs"), std::string::npos) << notes_[0];
}

TEST_F(InstallProtocolTest, ADeclinedCopyInstallsNothing) {
  std::vector<Kind> asked;
  notes_.clear();
  Result<InstallOutcome> r = InstallServer(
      {ssh_}, "host.example", server_, std::chrono::seconds(20),
      [this](const std::string& line) { notes_.push_back(line); },
      [&](const InstallReply& reply) {
        asked.push_back(reply.kind);
        return false;
      });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->declined);
  EXPECT_FALSE(r->copied);
  EXPECT_FALSE(r->server);
  EXPECT_EQ(asked, std::vector<Kind>{Kind::kSendNew});
  EXPECT_TRUE(notes_.empty());
  EXPECT_FALSE(std::filesystem::exists(installed_));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(home_ + "/.local/bin"),
                          std::filesystem::directory_iterator()),
            0);
}

TEST_F(InstallProtocolTest, AConfirmedCopyIsInstalled) {
  Result<InstallOutcome> r = InstallServer(
      {ssh_}, "host.example", server_, std::chrono::seconds(20), [](const std::string&) {},
      [](const InstallReply&) { return true; });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->copied);
  EXPECT_EQ(ReadWholeFile(installed_), ReadWholeFile(server_.path));
}

TEST_F(InstallProtocolTest, ARemoteThatAsksTwiceGetsTheBinaryOnce) {
  // A "remote" that asks twice and stores what it receives.
  WriteFile(ssh_,
            "#!/bin/sh\n"
            "echo 'ROAM INSTALL send new'\n"
            "echo 'ROAM INSTALL send new'\n"
            "cat > \"$HOME/received\"\n"
            "echo 'ROAM INSTALL installed'\n",
            0755);
  Result<InstallOutcome> r = Install();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(notes_.size(), 1u);
  EXPECT_EQ(ReadWholeFile(home_ + "/received"), ReadWholeFile(server_.path));
}

TEST_F(InstallProtocolTest, LeavesAHostWithItsOwnServerAlone) {
  WriteFile(bin_ + "/mosh-server", "#!/bin/sh\n", 0755);
  Result<InstallOutcome> r = Install();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->server);
  EXPECT_FALSE(r->copied);
  EXPECT_FALSE(std::filesystem::exists(installed_));
}

TEST_F(InstallProtocolTest, ACopyThatArrivesWithAnotherHashIsNotInstalled) {
  server_.sha256 = std::string(64, '0');  // what roam expects is not what it sends
  Result<InstallOutcome> r = Install();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nothing was installed"), std::string::npos)
      << r.status().message();
  EXPECT_FALSE(std::filesystem::exists(installed_));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(home_ + "/.local/bin"),
                          std::filesystem::directory_iterator()),
            0);
}

TEST_F(InstallProtocolTest, AnotherMachineIsRefused) {
  server_.machine = "pdp11";
  Result<InstallOutcome> r = Install();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "roam: host.example is a " + utsname_machine_ +
                                      " machine; this roam's roam-server is built for pdp11");
  EXPECT_FALSE(std::filesystem::exists(installed_));
}

TEST_F(InstallProtocolTest, SshThatFailsIsNamed) {
  WriteFile(ssh_, "#!/bin/sh\necho 'ssh: connect refused' >&2\nexit 255\n", 0755);
  Result<InstallOutcome> r = Install();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("ssh could not connect to host.example"), std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace roam::client
