// Hostile input against a live roam-server while a real client (the stock
// mosh-client, in a tmux pane) is attached. The client reaches the server
// through a small capturing forwarder in this test, so real client datagrams
// can be replayed.
//
// Phase 1, the network: from other loopback addresses and ports
// (127.0.0.3, 127.0.0.4, and new ports on 127.0.0.1) the test sends
//   * random garbage datagrams of every length 0..1400,
//   * captured client datagrams truncated at every interesting length,
//   * captured client datagrams with one bit flipped,
//   * exact replays of captured client datagrams,
//   * well-formed datagrams sealed with a WRONG key (old, current and far
//     future sequence numbers),
//   * datagrams sealed with the RIGHT key but stale sequence numbers and
//     garbage payloads, and right-key datagrams claiming the server->client
//     direction.
// Phase 2, the application: the session's shell prints 2 MB of seeded random
// bytes, then every escape-sequence form the emulator's parser knows (C0,
// ESC, CSI with every final byte it dispatches, private modes, SGR, huge and
// numerous parameters, OSC, DCS, APC/PM/SOS strings, and the queries it
// answers), then a full reset.
//
// Throughout: the server stays alive and its resident memory stays under
// 200 MB. Afterwards the real client is still in step: `echo ok-$((6*7))`
// shows ok-42 on a screen that is exactly the expected three rows, and a
// forced full repaint of the client (Ctrl-L, mosh-client's local redraw,
// with the tty's echo off so the shell shows nothing) changes nothing.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "crypto/key.h"
#include "crypto/nonce.h"
#include "crypto/ocb_session.h"
#include "e2e/common/detached_server.h"
#include "e2e/common/process_probe.h"
#include "net/datagram.h"
#include "support/subprocess.h"
#include "support/tmux_session.h"

namespace roam::testing {
namespace {

using std::chrono::milliseconds;

constexpr const char* kPrompt = "e2e$ ";
// What a capture shows of the prompt (tmux drops the trailing blank).
constexpr const char* kPromptMark = "e2e$";
constexpr milliseconds kConnectTimeout(20000);
constexpr milliseconds kStepTimeout(15000);
constexpr milliseconds kFloodTimeout(90000);
constexpr long kMaxRssKib = 200 * 1024;
constexpr size_t kMaxCaptured = 400;

// A UDP socket bound to `ip`:0. Returns -1 on failure.
int BoundSocket(const std::string& ip) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = 0;
  inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

sockaddr_in Loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  return a;
}

int LocalPort(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

// Forwards client <-> server and keeps a copy of the first client datagrams.
class CapturingForwarder {
 public:
  explicit CapturingForwarder(int server_port) : server_(Loopback(server_port)) {
    listen_fd_ = BoundSocket("127.0.0.1");
    upstream_fd_ = BoundSocket("127.0.0.1");
    if (listen_fd_ >= 0 && upstream_fd_ >= 0) worker_ = std::thread([this] { Loop(); });
  }
  ~CapturingForwarder() {
    stop_ = true;
    if (worker_.joinable()) worker_.join();
    if (listen_fd_ >= 0) close(listen_fd_);
    if (upstream_fd_ >= 0) close(upstream_fd_);
  }
  bool ok() const { return worker_.joinable(); }
  int listen_port() const { return LocalPort(listen_fd_); }
  std::vector<std::string> Captured() {
    std::lock_guard<std::mutex> lock(mu_);
    return captured_;
  }

 private:
  void Loop() {
    sockaddr_in client{};
    bool have_client = false;
    char buf[65536];
    while (!stop_) {
      pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {upstream_fd_, POLLIN, 0}};
      if (poll(fds, 2, 20) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        socklen_t len = sizeof client;
        ssize_t n =
            recvfrom(listen_fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&client), &len);
        if (n >= 0) {
          have_client = true;
          {
            std::lock_guard<std::mutex> lock(mu_);
            if (captured_.size() < kMaxCaptured) captured_.emplace_back(buf, size_t(n));
          }
          sendto(upstream_fd_, buf, size_t(n), 0, reinterpret_cast<const sockaddr*>(&server_),
                 sizeof server_);
        }
      }
      if (fds[1].revents & POLLIN) {
        ssize_t n = recv(upstream_fd_, buf, sizeof buf, 0);
        if (n >= 0 && have_client) {
          sendto(listen_fd_, buf, size_t(n), 0, reinterpret_cast<const sockaddr*>(&client),
                 sizeof client);
        }
      }
    }
  }

  sockaddr_in server_;
  int listen_fd_ = -1;
  int upstream_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<std::string> captured_;
  std::thread worker_;
};

// Every escape-sequence form the emulator's parser handles, queries included.
std::string ParserTable() {
  std::string s;
  const std::string esc = "\x1b";
  const std::string csi = esc + "[";
  const std::string st = esc + "\\";
  // C0 controls (NUL..US except ESC), and DEL.
  for (int c = 0; c < 0x20; ++c) {
    if (c != 0x1b) s += static_cast<char>(c);
  }
  s += "\x7f";
  // C1 controls in their 8-bit forms are UTF-8 here; send them as ESC Fe.
  for (const char* e : {"D",  "E",  "H",  "M",  "7", "8", "=", ">",  "(0", "(B", ")0",
                        ")B", "*0", "+B", "#8", "N", "O", "Z", "%G", "%@", " F", "c"}) {
    s += esc + e;
    s += "x\r\n";
  }
  // CSI with every final byte, with none, one and two parameters.
  for (char f = 0x40; f <= 0x7e; ++f) {
    if (f == 'c' || f == 'n') continue;  // queries, below
    s += csi + f;
    s += csi + "3" + f;
    s += csi + "2;5" + f;
    s += csi + "?1" + f;
    s += csi + ">1" + f;
    s += csi + "!" + f;
  }
  s += esc + "c";
  // Private and ANSI modes, set and reset.
  for (int m : {1,    3,    4,    5,    6,    7,    8,    9,    12,   20,   25,   40,
                45,   47,   66,   67,   69,   1000, 1001, 1002, 1003, 1004, 1005, 1006,
                1007, 1015, 1034, 1035, 1036, 1047, 1048, 1049, 2004, 2026}) {
    s += csi + "?" + std::to_string(m) + "h" + csi + "?" + std::to_string(m) + "l";
    s += csi + std::to_string(m) + "h" + csi + std::to_string(m) + "l";
  }
  // SGR: every number 0..109, 256 colours, true colour, colon forms.
  for (int n = 0; n < 110; ++n) s += csi + std::to_string(n) + "mA";
  s += csi + "38;5;196;48;5;21mB" + csi + "38;2;1;2;3;48;2;4;5;6mC" + csi + "38:2::1:2:3mD";
  s += csi + "4:3m" + csi + "58;5;3m" + csi + "0m";
  // Huge, negative-looking, and numerous parameters; intermediates.
  s += csi + "99999999999999999999A" + csi + "4294967296;4294967297H" + csi + "-1B";
  {
    std::string many = csi;
    for (int i = 0; i < 300; ++i) many += "1;";
    s += many + "m";
  }
  s += csi + "1 q" + csi + "2 q" + csi + "!p" + csi + "1$p" + csi + "?1$p" + csi + "\"p";
  s += csi + "1;24r" + csi + "5;3r" + csi + "r" + csi + "3g" + csi + "0g";
  // OSC: titles, icon, colours, clipboard, hyperlinks, unterminated pieces.
  s += esc + "]0;title zero\x07" + esc + "]1;icon\x07" + esc + "]2;title two" + st;
  s += esc + "]4;1;rgb:ff/00/00\x07" + esc + "]10;?\x07" + esc + "]11;?" + st;
  s += esc + "]52;c;aGVsbG8=\x07" + esc + "]52;c;?\x07" + esc + "]8;;http://x/\x07link" + esc +
       "]8;;\x07";
  s += esc + "]" + std::string(70000, 'x') + "\x07";
  // DCS, APC, PM, SOS, including a long one and DECRQSS queries.
  s += esc + "P$qm" + st + esc + "P$q\"p" + st + esc + "P+q544e" + st;
  s += esc + "P1;2|" + std::string(70000, 'y') + st;
  s += esc + "_apc payload" + st + esc + "^pm payload" + st + esc + "Xsos payload" + st;
  // Queries the emulator answers.
  s += csi + "c" + csi + "0c" + csi + ">c" + csi + "=c" + csi + "5n" + csi + "6n" + csi + "?6n";
  s += csi + "14t" + csi + "18t" + csi + "21t";
  // Broken UTF-8 and wide/combining characters.
  s += "\xc3\x28\xa0\xa1\xe2\x82\x28\xf0\x28\x8c\xbc\xf8\xa1\xa1\xa1\xa1";
  s += "\xe4\xb8\xad\xe6\x96\x87 e\xcc\x81 \xf0\x9f\x98\x80\r\n";
  // Cut in the middle of a sequence, then a reset.
  s += esc + "[1;2" + esc + "]0;half" + esc + "P" + esc + "c";
  return s;
}

class HostileServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(HaveProgram("tmux") && HaveProgram("mosh-client"));
    char tmpl[] = "/tmp/roam-e2e-hostile-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ASSERT_TRUE(server_.Start({RoamProgram("roam-server"), "new", "-i", "127.0.0.1", "-p", "0",
                               "--", "env", std::string("PS1=") + kPrompt, "/bin/sh"},
                              {"LANG=C.UTF-8"}))
        << server_.output();
    forwarder_ = std::make_unique<CapturingForwarder>(server_.port());
    ASSERT_TRUE(forwarder_->ok());
    command_ = "cd '" + dir_ + "' && MOSH_KEY=" + server_.key() + " mosh-client 127.0.0.1 " +
               std::to_string(forwarder_->listen_port()) + "; echo EXIT=$?; exec sleep 3600";
    pane_ = std::make_unique<TmuxSession>(
        command_, 80, 24,
        std::vector<std::string>{"LANG=C.UTF-8", "TERM=xterm-256color",
                                 "MOSH_PREDICTION_DISPLAY=never"});
    ASSERT_TRUE(pane_->started());
    ASSERT_TRUE(pane_->WaitForText(kPromptMark, kConnectTimeout)) << Context();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Context() { return "command: " + command_ + "\npane:\n" + pane_->CaptureText(); }

  // Checks the server is alive and small, and remembers the largest RSS.
  void CheckServer(const char* when) {
    ASSERT_TRUE(ProcessAlive(server_.pid())) << "roam-server died " << when;
    std::optional<long> rss = VmRssKib(server_.pid());
    ASSERT_TRUE(rss.has_value());
    max_rss_kib_ = std::max(max_rss_kib_, *rss);
    ASSERT_LT(*rss, kMaxRssKib) << "roam-server RSS " << *rss << " KiB " << when;
  }

  void TypeLine(const std::string& line) {
    pane_->Type(line);
    pane_->Keys({"Enter"});
  }

  std::string dir_;
  DetachedServer server_;
  std::unique_ptr<CapturingForwarder> forwarder_;
  std::unique_ptr<TmuxSession> pane_;
  std::string command_;
  long max_rss_kib_ = 0;
};

TEST_F(HostileServerTest, SurvivesHostileDatagramsAndOutputAndClientStaysInStep) {
  // Some real traffic to capture.
  for (int i = 1; i <= 4; ++i) {
    TypeLine("echo warm-$((100+" + std::to_string(i) + "))");
    ASSERT_TRUE(pane_->WaitForText("warm-10" + std::to_string(i), kStepTimeout)) << Context();
  }
  std::vector<std::string> captured = forwarder_->Captured();
  ASSERT_GE(captured.size(), 2u);
  CheckServer("at start");

  // ---- Phase 1: the network.
  std::vector<int> senders;
  for (const char* ip : {"127.0.0.3", "127.0.0.4", "127.0.0.1", "127.0.0.1"}) {
    int fd = BoundSocket(ip);
    ASSERT_GE(fd, 0) << ip;
    senders.push_back(fd);
  }
  const sockaddr_in server_addr = Loopback(server_.port());
  size_t sent = 0;
  auto send = [&](const std::string& bytes) {
    int fd = senders[sent++ % senders.size()];
    sendto(fd, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&server_addr),
           sizeof server_addr);
    // Pace the burst so the kernel's socket buffer does not drop most of it.
    if (sent % 64 == 0) {
      std::this_thread::sleep_for(milliseconds(2));
      CheckServer("during the datagram flood");
    }
  };
  std::mt19937_64 rng(20261121);
  auto random_bytes = [&](size_t n) {
    std::string b(n, '\0');
    for (auto& c : b) c = static_cast<char>(rng());
    return b;
  };
  for (size_t len = 0; len <= 1400; len += 3) send(random_bytes(len));
  for (const std::string& d : captured) {
    for (size_t cut : {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{23},
                       size_t{24}, size_t{25}, d.size() / 2, d.size() - 1}) {
      if (cut < d.size()) send(d.substr(0, cut));
    }
    std::string flipped = d;
    flipped[rng() % flipped.size()] ^= static_cast<char>(1u << (rng() % 8));
    send(flipped);
    send(d);  // exact replay, from another address
  }
  crypto::Key wrong = crypto::Key::Generate();
  crypto::OcbSession wrong_session(wrong);
  Result<crypto::Key> right = crypto::Key::FromBase64(server_.key());
  ASSERT_TRUE(right.ok());
  crypto::OcbSession right_session(*right);
  for (uint64_t seq : {uint64_t{0}, uint64_t{1}, uint64_t{5}, uint64_t{100}, uint64_t{1} << 40,
                       (uint64_t{1} << 63) - 1}) {
    net::Datagram dg;
    dg.timestamp = 1234;
    dg.payload = random_bytes(40);
    Result<std::string> sealed =
        wrong_session.Seal(crypto::MakeNonce(crypto::Direction::kToServer, seq), dg.Encode());
    ASSERT_TRUE(sealed.ok());
    send(*sealed);
  }
  for (uint64_t seq = 0; seq < 3; ++seq) {
    for (size_t len : {size_t{0}, size_t{3}, size_t{4}, size_t{14}, size_t{200}}) {
      // Stale sequence numbers: authentic, never newer than what the client
      // already sent, with garbage inside.
      Result<std::string> sealed = right_session.Seal(
          crypto::MakeNonce(crypto::Direction::kToServer, seq), random_bytes(len));
      ASSERT_TRUE(sealed.ok());
      send(*sealed);
      // The server's own direction, far in the future.
      Result<std::string> reflected = right_session.Seal(
          crypto::MakeNonce(crypto::Direction::kToClient, (uint64_t{1} << 50) + seq),
          random_bytes(len));
      ASSERT_TRUE(reflected.ok());
      send(*reflected);
    }
  }
  for (int fd : senders) close(fd);
  std::printf("[hostile] %zu hostile datagrams sent (%zu captured client datagrams used)\n", sent,
              captured.size());
  CheckServer("after the datagram flood");
  ASSERT_FALSE(HasFatalFailure());
  TypeLine("echo net-$((6*7))");
  EXPECT_TRUE(pane_->WaitForText("net-42", kStepTimeout)) << Context();

  // ---- Phase 2: the application.
  {
    std::mt19937_64 out_rng(4242);
    std::ofstream random_file(dir_ + "/random.bin", std::ios::binary);
    std::string chunk(4096, '\0');
    for (int i = 0; i < 2000000 / 4096 + 1; ++i) {
      for (auto& c : chunk) c = static_cast<char>(out_rng());
      random_file.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    }
    std::ofstream table_file(dir_ + "/table.bin", std::ios::binary);
    const std::string table = ParserTable();
    table_file.write(table.data(), static_cast<std::streamsize>(table.size()));
  }
  TypeLine("cat random.bin table.bin; printf '\\033c'; echo flood-$((40+2))");
  const bool done = PollUntil(
      [&] {
        CheckServer("during the output flood");
        return HasFatalFailure() || pane_->CaptureText().find("flood-42") != std::string::npos;
      },
      kFloodTimeout, milliseconds(100));
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_TRUE(done) << Context();
  CheckServer("after the output flood");
  std::printf("[hostile] largest roam-server RSS seen: %ld KiB (bound %ld KiB)\n", max_rss_kib_,
              kMaxRssKib);

  // Answers to the queries may have reached the shell's input: kill the
  // line, then start from a clean screen.
  pane_->Keys({"C-u"});
  TypeLine("clear");
  ASSERT_TRUE(pane_->WaitForScreen(
      [](const std::string& s) { return s.find("flood-42") == std::string::npos; }, kStepTimeout))
      << Context();
  TypeLine("echo ok-$((6*7))");
  ASSERT_TRUE(pane_->WaitForText("ok-42", kStepTimeout)) << Context();
  const std::vector<std::string> expected = {"e2e$ echo ok-$((6*7))", "ok-42", "e2e$"};
  std::vector<std::string> rows;
  ASSERT_TRUE(pane_->WaitForScreen(
      [&](const std::string&) {
        rows.clear();
        for (std::string r : pane_->Capture()) {
          while (!r.empty() && r.back() == ' ') r.pop_back();
          rows.push_back(r);
        }
        while (!rows.empty() && rows.back().empty()) rows.pop_back();
        return rows == expected;
      },
      kStepTimeout))
      << Context();

  // A forced full repaint of the client shows the same screen. The tty's
  // echo is off so the shell does not show the ^L it receives too.
  TypeLine("stty -echo");
  ASSERT_TRUE(pane_->WaitForText("e2e$ stty -echo\ne2e$", kStepTimeout)) << Context();
  const std::string before = pane_->CaptureText();
  pane_->Keys({"C-l"});
  EXPECT_FALSE(
      pane_->WaitForScreen([&](const std::string& s) { return s != before; }, milliseconds(1500)))
      << "the repaint changed the screen:\nbefore:\n"
      << before << "\nafter:\n"
      << pane_->CaptureText();
  pane_->Keys({"C-u"});
  TypeLine("stty echo");
  TypeLine("echo end-$((6*7))");
  EXPECT_TRUE(pane_->WaitForText("end-42", kStepTimeout)) << Context();
  CheckServer("at the end");
}

}  // namespace
}  // namespace roam::testing
