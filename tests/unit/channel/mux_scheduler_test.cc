// The multiplexer's scheduler: channels with data take turns packet by
// packet (round robin), so a bulk channel never holds a quiet one back by
// more than a packet, and one that cannot send gives its turns away.

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "channel/mux.h"
#include "unit/channel/mux_bed.h"

namespace roam::channel {
namespace {

using namespace std::chrono_literals;
using testing::MuxBed;
using testing::Pattern;

// The channel ids whose data each captured packet carried, in order
// (packets without stream data are left out).
std::vector<std::vector<uint64_t>> DataOwners(const std::vector<std::string>& packets) {
  std::vector<std::vector<uint64_t>> out;
  for (const std::string& p : packets) {
    Result<DecodedPacket> d = DecodePacket(p);
    EXPECT_TRUE(d.ok());
    if (!d.ok()) continue;
    std::vector<uint64_t> ids;
    for (const Frame& f : d->frames) {
      const auto* s = std::get_if<StreamFrame>(&f);
      if (s && !s->data.empty()) ids.push_back(s->stream_id);
    }
    if (!ids.empty()) out.push_back(ids);
  }
  return out;
}

// Stream bytes per channel in `packets` (open requests included).
std::map<uint64_t, uint64_t> BytesPerChannel(const std::vector<std::string>& packets) {
  std::map<uint64_t, uint64_t> out;
  for (const std::string& p : packets) {
    Result<DecodedPacket> d = DecodePacket(p);
    if (!d.ok()) continue;
    for (const Frame& f : d->frames) {
      if (const auto* s = std::get_if<StreamFrame>(&f)) out[s->stream_id] += s->data.size();
    }
  }
  return out;
}

// A clean link with a 2 MB/s bottleneck: bulk channels never run dry in
// these tests, whatever the congestion controller does.
netsim::LinkConfig Bottleneck() {
  netsim::LinkConfig link = testing::CleanLink();
  link.rate_bytes_per_sec = 2'000'000;
  return link;
}

// Send buffers far smaller than what is written: a writer with bytes left
// in its Write order is a channel that still has data to send.
MuxConfig SmallSendBuffers() {
  MuxConfig c;
  c.stream_send_buffer = 256 * 1024;
  return c;
}

TEST(MuxSchedulerTest, BulkChannelsTakeFullPacketsInTurn) {
  MuxBed bed(SmallSendBuffers(), SmallSendBuffers(), Bottleneck());
  const uint64_t a = bed.Open("a");
  const uint64_t b = bed.Open("b");
  const uint64_t c = bed.Open("c");
  for (uint64_t id : {a, b, c}) bed.Write(Side::kClient, id, Pattern(300 * 1024, id));
  bed.Run(200ms);
  const std::vector<std::vector<uint64_t>> owners = DataOwners(bed.captured(/*to_server=*/true));
  ASSERT_GT(owners.size(), 60u);
  // After the first packet (three open requests together), every packet
  // belongs to one channel, and the channels follow each other a, b, c.
  for (size_t i = 1; i < 61; ++i) {
    ASSERT_EQ(owners[i].size(), 1u) << "packet " << i;
    EXPECT_EQ(owners[i][0], owners[i - 1].back() == c ? a : owners[i - 1].back() + 4)
        << "packet " << i;
  }
}

TEST(MuxSchedulerTest, ThePacketBudgetIsSharedEvenly) {
  MuxBed bed(SmallSendBuffers(), SmallSendBuffers(), Bottleneck());
  std::vector<uint64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(bed.Open("bulk"));
  for (uint64_t id : ids) bed.Write(Side::kClient, id, Pattern(2 << 20, id));
  bed.Run(200ms);
  for (uint64_t id : ids) ASSERT_GT(bed.Unwritten(Side::kClient, id), 0u);  // all still busy
  // Data packets each channel got (the first one carried all requests).
  std::map<uint64_t, int> packets;
  const std::vector<std::vector<uint64_t>> owners = DataOwners(bed.captured(true));
  ASSERT_GT(owners.size(), 100u);
  for (size_t i = 1; i < owners.size(); ++i) {
    for (uint64_t id : owners[i]) ++packets[id];
  }
  int least = 1 << 30;
  int most = 0;
  for (uint64_t id : ids) {
    least = std::min(least, packets[id]);
    most = std::max(most, packets[id]);
  }
  EXPECT_LE(most - least, 1) << least << " .. " << most;
}

TEST(MuxSchedulerTest, AQuietChannelsFewBytesWaitForAtMostOneBulkPacket) {
  // A bottleneck and a reader that keeps up: the bulk channel always has
  // data and room, for the whole test.
  MuxBed bed(SmallSendBuffers(), SmallSendBuffers(), Bottleneck());
  const uint64_t bulk = bed.Open("bulk");
  const uint64_t keys = bed.Open("keys");
  bed.Write(Side::kClient, bulk, Pattern(8 << 20));
  bed.Read(Side::kServer, bulk);
  bed.Run(300ms);  // the bulk channel is in full flow
  for (int press = 0; press < 20; ++press) {
    const size_t before = bed.captured(true).size();
    bed.Write(Side::kClient, keys, "k");
    bed.Run(5ms);
    const std::vector<std::string> after(bed.captured(true).begin() + before,
                                         bed.captured(true).end());
    const std::vector<std::vector<uint64_t>> owners = DataOwners(after);
    // The key goes out in the first or the second data packet after it was
    // written (the first may already have been the bulk channel's turn).
    size_t position = owners.size();
    for (size_t i = 0; i < owners.size() && position == owners.size(); ++i) {
      for (uint64_t id : owners[i]) {
        if (id == keys) position = i;
      }
    }
    EXPECT_LE(position, 1u) << "press " << press << " went out in data packet " << position;
  }
  EXPECT_GT(bed.Unwritten(Side::kClient, bulk), 0u);  // still in full flow
}

TEST(MuxSchedulerTest, AChannelThatCannotSendGivesItsTurnsAway) {
  // Channel a's peer never reads, so a stops at its stream window; b gets
  // every packet from then on.
  MuxConfig config;
  config.stream_window = 64 * 1024;
  MuxBed bed(config);
  const uint64_t a = bed.Open("a");
  const uint64_t b = bed.Open("b");
  bed.Write(Side::kClient, a, Pattern(1 << 20, 1));
  bed.Write(Side::kClient, b, Pattern(1 << 20, 2));
  bed.Read(Side::kServer, b);
  bed.Run(1s);
  std::map<uint64_t, uint64_t> bytes = BytesPerChannel(bed.captured(true));
  EXPECT_LE(bytes[a], 64u * 1024);
  EXPECT_EQ(bed.Received(Side::kServer, b).size(), size_t{1} << 20);
}

TEST(MuxSchedulerTest, WindowUpdatesGoBeforeStreamDataInAPacket) {
  MuxConfig config;
  config.stream_window = 64 * 1024;
  MuxBed bed(config);
  const uint64_t id = bed.Open();
  bed.Write(Side::kClient, id, Pattern(1 << 20, 1));
  bed.Write(Side::kServer, id, Pattern(1 << 20, 2));
  bed.Read(Side::kServer, id);
  bed.Read(Side::kClient, id);
  bed.Run(1s);
  int updates = 0;
  for (const std::string& p : bed.captured(/*to_server=*/false)) {
    Result<DecodedPacket> d = DecodePacket(p);
    ASSERT_TRUE(d.ok());
    bool seen_stream = false;
    for (const Frame& f : d->frames) {
      if (std::holds_alternative<StreamFrame>(f)) seen_stream = true;
      if (std::holds_alternative<MaxStreamDataFrame>(f) ||
          std::holds_alternative<MaxDataFrame>(f)) {
        ++updates;
        EXPECT_FALSE(seen_stream);
      }
    }
  }
  EXPECT_GT(updates, 0);
}

}  // namespace
}  // namespace roam::channel
