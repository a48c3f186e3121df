// The channel multiplexer end to end: two Muxes over a seeded netsim link
// model on a fake clock.

#include "channel/mux.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "base/random.h"
#include "unit/channel/mux_pair.h"

namespace roam::channel {
namespace {

using testing::MuxPair;
using namespace std::chrono_literals;

std::string RandomBytes(size_t n, uint64_t seed) {
  SeededRandom random(seed);
  std::string out(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = random.Next();
    for (size_t j = 0; j < 8 && i + j < n; ++j) out[i + j] = static_cast<char>(v >> (8 * j));
  }
  return out;
}

// Accepts every channel and sends every byte back; closes its side after
// the peer's EOF once everything was echoed.
class EchoService {
 public:
  explicit EchoService(Mux* mux) : mux_(mux) {}

  void Run() {
    for (const MuxEvent& e : mux_->TakeEvents()) {
      if (e.kinds & MuxEvent::kIncoming) {
        requests_.push_back(mux_->Request(e.id));
        EXPECT_TRUE(mux_->Accept(e.id).ok());
        open_[e.id];
      }
    }
    for (auto it = open_.begin(); it != open_.end();) {
      const uint64_t id = it->first;
      std::string& pending = it->second;
      if (pending.size() < (1 << 20)) mux_->Read(id, &pending, (1 << 20) - pending.size());
      pending.erase(0, mux_->Write(id, pending));
      std::optional<ChannelInfo> info = mux_->Info(id);
      if (info && info->eof && pending.empty()) {
        mux_->CloseWrite(id);
        mux_->Release(id);
        it = open_.erase(it);
      } else {
        ++it;
      }
    }
  }

  const std::vector<std::string>& requests() const { return requests_; }

 private:
  Mux* mux_;
  std::map<uint64_t, std::string> open_;
  std::vector<std::string> requests_;
};

// Writes `data` into a channel and collects what comes back.
struct Transfer {
  Transfer(uint64_t channel, std::string bytes) : id(channel), data(std::move(bytes)) {}
  uint64_t id = 0;
  std::string data;
  size_t written = 0;
  std::string received;
  bool eof = false;

  void Run(Mux* mux) {
    if (written < data.size()) {
      written += mux->Write(id, std::string_view(data).substr(written));
      if (written == data.size()) mux->CloseWrite(id);
    }
    mux->Read(id, &received, 1 << 20);
    std::optional<ChannelInfo> info = mux->Info(id);
    if (info && info->eof && !eof) {
      eof = true;
      mux->Release(id);
    }
  }
};

TEST(MuxTest, EchoesOneChannelOnACleanLink) {
  netsim::LinkConfig link;
  link.delay = 10ms;
  MuxPair pair(MuxConfig{}, link, 1);
  EchoService echo(&pair.server());
  Result<uint64_t> id = pair.client().Open("echo", pair.Now());
  ASSERT_TRUE(id.ok());
  Transfer t{*id, "hello, channel"};
  bool accepted = false;
  pair.application = [&](TimePoint) {
    echo.Run();
    for (const MuxEvent& e : pair.client().TakeEvents()) {
      if (e.kinds & MuxEvent::kAccepted) accepted = true;
    }
    t.Run(&pair.client());
  };
  ASSERT_TRUE(pair.RunUntil([&] { return t.eof; }, 5s));
  EXPECT_TRUE(accepted);
  EXPECT_EQ(t.received, "hello, channel");
  ASSERT_EQ(echo.requests().size(), 1u);
  EXPECT_EQ(echo.requests()[0], "echo");
  // Both sides forget the channel once everything is acknowledged.
  EXPECT_TRUE(pair.RunUntil(
      [&] { return pair.client().channel_count() == 0 && pair.server().channel_count() == 0; },
      5s));
}

TEST(MuxTest, MovesEightMegabytesThroughLossReorderingAndDuplication) {
  netsim::LinkConfig link;
  link.delay = 25ms;
  link.jitter = 5ms;
  link.loss = 0.3;
  link.reorder = 0.05;
  link.duplicate = 0.05;
  link.rate_bytes_per_sec = 4'000'000;
  MuxPair pair(MuxConfig{}, link, 7);
  EchoService echo(&pair.server());
  Result<uint64_t> id = pair.client().Open("echo", pair.Now());
  ASSERT_TRUE(id.ok());
  Transfer t{*id, RandomBytes(8 << 20, 3)};
  pair.application = [&](TimePoint) {
    echo.Run();
    t.Run(&pair.client());
  };
  ASSERT_TRUE(pair.RunUntil([&] { return t.eof; }, 600s)) << t.received.size();
  EXPECT_TRUE(t.received == t.data);
  std::printf("8 MiB echoed in %.1f s simulated, %llu lost, cwnd %llu\n",
              std::chrono::duration<double>(pair.Elapsed()).count(),
              static_cast<unsigned long long>(pair.client().loss_stats().packets_lost),
              static_cast<unsigned long long>(pair.client().congestion_window()));
  // The default controller does not read random loss as congestion: BBR
  // echoes the 8 MiB in about 7 s here, where NewReno (and CUBIC) took
  // over 300 s. The link carries 4 MB/s, 70 % of it arriving, each way, so
  // 8 MiB cannot take less than about 3 s.
  EXPECT_EQ(pair.client().congestion_algorithm(), "bbr");
  EXPECT_LT(pair.Elapsed(), 15s);
  // The path itself loses 30 % and holds back 5 % long enough to be
  // declared lost: the controller adds almost no drops of its own at the
  // 256 KiB bottleneck queue.
  const LossStats& loss = pair.client().loss_stats();
  EXPECT_LT(static_cast<double>(loss.packets_lost) /
                static_cast<double>(loss.packets_acked + loss.packets_lost),
            0.37);
}

}  // namespace
}  // namespace roam::channel
