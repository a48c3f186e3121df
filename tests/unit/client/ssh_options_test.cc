// roam standing in for ssh: the command lines rsync, sftp, scp and git hand
// to their ssh program (the argv of OpenSSH 9.2 and 10.x's sftp.c / scp.c).

#include "client/ssh_options.h"

#include <gtest/gtest.h>

#include "client/roam_options.h"

namespace roam::client {
namespace {

using Args = std::vector<std::string>;

RoamOptions Parse(const Args& args) {
  Result<RoamOptions> o = ParseRoamOptions(args);
  EXPECT_TRUE(o.ok()) << o.status().ToString();
  return o.ok() ? *o : RoamOptions{};
}

TEST(SshOptionsTest, RsyncJoinsUserHostAndCommandLikeSsh) {
  RoamOptions o =
      Parse({"-l", "alice", "example.org", "rsync", "--server", "-vlogDtpre.iLsfxC", ".", "dest/"});
  EXPECT_TRUE(o.ssh_style);
  EXPECT_EQ(o.destination, "alice@example.org");
  EXPECT_EQ(o.command, (Args{"rsync", "--server", "-vlogDtpre.iLsfxC", ".", "dest/"}));
}

TEST(SshOptionsTest, RsyncWithRoamsOwnPortKeepsMoshMeaning) {
  RoamOptions o = Parse({"-p", "60001", "example.org", "rsync", "--server", "."});
  EXPECT_FALSE(o.ssh_style);
  EXPECT_EQ(o.port, "60001");
}

TEST(SshOptionsTest, SftpArgvOpensTheSftpSubsystem) {
  // sftp -S roam -P 2222 alice@example.org
  RoamOptions o = Parse({"-oForwardX11 no", "-oPermitLocalCommand no", "-oClearAllForwardings yes",
                         "-oControlMaster no", "-oForwardAgent no", "-oPort 2222", "-l", "alice",
                         "-s", "--", "example.org", "sftp"});
  EXPECT_TRUE(o.ssh_style);
  EXPECT_TRUE(o.subsystem);
  EXPECT_FALSE(o.forward_agent);
  EXPECT_EQ(o.destination, "alice@example.org");
  EXPECT_EQ(o.command, (Args{"sftp"}));
  // The port is ssh's, for the ssh that starts the server.
  EXPECT_EQ((Args{o.ssh.end() - 2, o.ssh.end()}), (Args{"-o", "Port=2222"}));
}

TEST(SshOptionsTest, ScpSftpModeArgv) {
  // scp -S roam -P 2222 file alice@example.org:  (SFTP mode, the default)
  RoamOptions o =
      Parse({"-x", "-oPermitLocalCommand=no", "-oClearAllForwardings=yes", "-oRemoteCommand=none",
             "-oRequestTTY=no", "-oControlMaster=no", "-oForwardAgent=no", "-p", "2222", "-l",
             "alice", "-s", "--", "example.org", "sftp"});
  EXPECT_TRUE(o.subsystem);
  EXPECT_TRUE(o.no_tty);
  EXPECT_EQ(o.port, "") << "-p is ssh's port here, not the UDP one";
  EXPECT_EQ((Args{o.ssh.end() - 2, o.ssh.end()}), (Args{"-p", "2222"}));
  EXPECT_EQ(o.destination, "alice@example.org");
}

TEST(SshOptionsTest, ScpLegacyModeRunsScpAsACommand) {
  // scp -O -S roam file example.org:dir
  RoamOptions o = Parse({"-x", "-oPermitLocalCommand=no", "-oClearAllForwardings=yes",
                         "-oRemoteCommand=none", "-oRequestTTY=no", "-oControlMaster=no",
                         "-oForwardAgent=no", "--", "example.org", "scp -t dir"});
  EXPECT_FALSE(o.subsystem);
  EXPECT_EQ(o.command, (Args{"scp -t dir"}));
}

TEST(SshOptionsTest, GitSimpleVariant) {
  RoamOptions o = Parse({"example.org", "git-upload-pack 'repo.git'"});
  EXPECT_EQ(o.destination, "example.org");
  EXPECT_EQ(o.command, (Args{"git-upload-pack 'repo.git'"}));
}

TEST(SshOptionsTest, SshOptionsThatConcernTheConnectionGoToTheBootstrapSsh) {
  RoamOptions o = Parse({"-i", "/k", "-F", "/cfg", "-J", "jump", "-oBatchMode=yes",
                         "-oStrictHostKeyChecking=accept-new", "h"});
  EXPECT_EQ((Args{o.ssh.begin() + 1, o.ssh.end()}),
            (Args{"-i", "/k", "-F", "/cfg", "-J", "jump", "-o", "BatchMode=yes", "-o",
                  "StrictHostKeyChecking=accept-new"}));
}

TEST(SshOptionsTest, HarmlessUnknownsAreNotedAndSecurityChangesRefused) {
  RoamOptions o = Parse({"-q", "-C", "-oSomethingNew=1", "h"});
  EXPECT_EQ(o.notes.size(), 3u);
  for (const Args& bad : std::vector<Args>{{"-X", "h"},
                                           {"-Y", "h"},
                                           {"-oForwardX11=yes", "h"},
                                           {"-oLocalCommand=touch x", "h"},
                                           {"-oPermitLocalCommand yes", "h"},
                                           {"-oTunnel=yes", "h"},
                                           {"-w", "0", "h"}}) {
    Result<RoamOptions> r = ParseRoamOptions(bad);
    EXPECT_FALSE(r.ok()) << bad[0];
    if (!r.ok()) {
      EXPECT_EQ(r.status().message().find('\n'), std::string::npos) << "one line";
    }
  }
}

TEST(SshOptionsTest, NInSshStyleMeansStdinFromDevNull) {
  EXPECT_TRUE(Parse({"-x", "-n", "h", "true"}).stdin_null);
  RoamOptions mosh = Parse({"-n", "h"});
  EXPECT_FALSE(mosh.stdin_null);
  EXPECT_EQ(mosh.predict_mode, predict::DisplayMode::kNever);
}

TEST(SshOptionsTest, RequestTtyAndAgentSettings) {
  EXPECT_TRUE(Parse({"-oRequestTTY=force", "h", "top"}).force_tty);
  EXPECT_TRUE(Parse({"-o", "ForwardAgent=yes", "h"}).forward_agent);
  EXPECT_FALSE(Parse({"-A", "-a", "-x", "h"}).forward_agent);
}

}  // namespace
}  // namespace roam::client
