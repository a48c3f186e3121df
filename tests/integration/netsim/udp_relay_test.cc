// UdpRelay on real loopback sockets: an echo server behind the relay, a
// client in front. Measures round-trip time and loss through the relay,
// checks that it follows a moving client, drops strangers, and that NAT
// rebinding changes the source the server sees while replies still arrive.
// Every wait is bounded polling (no sleeps); each test takes well under 2 s.

#include "netsim/udp_relay.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace roam::netsim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

// How long a relay poll may block before the test's own sockets get a turn.
constexpr Duration kPumpSlice = microseconds(300);

struct Datagram {
  LoopbackEndpoint from;
  std::string bytes;
};

// A non-blocking UDP socket on a loopback address.
class UdpPeer {
 public:
  explicit UdpPeer(const std::string& host = "127.0.0.1") {
    Result<UniqueFd> fd = OpenBoundSocket(SOCK_DGRAM, *LoopbackEndpoint::FromHost(host, 0));
    EXPECT_TRUE(fd.ok()) << fd.status().ToString();
    if (fd.ok()) fd_ = std::move(fd).value();
    addr_ = *LocalEndpoint(fd_.get());
  }
  const LoopbackEndpoint& address() const { return addr_; }
  void SendTo(const LoopbackEndpoint& to, std::string_view bytes) {
    ASSERT_EQ(
        sendto(fd_.get(), bytes.data(), bytes.size(), 0, to.sockaddr_ptr(), to.sockaddr_len()),
        static_cast<ssize_t>(bytes.size()));
  }
  std::vector<Datagram> ReceiveAll() {
    std::vector<Datagram> out;
    char buf[2048];
    for (int i = 0; i < 1000; ++i) {
      sockaddr_storage ss{};
      socklen_t len = sizeof ss;
      const ssize_t n = recvfrom(fd_.get(), buf, sizeof buf, MSG_DONTWAIT,
                                 reinterpret_cast<sockaddr*>(&ss), &len);
      if (n < 0) break;
      out.push_back({LoopbackEndpoint::FromSockaddr(reinterpret_cast<sockaddr*>(&ss), len),
                     std::string(buf, static_cast<size_t>(n))});
    }
    return out;
  }

 private:
  UniqueFd fd_;
  LoopbackEndpoint addr_;
};

class UdpRelayTest : public ::testing::Test {
 protected:
  // Starts a relay in front of the echo server with `profile`.
  void StartRelay(Profile profile, std::vector<Duration> rebind_at = {},
                  std::string rebind_ip = "") {
    UdpRelayConfig config;
    config.listen = *LoopbackEndpoint::Parse("127.0.0.1:0");
    config.server = echo_.address();
    config.profile = std::move(profile);
    config.seed = 1;
    config.rebind_at = std::move(rebind_at);
    config.rebind_ip = std::move(rebind_ip);
    Result<std::unique_ptr<UdpRelay>> r = UdpRelay::Create(std::move(config), clock_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    relay_ = std::move(r).value();
    relay_addr_ = *LoopbackEndpoint::FromHost("127.0.0.1", relay_->listen_port());
  }

  // A profile with a fixed one-way delay and loss and nothing else.
  static Profile Link(Duration delay, double loss = 0) {
    Profile p = *ProfileByName("lan");
    for (LinkConfig* c : {&p.up, &p.down}) {
      c->delay = delay;
      c->loss = loss;
    }
    return p;
  }

  // One turn: the relay polls briefly, the echo server answers everything it
  // got (remembering who sent it), the clients collect replies.
  void Step() {
    ASSERT_TRUE(relay_->RunOnce(kPumpSlice).ok());
    for (Datagram& d : echo_.ReceiveAll()) {
      echo_sources_.push_back(d.from);
      echo_.SendTo(d.from, d.bytes);
    }
    for (UdpPeer* c : {&client_, &other_client_}) {
      for (Datagram& d : c->ReceiveAll()) replies_[c].push_back({d.bytes, clock_.Now()});
    }
  }

  // Steps until `done` or `timeout`; returns whether `done` became true.
  bool PumpUntil(const std::function<bool()>& done, Duration timeout) {
    const TimePoint end = clock_.Now() + timeout;
    while (clock_.Now() < end) {
      Step();
      if (done()) return true;
    }
    return done();
  }
  void PumpFor(Duration d) {
    PumpUntil([] { return false; }, d);
  }

  size_t Replies(UdpPeer& c) { return replies_[&c].size(); }

  // Sends `count` distinct pings 5 ms apart and returns the round-trip time
  // of each reply, in milliseconds (fewer if some were lost).
  std::vector<double> MeasureRtts(int count) {
    std::map<std::string, TimePoint> sent;
    const size_t before = Replies(client_);
    for (int i = 0; i < count; ++i) {
      const std::string ping = "ping " + std::to_string(i);
      sent[ping] = clock_.Now();
      client_.SendTo(relay_addr_, ping);
      PumpFor(milliseconds(5));
    }
    PumpUntil([&] { return Replies(client_) == before + static_cast<size_t>(count); },
              milliseconds(1500));
    std::vector<double> rtts;
    for (size_t i = before; i < Replies(client_); ++i) {
      const Reply& r = replies_[&client_][i];
      rtts.push_back(std::chrono::duration<double, std::milli>(r.at - sent[r.bytes]).count());
    }
    return rtts;
  }

  SystemClock clock_;
  UdpPeer echo_;
  UdpPeer client_;
  UdpPeer other_client_;
  std::unique_ptr<UdpRelay> relay_;
  LoopbackEndpoint relay_addr_;
  std::vector<LoopbackEndpoint> echo_sources_;
  struct Reply {
    std::string bytes;
    TimePoint at;
  };
  std::map<UdpPeer*, std::vector<Reply>> replies_;
};

TEST_F(UdpRelayTest, RoundTripTimeMatchesTheLossyProfileWithoutItsLoss) {
  // 50 ms each way, 100 ms RTT.
  Profile p = *ProfileByName("lossy");
  p.up.loss = p.down.loss = 0;
  StartRelay(p);
  const std::vector<double> rtts = MeasureRtts(10);
  ASSERT_EQ(rtts.size(), 10u);
  for (double rtt_ms : rtts) {
    // Never faster than the simulated link; slack for a loaded CI machine.
    EXPECT_GE(rtt_ms, 100.0);
    EXPECT_LE(rtt_ms, 140.0);
  }
  const UdpRelayStats s = relay_->stats();
  EXPECT_EQ(s.up.passed, 10u);
  EXPECT_EQ(s.down.passed, 10u);
}

TEST_F(UdpRelayTest, IntercontinentalRoundTripIsThreeHundredMilliseconds) {
  StartRelay(*ProfileByName("intercontinental"));
  const std::vector<double> rtts = MeasureRtts(5);
  ASSERT_EQ(rtts.size(), 5u);  // 0.1% loss; with seed 1 none of these is lost
  for (double rtt_ms : rtts) {
    EXPECT_GE(rtt_ms, 296.0);  // 150 ms each way, jitter 2 ms each way
    EXPECT_LE(rtt_ms, 340.0);
  }
}

TEST_F(UdpRelayTest, LteRoundTripIsAboutSixtyMillisecondsWithJitter) {
  StartRelay(*ProfileByName("lte"));
  const std::vector<double> rtts = MeasureRtts(20);
  ASSERT_EQ(rtts.size(), 20u);  // 0.2% loss; with seed 1 none of these is lost
  double sum = 0;
  double lo = 1e9;
  double hi = 0;
  for (double rtt_ms : rtts) {
    EXPECT_GE(rtt_ms, 40.0);  // 30 ms each way, jitter 10 ms each way
    EXPECT_LE(rtt_ms, 120.0);
    sum += rtt_ms;
    lo = std::min(lo, rtt_ms);
    hi = std::max(hi, rtt_ms);
  }
  EXPECT_GE(sum / 20, 50.0);
  EXPECT_LE(sum / 20, 80.0);
  EXPECT_GT(hi - lo, 2.0);  // the jitter is visible
}

TEST_F(UdpRelayTest, LossMatchesTheProfileAndTheSeed) {
  constexpr int kPings = 2000;
  const Profile p = Link(milliseconds(1), 0.29);
  StartRelay(p);
  for (int i = 0; i < kPings; ++i) {
    client_.SendTo(relay_addr_, "p" + std::to_string(i));
    if (i % 50 == 49) PumpFor(milliseconds(2));
  }
  PumpUntil(
      [&] {
        const UdpRelayStats s = relay_->stats();
        return s.from_client == kPings && Replies(client_) == s.down.passed;
      },
      milliseconds(1500));
  PumpFor(milliseconds(20));

  const UdpRelayStats s = relay_->stats();
  ASSERT_EQ(s.from_client, static_cast<uint64_t>(kPings));
  EXPECT_EQ(s.up.received, static_cast<uint64_t>(kPings));
  EXPECT_NEAR(static_cast<double>(s.up.lost_random) / kPings, 0.29, 0.04);
  EXPECT_EQ(s.from_server, s.up.passed);  // the echo server answered each one
  EXPECT_NEAR(static_cast<double>(s.down.lost_random) / static_cast<double>(s.from_server), 0.29,
              0.05);
  EXPECT_EQ(Replies(client_), s.down.passed);
  // Both directions lose independently: about 0.71^2 of the pings come back.
  EXPECT_NEAR(static_cast<double>(Replies(client_)) / kPings, 0.71 * 0.71, 0.05);

  // The client->server model is seeded with the relay's seed: the same
  // packets are lost as in a model replayed offline.
  LinkModel replay(p.up, 1, FromMillis(0));
  for (int i = 0; i < kPings; ++i) (void)replay.Send("p", FromMillis(i));
  EXPECT_EQ(s.up.lost_random, replay.counters().lost_random);
}

TEST_F(UdpRelayTest, RepliesFollowTheClientsCurrentAddress) {
  StartRelay(Link(milliseconds(1)));
  client_.SendTo(relay_addr_, "from a");
  ASSERT_TRUE(PumpUntil([&] { return Replies(client_) == 1; }, milliseconds(500)));
  other_client_.SendTo(relay_addr_, "from b");
  ASSERT_TRUE(PumpUntil([&] { return Replies(other_client_) == 1; }, milliseconds(500)));
  EXPECT_EQ(replies_[&other_client_][0].bytes, "from b");
  EXPECT_EQ(Replies(client_), 1u);
  EXPECT_EQ(relay_->stats().client_moves, 1u);
  // The server saw one source throughout: the relay's.
  ASSERT_EQ(echo_sources_.size(), 2u);
  EXPECT_TRUE(echo_sources_[0] == echo_sources_[1]);
}

TEST_F(UdpRelayTest, RebindChangesTheSourcePortAndIpTheServerSees) {
  StartRelay(Link(milliseconds(1)));
  client_.SendTo(relay_addr_, "one");
  ASSERT_TRUE(PumpUntil([&] { return Replies(client_) == 1; }, milliseconds(500)));

  ASSERT_TRUE(relay_->Rebind("").ok());
  client_.SendTo(relay_addr_, "two");
  ASSERT_TRUE(PumpUntil([&] { return Replies(client_) == 2; }, milliseconds(500)));

  Result<std::optional<ControlCommand>> cmd = ParseControlCommand("rebind 127.0.0.2");
  ASSERT_TRUE(cmd.ok() && cmd->has_value());
  ASSERT_TRUE(relay_->Apply(**cmd).ok());
  client_.SendTo(relay_addr_, "three");
  ASSERT_TRUE(PumpUntil([&] { return Replies(client_) == 3; }, milliseconds(500)));

  ASSERT_EQ(echo_sources_.size(), 3u);
  EXPECT_EQ(echo_sources_[0].HostString(), "127.0.0.1");
  EXPECT_EQ(echo_sources_[1].HostString(), "127.0.0.1");
  EXPECT_NE(echo_sources_[0].port(), echo_sources_[1].port());
  EXPECT_EQ(echo_sources_[2].HostString(), "127.0.0.2");
  EXPECT_TRUE(echo_sources_[2] == relay_->upstream_address());
  EXPECT_EQ(replies_[&client_][2].bytes, "three");
  EXPECT_EQ(relay_->stats().rebinds, 2u);

  // The server answering the old mapping reaches nobody, like a real NAT.
  echo_.SendTo(echo_sources_[0], "stale");
  PumpFor(milliseconds(20));
  EXPECT_EQ(Replies(client_), 3u);
}

TEST_F(UdpRelayTest, ScheduledRebindHappensOnTime) {
  StartRelay(Link(milliseconds(1)), {milliseconds(150)}, "127.0.0.2");
  client_.SendTo(relay_addr_, "before");
  ASSERT_TRUE(PumpUntil([&] { return Replies(client_) == 1; }, milliseconds(100)));
  EXPECT_EQ(relay_->stats().rebinds, 0u);
  ASSERT_TRUE(PumpUntil([&] { return relay_->stats().rebinds == 1; }, milliseconds(500)));
  client_.SendTo(relay_addr_, "after");
  ASSERT_TRUE(PumpUntil([&] { return Replies(client_) == 2; }, milliseconds(500)));
  ASSERT_EQ(echo_sources_.size(), 2u);
  EXPECT_EQ(echo_sources_[0].HostString(), "127.0.0.1");
  EXPECT_EQ(echo_sources_[1].HostString(), "127.0.0.2");
}

TEST_F(UdpRelayTest, StrangersOnTheUpstreamSocketAreDroppedAndCounted) {
  StartRelay(Link(milliseconds(1)));
  client_.SendTo(relay_addr_, "hello");
  ASSERT_TRUE(PumpUntil([&] { return Replies(client_) == 1; }, milliseconds(500)));
  UdpPeer stranger;
  stranger.SendTo(relay_->upstream_address(), "spoof");
  ASSERT_TRUE(PumpUntil([&] { return relay_->stats().from_stranger == 1; }, milliseconds(500)));
  PumpFor(milliseconds(10));
  EXPECT_EQ(Replies(client_), 1u);
}

TEST_F(UdpRelayTest, ControlOutageDropsThenTheLinkComesBack) {
  StartRelay(Link(milliseconds(1)));
  Result<std::optional<ControlCommand>> cmd = ParseControlCommand("outage 0.2");
  ASSERT_TRUE(cmd.ok() && cmd->has_value());
  ASSERT_TRUE(relay_->Apply(**cmd).ok());
  client_.SendTo(relay_addr_, "lost");
  PumpFor(milliseconds(50));
  EXPECT_EQ(Replies(client_), 0u);
  EXPECT_EQ(relay_->stats().up.lost_outage, 1u);
  PumpFor(milliseconds(200));
  client_.SendTo(relay_addr_, "back");
  ASSERT_TRUE(PumpUntil([&] { return Replies(client_) == 1; }, milliseconds(500)));
  EXPECT_EQ(replies_[&client_][0].bytes, "back");
}

TEST_F(UdpRelayTest, IPv6LoopbackWorks) {
  UdpPeer echo6("::1");
  UdpPeer client6("::1");
  UdpRelayConfig config;
  config.listen = *LoopbackEndpoint::Parse("[::1]:0");
  config.server = echo6.address();
  config.profile = Link(milliseconds(1));
  Result<std::unique_ptr<UdpRelay>> relay = UdpRelay::Create(std::move(config), clock_);
  ASSERT_TRUE(relay.ok()) << relay.status().ToString();
  client6.SendTo(*LoopbackEndpoint::FromHost("::1", (*relay)->listen_port()), "v6");
  bool got = false;
  const TimePoint end = clock_.Now() + milliseconds(500);
  while (!got && clock_.Now() < end) {
    ASSERT_TRUE((*relay)->RunOnce(kPumpSlice).ok());
    for (Datagram& d : echo6.ReceiveAll()) echo6.SendTo(d.from, d.bytes);
    for (Datagram& d : client6.ReceiveAll()) got = got || d.bytes == "v6";
  }
  EXPECT_TRUE(got);
}

TEST(UdpRelayConfigTest, RefusesMixedFamiliesAndNonLoopbackRebindIps) {
  SystemClock clock;
  UdpRelayConfig config;
  config.listen = *LoopbackEndpoint::Parse("127.0.0.1:0");
  config.server = *LoopbackEndpoint::Parse("[::1]:9");
  EXPECT_FALSE(UdpRelay::Create(config, clock).ok());
  config.server = *LoopbackEndpoint::Parse("127.0.0.1:9");
  config.rebind_ip = "10.0.0.1";
  EXPECT_FALSE(UdpRelay::Create(config, clock).ok());
  EXPECT_FALSE(LoopbackEndpoint::Parse("192.168.1.1:22").ok());
}

}  // namespace
}  // namespace roam::netsim
