// TcpRelay on real loopback sockets: bytes arrive intact and in order with
// the added delay, loss turns into delay, an outage stalls the stream and it
// resumes, EOF passes through, and an unreachable target closes the client.
// Every wait is bounded polling (no sleeps).

#include "netsim/tcp_relay.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <functional>
#include <string>
#include <vector>

namespace roam::netsim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr Duration kPumpSlice = microseconds(300);

double Ms(Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// A predictable byte pattern that makes reordering or loss visible.
std::string Pattern(size_t n, int salt) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i)
    s[i] = static_cast<char>((i * 7 + static_cast<size_t>(salt)) % 251);
  return s;
}

// One end of a TCP connection in the test, non-blocking, with buffers.
struct Peer {
  UniqueFd fd;
  std::string out;  // waiting to be written
  std::string in;   // everything read so far
  bool eof = false;
  bool error = false;

  void Flush() {
    while (!out.empty()) {
      const ssize_t n = send(fd.get(), out.data(), out.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n <= 0) return;
      out.erase(0, static_cast<size_t>(n));
    }
  }
  void Read() {
    char buf[65536];
    for (int i = 0; i < 64 && !eof; ++i) {
      const ssize_t n = recv(fd.get(), buf, sizeof buf, MSG_DONTWAIT);
      if (n == 0) eof = true;
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        error = true;
        eof = true;
      }
      if (n <= 0) return;
      in.append(buf, static_cast<size_t>(n));
    }
  }
};

class TcpRelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<UniqueFd> fd = OpenBoundSocket(SOCK_STREAM, *LoopbackEndpoint::Parse("127.0.0.1:0"));
    ASSERT_TRUE(fd.ok()) << fd.status().ToString();
    target_ = std::move(fd).value();
    target_addr_ = *LocalEndpoint(target_.get());
  }

  static Profile Link(Duration delay, Duration jitter = Duration::zero(), double loss = 0) {
    Profile p = *ProfileByName("lan");
    for (LinkConfig* c : {&p.up, &p.down}) {
      c->delay = delay;
      c->jitter = jitter;
      c->loss = loss;
    }
    return p;
  }

  void StartRelay(Profile profile, LoopbackEndpoint target) {
    TcpRelayConfig config;
    config.listen = *LoopbackEndpoint::Parse("127.0.0.1:0");
    config.target = target;
    config.profile = std::move(profile);
    config.seed = 1;
    Result<std::unique_ptr<TcpRelay>> r = TcpRelay::Create(std::move(config), clock_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    relay_ = std::move(r).value();
  }

  // Connects the client through the relay and accepts on the target.
  void Connect() {
    const LoopbackEndpoint relay_addr =
        *LoopbackEndpoint::FromHost("127.0.0.1", relay_->listen_port());
    client_.fd.Reset(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    const int rc =
        ::connect(client_.fd.get(), relay_addr.sockaddr_ptr(), relay_addr.sockaddr_len());
    ASSERT_TRUE(rc == 0 || errno == EINPROGRESS);
    ASSERT_TRUE(PumpUntil(
        [&] {
          if (!server_.fd.valid()) {
            server_.fd.Reset(
                accept4(target_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
          }
          return server_.fd.valid();
        },
        milliseconds(500)));
  }

  void Step() {
    ASSERT_TRUE(relay_->RunOnce(kPumpSlice).ok());
    for (Peer* p : {&client_, &server_}) {
      if (!p->fd.valid()) continue;
      p->Flush();
      p->Read();
    }
  }

  bool PumpUntil(const std::function<bool()>& done, Duration timeout) {
    const TimePoint end = clock_.Now() + timeout;
    while (clock_.Now() < end) {
      Step();
      if (done()) return true;
    }
    return done();
  }

  // Sends `bytes` from `from` and returns how long until `to` has them all,
  // or a negative time if they did not arrive within `timeout`.
  Duration SendAndTime(Peer& from, Peer& to, const std::string& bytes, Duration timeout) {
    const size_t want = to.in.size() + bytes.size();
    const TimePoint start = clock_.Now();
    from.out += bytes;
    if (!PumpUntil([&] { return to.in.size() >= want; }, timeout)) return Duration(-1);
    return clock_.Now() - start;
  }

  SystemClock clock_;
  UniqueFd target_;
  LoopbackEndpoint target_addr_;
  std::unique_ptr<TcpRelay> relay_;
  Peer client_;
  Peer server_;
};

TEST_F(TcpRelayTest, BytesArriveIntactAndInOrderWithTheAddedDelay) {
  StartRelay(Link(milliseconds(30), milliseconds(10)), target_addr_);
  Connect();
  const Duration first = SendAndTime(client_, server_, "hello", milliseconds(1000));
  EXPECT_GE(first, milliseconds(20)) << Ms(first);
  EXPECT_LE(first, milliseconds(80)) << Ms(first);
  const Duration back = SendAndTime(server_, client_, "world", milliseconds(1000));
  EXPECT_GE(back, milliseconds(20)) << Ms(back);
  EXPECT_LE(back, milliseconds(80)) << Ms(back);

  // Half a megabyte each way at once, through jitter: nothing reordered or lost.
  const std::string up = Pattern(512 * 1024, 1);
  const std::string down = Pattern(512 * 1024, 2);
  client_.out += up;
  server_.out += down;
  ASSERT_TRUE(PumpUntil(
      [&] { return server_.in.size() >= 5 + up.size() && client_.in.size() >= 5 + down.size(); },
      milliseconds(3000)));
  EXPECT_TRUE(server_.in == "hello" + up);
  EXPECT_TRUE(client_.in == "world" + down);
  const TcpRelayStats s = relay_->stats();
  EXPECT_EQ(s.bytes_up, 5 + up.size());
  EXPECT_EQ(s.bytes_down, 5 + down.size());
  EXPECT_EQ(s.up.bytes_passed, s.bytes_up);
}

TEST_F(TcpRelayTest, BandwidthCapPacesTheStream) {
  Profile p = Link(milliseconds(5));
  for (LinkConfig* c : {&p.up, &p.down}) {
    c->rate_bytes_per_sec = 500'000;  // 4 Mbit/s
    c->queue_bytes = 32 * 1024;
  }
  StartRelay(p, target_addr_);
  Connect();
  const std::string bulk = Pattern(256 * 1024, 3);
  const Duration took = SendAndTime(client_, server_, bulk, milliseconds(3000));
  // 262144 bytes at 500 kB/s cannot take less than 524 ms; slack above for CI.
  EXPECT_GE(took, milliseconds(524)) << Ms(took);
  EXPECT_LE(took, milliseconds(900)) << Ms(took);
  EXPECT_TRUE(server_.in == bulk);
  EXPECT_EQ(relay_->stats().up.dropped_queue, 0u);
}

TEST_F(TcpRelayTest, LossBecomesDelayNeverCorruption) {
  StartRelay(Link(milliseconds(5), Duration::zero(), 0.3), target_addr_);
  Connect();
  std::string expected;
  int slow = 0;
  for (int i = 0; i < 8; ++i) {
    const std::string msg = Pattern(1000, i);
    expected += msg;
    const Duration took = SendAndTime(client_, server_, msg, milliseconds(3000));
    ASSERT_GE(took, milliseconds(5)) << i;
    if (took >= kStreamRetransmitFloor) ++slow;
  }
  EXPECT_TRUE(server_.in == expected);
  const TcpRelayStats s = relay_->stats();
  // With this seed some chunks were "lost" and each cost a retransmission.
  EXPECT_GT(s.up.lost_random, 0u);
  EXPECT_GT(slow, 0);
  EXPECT_EQ(s.up.dropped_queue + s.up.duplicated + s.up.reordered, 0u);
}

TEST_F(TcpRelayTest, OutageStallsTheStreamThenItResumes) {
  StartRelay(Link(milliseconds(10)), target_addr_);
  Connect();
  ASSERT_GE(SendAndTime(client_, server_, "before", milliseconds(500)), milliseconds(10));

  Result<std::optional<ControlCommand>> cmd = ParseControlCommand("outage 0.3");
  ASSERT_TRUE(cmd.ok() && cmd->has_value());
  ASSERT_TRUE(relay_->Apply(**cmd).ok());
  server_.out += "reply-during";
  const Duration stalled = SendAndTime(client_, server_, "during", milliseconds(2000));
  // Held for the whole outage plus the link delay, then delivered.
  EXPECT_GE(stalled, milliseconds(300)) << Ms(stalled);
  EXPECT_LE(stalled, milliseconds(400)) << Ms(stalled);
  ASSERT_TRUE(PumpUntil([&] { return client_.in == "reply-during"; }, milliseconds(500)));

  const Duration after = SendAndTime(client_, server_, "after", milliseconds(500));
  EXPECT_GE(after, milliseconds(10));
  EXPECT_LE(after, milliseconds(60)) << Ms(after);
  EXPECT_EQ(server_.in, "beforeduringafter");
  EXPECT_GT(relay_->stats().up.lost_outage, 0u);
}

TEST_F(TcpRelayTest, EndOfStreamPassesThroughAndTheConnectionCloses) {
  StartRelay(Link(milliseconds(5)), target_addr_);
  Connect();
  client_.out += "last words";
  ASSERT_TRUE(PumpUntil([&] { return server_.in == "last words"; }, milliseconds(500)));
  ASSERT_EQ(::shutdown(client_.fd.get(), SHUT_WR), 0);
  ASSERT_TRUE(PumpUntil([&] { return server_.eof; }, milliseconds(500)));
  EXPECT_FALSE(server_.error);
  server_.out += "bye";
  server_.Flush();
  server_.fd.Reset();
  ASSERT_TRUE(PumpUntil([&] { return client_.eof; }, milliseconds(500)));
  EXPECT_EQ(client_.in, "bye");
  ASSERT_TRUE(PumpUntil([&] { return relay_->open_connections() == 0; }, milliseconds(500)));
  EXPECT_EQ(relay_->stats().closed, 1u);
}

TEST_F(TcpRelayTest, UnreachableTargetClosesTheClient) {
  // A port that was free a moment ago: nothing listens there.
  LoopbackEndpoint dead;
  {
    Result<UniqueFd> fd = OpenBoundSocket(SOCK_DGRAM, *LoopbackEndpoint::Parse("127.0.0.1:0"));
    ASSERT_TRUE(fd.ok());
    dead = *LocalEndpoint(fd->get());
  }
  StartRelay(Link(milliseconds(1)), dead);
  const LoopbackEndpoint relay_addr =
      *LoopbackEndpoint::FromHost("127.0.0.1", relay_->listen_port());
  client_.fd.Reset(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  const int rc = ::connect(client_.fd.get(), relay_addr.sockaddr_ptr(), relay_addr.sockaddr_len());
  ASSERT_TRUE(rc == 0 || errno == EINPROGRESS);
  ASSERT_TRUE(PumpUntil([&] { return client_.eof; }, milliseconds(1000)));
  EXPECT_EQ(relay_->stats().connect_failed, 1u);
  EXPECT_EQ(relay_->open_connections(), 0u);
}

}  // namespace
}  // namespace roam::netsim
