// Channel churn through a lossy link: hundreds of short channels opened,
// used, closed, reset or abandoned in seeded random ways, never more than
// the peer allows at once. Every one must end, and both sides must forget
// every one: no channel, buffer or MAX_STREAMS credit may leak.

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>

#include "base/random.h"
#include "channel/mux.h"
#include "unit/channel/mux_pair.h"

namespace roam::channel {
namespace {

using namespace std::chrono_literals;
using testing::MuxPair;

// What the client does with one channel.
enum class Fate { kCloseBoth, kClientResets, kServerResets, kClientAbandons, kRefused };

struct ClientChannel {
  Fate fate;
  std::string data;
  size_t written = 0;
  bool closed = false;
  bool done = false;
};

struct ServerChannel {
  bool done = false;
};

class ChurnTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(ChurnTest, EveryChannelEndsAndIsForgottenOnBothSides) {
  const uint64_t seed = GetParam();
  netsim::LinkConfig link;
  link.delay = 15ms;
  link.jitter = 5ms;
  link.loss = 0.2;
  link.reorder = 0.05;
  link.duplicate = 0.05;
  MuxConfig config;
  config.max_incoming_channels = 8;
  config.stream_window = 16 * 1024;
  config.session_window = 64 * 1024;
  MuxPair pair(config, link, seed);
  SeededRandom random(seed);
  constexpr int kChannels = 300;
  int opened = 0;
  int ended = 0;
  std::map<uint64_t, ClientChannel> client;
  std::map<uint64_t, ServerChannel> server;

  pair.application = [&](TimePoint now) {
    Mux& c = pair.client();
    Mux& s = pair.server();
    // Open as many as the server allows now.
    while (opened < kChannels) {
      Result<uint64_t> id = c.Open("churn", now);
      if (!id.ok()) break;
      ++opened;
      ClientChannel& ch = client[*id];
      ch.fate = static_cast<Fate>(random.Uniform(5));
      ch.data.assign(static_cast<size_t>(random.Uniform(40000)), 'd');
    }
    for (const MuxEvent& e : s.TakeEvents()) {
      if (e.kinds & MuxEvent::kIncoming) {
        if (c.Info(e.id) && client[e.id].fate == Fate::kRefused) {
          EXPECT_TRUE(s.Refuse(e.id, "churned").ok());
          server[e.id].done = true;
        } else {
          EXPECT_TRUE(s.Accept(e.id).ok());
          server[e.id];
        }
      }
    }
    (void)c.TakeEvents();
    // The server echoes nothing: it reads everything, and ends its side
    // once the client's side ended; or resets when told to.
    for (auto& [id, sc] : server) {
      if (sc.done) continue;
      std::string sink;
      s.Read(id, &sink, 1 << 20);
      std::optional<ChannelInfo> info = s.Info(id);
      if (!info) {
        sc.done = true;
        continue;
      }
      const bool server_resets = client.count(id) && client[id].fate == Fate::kServerResets;
      if (server_resets && info->stats.bytes_read > 0) {
        s.Reset(id, kErrorServiceFailed);
        s.Release(id);
        sc.done = true;
      } else if (info->eof || info->peer_reset || info->stop_sending) {
        s.CloseWrite(id);
        s.Release(id);
        sc.done = true;
      }
    }
    for (auto& [id, ch] : client) {
      if (ch.done) continue;
      std::optional<ChannelInfo> info = c.Info(id);
      if (!info) {
        ch.done = true;
        ++ended;
        continue;
      }
      if (ch.written < ch.data.size()) {
        ch.written += c.Write(id, std::string_view(ch.data).substr(ch.written));
      }
      std::string sink;
      c.Read(id, &sink, 1 << 20);
      const bool all_written = ch.written == ch.data.size();
      switch (ch.fate) {
        case Fate::kClientResets:
          if (ch.written > 0 || all_written) {
            c.Reset(id, kErrorCancelled);
            c.Release(id);
            ch.done = true;
            ++ended;
          }
          break;
        case Fate::kClientAbandons:
          if (all_written) {
            c.Release(id);  // neither CloseWrite nor Reset: the release resets
            ch.done = true;
            ++ended;
          }
          break;
        default:
          if (all_written && !ch.closed) {
            c.CloseWrite(id);
            ch.closed = true;
          }
          if (info->eof || info->peer_reset || info->phase == ChannelPhase::kRefused) {
            c.Release(id);
            ch.done = true;
            ++ended;
          }
          break;
      }
    }
  };
  pair.Step(pair.Now());  // the first opens, before the clock moves
  ASSERT_TRUE(pair.RunUntil(
      [&] {
        return opened == kChannels && ended == kChannels && pair.client().channel_count() == 0 &&
               pair.server().channel_count() == 0;
      },
      3600s))
      << "opened " << opened << ", ended " << ended << ", client holds "
      << pair.client().channel_count() << ", server holds " << pair.server().channel_count();
  EXPECT_EQ(pair.client().buffered_bytes(), 0u);
  EXPECT_EQ(pair.server().buffered_bytes(), 0u);
  EXPECT_EQ(pair.server().stats().channels_closed, static_cast<uint64_t>(kChannels));
}

INSTANTIATE_TEST_SUITE_P(Seeds, ChurnTest, ::testing::Values(1, 2, 3, 4, 5, 6, 7, 8));

}  // namespace
}  // namespace roam::channel
