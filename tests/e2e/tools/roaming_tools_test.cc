// Stock tools and forwarded connections over roam survive roaming: across
// the packet-level link (two network namespaces, tools/netsim), a NAT
// rebinds the client's ports, the client moves to a new address twice and
// the link goes dark for 30 s while
// transfers run and forwarded connections are open. Afterwards every file
// is byte-identical, every tool has exited 0 and every forwarded
// connection still carries data. Needs root (label netns).

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "e2e/common/process_probe.h"
#include "e2e/tools/tool_tree.h"
#include "support/netns_link.h"
#include "support/sshd_fixture.h"
#include "support/subprocess.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A TCP or Unix echo server on its own thread that upper-cases nothing: it
// sends every byte back. Bounded: it stops when told and polls with a short
// timeout.
class EchoServer {
 public:
  explicit EchoServer(UniqueFd listener) : listener_(std::move(listener)) {
    listen(listener_.get(), 16);
    thread_ = std::thread([this] { Loop(); });
  }
  ~EchoServer() {
    stop_ = true;
    thread_.join();
  }

 private:
  void Loop() {
    std::vector<UniqueFd> conns;
    while (!stop_) {
      std::vector<pollfd> fds = {{listener_.get(), POLLIN, 0}};
      for (const UniqueFd& c : conns) fds.push_back({c.get(), POLLIN, 0});
      if (poll(fds.data(), fds.size(), 50) <= 0) continue;
      if (fds[0].revents & POLLIN) conns.emplace_back(accept(listener_.get(), nullptr, nullptr));
      for (size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
        char buf[4096];
        ssize_t n = read(fds[i].fd, buf, sizeof buf);
        if (n > 0) (void)!write(fds[i].fd, buf, static_cast<size_t>(n));
      }
    }
  }

  UniqueFd listener_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A loopback HTTP server that answers every request with `body`, for curl
// through the SOCKS proxy. Bounded like EchoServer.
class HttpServer {
 public:
  HttpServer(UniqueFd listener, std::string body)
      : listener_(std::move(listener)), body_(std::move(body)) {
    listen(listener_.get(), 16);
    thread_ = std::thread([this] { Loop(); });
  }
  ~HttpServer() {
    stop_ = true;
    thread_.join();
  }

 private:
  void Loop() {
    struct Conn {
      UniqueFd fd;
      std::string request;
    };
    std::vector<Conn> conns;
    while (!stop_) {
      std::vector<pollfd> fds = {{listener_.get(), POLLIN, 0}};
      for (const Conn& c : conns) fds.push_back({c.fd.get(), POLLIN, 0});
      if (poll(fds.data(), fds.size(), 50) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        conns.push_back({UniqueFd(accept(listener_.get(), nullptr, nullptr)), ""});
      }
      for (size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
        Conn& c = conns[i - 1];
        char buf[4096];
        ssize_t n = read(c.fd.get(), buf, sizeof buf);
        if (n <= 0) {
          c.fd.Reset();
          continue;
        }
        c.request.append(buf, static_cast<size_t>(n));
        if (c.request.find("\r\n\r\n") == std::string::npos) continue;
        const std::string response =
            "HTTP/1.0 200 OK\r\nContent-Length: " + std::to_string(body_.size()) + "\r\n\r\n" +
            body_;
        (void)!write(c.fd.get(), response.data(), response.size());
        c.fd.Reset();
      }
      std::erase_if(conns, [](const Conn& c) { return !c.fd.valid(); });
    }
  }

  UniqueFd listener_;
  std::string body_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

UniqueFd BindTcp(UniqueFd fd, const std::string& ip, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
  const int one = 1;
  setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return UniqueFd();
  return fd;
}

UniqueFd BindUnix(const std::string& path) {
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM, 0));
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return UniqueFd();
  return fd;
}

// Sends `text` on `fd` and waits (bounded by `limit`) for it to come back.
bool Echoes(int fd, const std::string& text, milliseconds limit = milliseconds(20000)) {
  if (send(fd, text.data(), text.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(text.size())) {
    return false;
  }
  std::string got;
  const auto end = std::chrono::steady_clock::now() + limit;
  while (got.size() < text.size() && std::chrono::steady_clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    got.append(buf, static_cast<size_t>(n));
  }
  return got == text;
}

// "pid: command line" for each of `pids`, for a failure message.
std::string DescribeProcesses(const std::vector<pid_t>& pids) {
  std::string out;
  for (pid_t pid : pids) {
    std::string cmdline = ReadFileBytes("/proc/" + std::to_string(pid) + "/cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    out += "\n  " + std::to_string(pid) + ": " + cmdline;
  }
  return out;
}

// Whether `dir` exists and holds anything.
bool HasEntries(const std::string& dir) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  return !ec && it != std::filesystem::directory_iterator();
}

// A push into `bare` has begun: git receive-pack has a quarantine
// directory (objects/tmp_objdir-incoming-*) or objects already.
bool GitPushUnderWay(const std::string& bare) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(bare + "/objects", ec)) {
    const std::string name = entry.path().filename().string();
    // A quarantine, or loose objects already moved in (a small push is
    // not kept as a pack).
    if (name.find("incoming-") != std::string::npos || name.size() == 2) return true;
  }
  return HasEntries(bare + "/objects/pack");
}

// A clone into `dir` is receiving its pack (git creates `dir` itself before
// it reaches the remote).
bool GitCloneUnderWay(const std::string& dir) { return HasEntries(dir + "/.git/objects/pack"); }

class RoamingToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    if (!NetnsLink::Available(ROAM_NETSIM_BINARY, &why)) GTEST_SKIP() << why;
    ASSERT_TRUE(SshdFixture::Available());
    // 250 kB/s until the outage: whatever the machine's speed, no transfer
    // of 20 MB can end before the network changes (at most 65 s from the
    // start, some 16 MB). A short queue (a quarter second) keeps the ssh
    // start of a late tool from waiting behind the others' data. Roam()
    // lifts the limit once the outage has begun.
    link_ = std::make_unique<NetnsLink>(
        ROAM_NETSIM_BINARY, std::vector<std::string>{"--delay-ms", "5", "--rate-kbit", "2000",
                                                     "--queue-bytes", "65536"});
    ASSERT_TRUE(link_->Start()) << link_->error();
    sshd_ = std::make_unique<SshdFixture>();
    sshd_->UseNetworkNamespaces(link_->server_netns(), link_->server_address(),
                                link_->client_netns());
    sshd_->RemotePathPrepend(ROAM_BIN_DIR);
    ASSERT_TRUE(sshd_->Start()) << sshd_->error();
    dir_ = sshd_->dir();
    // -v: on a failure, the tools' output says how each session's paths went.
    roam_ = WriteRoamWrapper(dir_, sshd_->SshCommandString(), "-v");
    remote_ = sshd_->user() + "@" + link_->server_address();
  }
  void TearDown() override {
    if (sshd_) {
      EXPECT_TRUE(PollUntil([&] { return sshd_->RemoteProcesses().empty(); }, milliseconds(20000)))
          << "session processes left:" << DescribeProcesses(sshd_->RemoteProcesses());
      sshd_.reset();
    }
    if (link_) link_->Stop();
  }

  // The network events of the issue, in the middle of whatever runs: a NAT
  // rebinding, two address changes and a 30 s outage.
  void Roam(const std::function<bool()>& under_way = [] { return true; }) {
    // Only once every session has started: a move cuts the ssh connection
    // that starts one (as it would cut ssh itself).
    ASSERT_TRUE(PollUntil(under_way, milliseconds(60000)))
        << "transfers never started:" << DescribeProcesses(sshd_->RemoteProcesses());
    EXPECT_EQ(link_->Control("rebind"), "NETSIM OK rebind");
    std::this_thread::sleep_for(seconds(2));
    EXPECT_NE(link_->Control("move").find("NETSIM OK move"), std::string::npos);
    std::this_thread::sleep_for(seconds(2));
    EXPECT_NE(link_->Control("move").find("NETSIM OK move"), std::string::npos);
    std::this_thread::sleep_for(seconds(1));
    EXPECT_EQ(link_->Control("outage 30"), "NETSIM OK outage");
    // Once the link is back, a LAN: the rest goes as fast as the machine
    // can move it.
    EXPECT_EQ(link_->Control("profile lan"), "NETSIM OK profile lan");
  }

  std::unique_ptr<Subprocess> InClient(const std::string& command) {
    return std::make_unique<Subprocess>(
        link_->InClient({"sh", "-c", "cd " + ShellQuote(dir_) + " && " + command}));
  }

  std::unique_ptr<NetnsLink> link_;
  std::unique_ptr<SshdFixture> sshd_;
  std::string dir_;
  std::string roam_;
  std::string remote_;
};

TEST_F(RoamingToolsTest, RsyncSftpScpAndGitSurviveARebindTwoMovesAndA30sOutage) {
  WriteTree(dir_ + "/src", 200, 20 << 20, 21);
  WriteRandomFile(dir_ + "/sftp.bin", 20 << 20, 22);
  WriteRandomFile(dir_ + "/scp.bin", 20 << 20, 23);
  std::ofstream(dir_ + "/batch") << "put sftp.bin " << dir_ << "/sftp-up.bin\n";
  CommandResult setup =
      RunCommand({"sh", "-c",
                  "cd " + ShellQuote(dir_) +
                      " && git init -q --bare origin.git && git init -q work && cd work && "
                      "head -c 20000000 /dev/urandom > big.bin && git add big.bin && "
                      "git -c user.name=t -c user.email=t@t commit -q -m big"},
                 seconds(60));
  ASSERT_EQ(setup.status, 0) << setup.output;

  auto rsync = InClient("rsync -a -e " + ShellQuote(roam_) + " src/ " +
                        ShellQuote(remote_ + ":" + dir_ + "/dst") + "/");
  auto sftp = InClient("sftp -S " + ShellQuote(roam_) + " -b batch " + remote_);
  auto scp = InClient("scp -S " + ShellQuote(roam_) + " scp.bin " +
                      ShellQuote(remote_ + ":" + dir_ + "/scp-up.bin"));
  auto clone = InClient("GIT_SSH_COMMAND=" + ShellQuote(roam_) + " git clone -q " +
                        ShellQuote(remote_ + ":" + dir_ + "/work") + " cloned");
  auto git = InClient("cd work && GIT_SSH_COMMAND=" + ShellQuote(roam_) + " git push -q " +
                      ShellQuote(remote_ + ":" + dir_ + "/origin.git") + " HEAD:refs/heads/main");
  // Under way: each tool has written some of its destination.
  Roam([&] {
    std::error_code ec;
    return std::filesystem::exists(dir_ + "/dst", ec) &&
           std::filesystem::exists(dir_ + "/sftp-up.bin", ec) &&
           std::filesystem::exists(dir_ + "/scp-up.bin", ec) &&
           GitCloneUnderWay(dir_ + "/cloned") && GitPushUnderWay(dir_ + "/origin.git");
  });
  // The outage has begun: every tool must still be at work, or the test
  // would show nothing.
  for (auto* tool : {rsync.get(), sftp.get(), scp.get(), git.get(), clone.get()}) {
    EXPECT_FALSE(tool->Wait(milliseconds(0)).has_value())
        << "finished before the outage: " << tool->output();
  }
  const std::pair<const char*, Subprocess*> tools[] = {{"rsync", rsync.get()},
                                                       {"sftp", sftp.get()},
                                                       {"scp", scp.get()},
                                                       {"git push", git.get()},
                                                       {"git clone", clone.get()}};
  for (const auto& [name, tool] : tools) {
    std::optional<int> status = tool->Wait(milliseconds(150000));
    ASSERT_TRUE(status.has_value())
        << name << " still runs 120 s after the outage; its output:\n"
        << tool->output() << "\nsession processes:" << DescribeProcesses(sshd_->RemoteProcesses());
    EXPECT_EQ(*status, 0) << name << ": " << tool->output();
  }
  EXPECT_EQ(TreeDigest(dir_ + "/src"), TreeDigest(dir_ + "/dst"));
  EXPECT_EQ(FileDigest(dir_ + "/sftp.bin"), FileDigest(dir_ + "/sftp-up.bin"));
  EXPECT_EQ(FileDigest(dir_ + "/scp.bin"), FileDigest(dir_ + "/scp-up.bin"));
  CommandResult pushed =
      RunCommand({"git", "--git-dir=" + dir_ + "/origin.git", "rev-parse", "main"}, seconds(10));
  CommandResult local = RunCommand({"git", "-C", dir_ + "/work", "rev-parse", "HEAD"}, seconds(10));
  EXPECT_EQ(pushed.output, local.output);
  EXPECT_EQ(FileDigest(dir_ + "/work/big.bin"), FileDigest(dir_ + "/cloned/big.bin"));
}

TEST_F(RoamingToolsTest, ForwardedConnectionsStayOpenThroughARebindTwoMovesAndA30sOutage) {
  // Targets: a TCP echo server in each namespace, a Unix echo socket for
  // each direction (the file system is shared).
  EchoServer server_echo(BindTcp(link_->ServerSocket(SOCK_STREAM), "127.0.0.1", 17001));
  EchoServer client_echo(BindTcp(link_->ClientSocket(SOCK_STREAM), "127.0.0.1", 17002));
  EchoServer server_unix(BindUnix(dir_ + "/server-echo.sock"));
  EchoServer client_unix(BindUnix(dir_ + "/client-echo.sock"));
  // An ssh agent on the client's side holding the key the server accepts.
  CommandResult agent =
      RunCommand(link_->InClient({"sh", "-c",
                                  "ssh-agent -a " + ShellQuote(dir_ + "/agent.sock") +
                                      " > /dev/null && "
                                      "SSH_AUTH_SOCK=" +
                                      ShellQuote(dir_ + "/agent.sock") + " ssh-add " +
                                      ShellQuote(sshd_->user_key_path()) + " 2>&1"}),
                 seconds(20));
  ASSERT_EQ(agent.status, 0) << agent.output;

  // The session: -L and -R to TCP and Unix targets, -D, -A.
  SubprocessOptions env;
  env.env = {"SSH_AUTH_SOCK=" + dir_ + "/agent.sock"};
  Subprocess session(
      link_->InClient({roam_, "-N", "-A", "-L", "17101:127.0.0.1:17001", "-L",
                       "17102:" + dir_ + "/server-echo.sock", "-R", "17201:127.0.0.1:17002", "-R",
                       dir_ + "/remote.sock:" + dir_ + "/client-echo.sock", "-D", "17300",
                       remote_}),
      env);
  // Connections through each forward, opened before the network changes.
  struct Conn {
    const char* name;
    UniqueFd fd;
  };
  auto connect_tcp = [&](bool client_side, uint16_t port) {
    UniqueFd fd = client_side ? link_->ClientSocket(SOCK_STREAM) : link_->ServerSocket(SOCK_STREAM);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok =
        PollUntil([&] { return connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0; },
                  milliseconds(20000), milliseconds(100));
    return ok ? std::move(fd) : UniqueFd();
  };
  auto connect_unix = [&](const std::string& path) {
    UniqueFd fd(socket(AF_UNIX, SOCK_STREAM, 0));
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    const bool ok =
        PollUntil([&] { return connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0; },
                  milliseconds(20000), milliseconds(100));
    return ok ? std::move(fd) : UniqueFd();
  };
  std::vector<Conn> conns;
  conns.push_back({"-L tcp", connect_tcp(true, 17101)});
  conns.push_back({"-L unix", connect_tcp(true, 17102)});
  conns.push_back({"-R tcp", connect_tcp(false, 17201)});
  conns.push_back({"-R unix", connect_unix(dir_ + "/remote.sock")});
  for (Conn& c : conns) {
    ASSERT_TRUE(c.fd.valid()) << c.name << "\n" << session.output();
    EXPECT_TRUE(Echoes(c.fd.get(), std::string("before ") + c.name)) << c.name;
  }
  // SOCKS: a CONNECT to the server side's echo, by name.
  UniqueFd socks = connect_tcp(true, 17300);
  ASSERT_TRUE(socks.valid());
  const std::string hello("\x05\x01\x00", 3);
  const std::string request = std::string("\x05\x01\x00\x03\x09", 5) + "localhost" +
                              std::string("\x42\x69", 2);  // port 17001
  ASSERT_EQ(send(socks.get(), hello.data(), hello.size(), 0), 3);
  char reply[10];
  ASSERT_EQ(recv(socks.get(), reply, 2, MSG_WAITALL), 2);
  ASSERT_EQ(send(socks.get(), request.data(), request.size(), 0),
            static_cast<ssize_t>(request.size()));
  ASSERT_EQ(recv(socks.get(), reply, 10, MSG_WAITALL), 10);
  EXPECT_EQ(reply[1], 0) << "SOCKS CONNECT failed";
  conns.push_back({"-D", std::move(socks)});
  EXPECT_TRUE(Echoes(conns.back().fd.get(), "before -D"));
  // And curl through it, the proxy resolving the name on the server's side.
  HttpServer http(BindTcp(link_->ServerSocket(SOCK_STREAM), "127.0.0.1", 17003),
                  "served on the far side");
  const std::vector<std::string> curl =
      link_->InClient({"curl", "-sS", "--max-time", "60", "--socks5-hostname", "127.0.0.1:17300",
                       "http://localhost:17003/"});
  CommandResult fetched = RunCommand(curl, seconds(70));
  EXPECT_EQ(fetched.status, 0) << fetched.output;
  EXPECT_EQ(fetched.output, "served on the far side");

  Roam();
  // Written while the link is dark: each connection gets its bytes back
  // once the outage is over, on the connection it already had.
  for (Conn& c : conns) {
    EXPECT_TRUE(Echoes(c.fd.get(), std::string("after ") + c.name, milliseconds(90000))) << c.name;
  }
  fetched = RunCommand(curl, seconds(70));
  EXPECT_EQ(fetched.status, 0) << fetched.output;
  EXPECT_EQ(fetched.output, "served on the far side");

  // The forwarded agent: the server lists its key, and a second ssh hop
  // from the server, given only the public half of the key, has the agent
  // sign for it.
  std::vector<std::string> hop = sshd_->SshCommand();
  for (std::string& arg : hop) {
    if (arg == sshd_->user_key_path()) arg += ".pub";
  }
  hop.push_back(sshd_->user() + "@" + link_->server_address());
  hop.push_back("echo hop-ok");
  CommandResult listed =
      RunCommand(link_->InClient({"env", "SSH_AUTH_SOCK=" + dir_ + "/agent.sock", roam_, "-A", "-T",
                                  remote_, "--", "ssh-add -l && " + ShellJoin(hop)}),
                 seconds(60));
  EXPECT_EQ(listed.status, 0) << listed.output;
  EXPECT_NE(listed.output.find("ED25519"), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("hop-ok"), std::string::npos) << listed.output;

  // Ended by a signal, the session ends on both sides.
  session.Signal(SIGTERM);
  EXPECT_TRUE(session.Wait(milliseconds(10000)).has_value()) << session.output();
}

}  // namespace
}  // namespace roam::testing
