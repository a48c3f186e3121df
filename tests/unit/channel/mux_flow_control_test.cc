// Flow control in the multiplexer: a slow reader holds a fast writer back
// through the stream and session windows, the writer resumes when the
// reader reads, and lost window updates are sent again — on a fake clock.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <variant>

#include "channel/mux.h"
#include "unit/channel/mux_bed.h"

namespace roam::channel {
namespace {

using namespace std::chrono_literals;
using testing::MuxBed;
using testing::Pattern;

constexpr uint64_t kKiB = 1024;

MuxConfig SmallWindows(uint64_t stream_window, uint64_t session_window, size_t send_buffer) {
  MuxConfig c;
  c.stream_window = stream_window;
  c.session_window = session_window;
  c.stream_send_buffer = send_buffer;
  return c;
}

uint64_t Held(Mux& mux, uint64_t id) {
  std::optional<ChannelInfo> info = mux.Info(id);
  return info ? info->buffered_receive : 0;
}

TEST(MuxFlowControlTest, ASlowReaderHoldsTheWriterBackAtTheStreamWindow) {
  MuxBed bed(SmallWindows(64 * kKiB, 1 << 20, 64 * kKiB));
  const uint64_t id = bed.Open();
  const std::string data = Pattern(1 << 20);
  bed.Write(Side::kClient, id, data);
  bed.Run(5s);  // the server accepts but never reads
  // The server holds at most one stream window ...
  EXPECT_LE(Held(bed.server(), id), 64 * kKiB);
  EXPECT_GT(Held(bed.server(), id), 60 * kKiB);  // ... and the window was used
  // ... the client at most its send buffer, and the writer is stopped.
  ASSERT_TRUE(bed.client().Info(id));
  EXPECT_EQ(bed.client().Info(id)->writable, 0u);
  EXPECT_LE(bed.client().Info(id)->buffered_send, 64 * kKiB);
  EXPECT_GT(bed.Unwritten(Side::kClient, id), data.size() - 200 * kKiB);
  EXPECT_LE(bed.client().buffered_bytes() + bed.server().buffered_bytes(), 128 * kKiB);
  EXPECT_EQ(bed.server().stats().frames_flow_violation, 0u);
}

TEST(MuxFlowControlTest, TheWriterResumesWhenTheReaderReads) {
  MuxBed bed(SmallWindows(64 * kKiB, 1 << 20, 64 * kKiB));
  const uint64_t id = bed.Open();
  const std::string data = Pattern(1 << 20, 3);
  bed.Write(Side::kClient, id, data, /*close=*/true);
  bed.Run(2s);
  ASSERT_GT(bed.Unwritten(Side::kClient, id), 0u);
  bed.Read(Side::kServer, id);
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Received(Side::kServer, id).size() == data.size(); }));
  EXPECT_TRUE(bed.Received(Side::kServer, id) == data);
  EXPECT_TRUE(bed.Saw(Side::kClient, id, MuxEvent::kWritable));
  EXPECT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kServer, id, MuxEvent::kEof); }));
}

TEST(MuxFlowControlTest, TheSessionWindowCapsAllChannelsTogether) {
  // Stream windows of 64 KiB, but only 96 KiB for the whole session.
  MuxBed bed(SmallWindows(64 * kKiB, 96 * kKiB, 256 * kKiB));
  const uint64_t a = bed.Open("a");
  const uint64_t b = bed.Open("b");
  bed.Write(Side::kClient, a, Pattern(256 * kKiB, 1));
  bed.Write(Side::kClient, b, Pattern(256 * kKiB, 2));
  bed.Run(5s);
  const uint64_t held_a = Held(bed.server(), a);
  const uint64_t held_b = Held(bed.server(), b);
  EXPECT_LE(held_a, 64 * kKiB);
  EXPECT_LE(held_b, 64 * kKiB);
  // Both channels together: one session window (less the two request
  // headers the server consumed).
  EXPECT_LE(held_a + held_b, 96 * kKiB);
  EXPECT_GT(held_a + held_b, 90 * kKiB) << held_a << " " << held_b;
  EXPECT_EQ(bed.server().stats().frames_flow_violation, 0u);
}

TEST(MuxFlowControlTest, ChannelsWhoseReadersStallDoNotStarveOneThatReads) {
  // Two stalled channels hold 64 KiB of a 96 KiB session window: more than
  // half. The third channel's reader keeps up; its writer must still get
  // through, 32 KiB at a time, even though no half window of new reading
  // can ever happen while the other two hold theirs.
  MuxBed bed(SmallWindows(32 * kKiB, 96 * kKiB, 32 * kKiB));
  const uint64_t stalled_a = bed.Open("a");
  const uint64_t stalled_b = bed.Open("b");
  bed.Write(Side::kClient, stalled_a, Pattern(64 * kKiB, 1));
  bed.Write(Side::kClient, stalled_b, Pattern(64 * kKiB, 2));
  ASSERT_TRUE(bed.RunUntil(
      [&] { return Held(bed.server(), stalled_a) + Held(bed.server(), stalled_b) > 60 * kKiB; }));
  const uint64_t active = bed.Open("c");
  const std::string data = Pattern(512 * kKiB, 3);
  bed.Write(Side::kClient, active, data, /*close=*/true);
  bed.Read(Side::kServer, active);
  ASSERT_TRUE(
      bed.RunUntil([&] { return bed.Received(Side::kServer, active).size() == data.size(); }, 120s))
      << bed.Received(Side::kServer, active).size() << " of " << data.size();
  EXPECT_TRUE(bed.Received(Side::kServer, active) == data);
  // The session window still held: the stalled channels kept theirs, and
  // nothing was ever beyond what the server granted.
  EXPECT_LE(bed.server().buffered_bytes(), 96 * kKiB);
  EXPECT_EQ(bed.server().stats().frames_flow_violation, 0u);
}

TEST(MuxFlowControlTest, AResetChannelGivesItsSessionWindowBack) {
  // Two stalled channels hold almost all of a 64 KiB session window; when
  // the client resets them, the window they held must go back to the
  // client although nothing is read anywhere.
  MuxBed bed(SmallWindows(32 * kKiB, 64 * kKiB, 32 * kKiB));
  const uint64_t a = bed.Open("a");
  const uint64_t b = bed.Open("b");
  bed.Write(Side::kClient, a, Pattern(32 * kKiB, 1));
  bed.Write(Side::kClient, b, Pattern(32 * kKiB, 2));
  ASSERT_TRUE(
      bed.RunUntil([&] { return Held(bed.server(), a) + Held(bed.server(), b) > 60 * kKiB; }));
  bed.client().Reset(a, kErrorCancelled);
  bed.client().Reset(b, kErrorCancelled);
  const uint64_t c = bed.Open("c");
  const std::string data = Pattern(256 * kKiB, 3);
  bed.Write(Side::kClient, c, data, /*close=*/true);
  bed.Read(Side::kServer, c);
  EXPECT_TRUE(
      bed.RunUntil([&] { return bed.Received(Side::kServer, c).size() == data.size(); }, 120s))
      << bed.Received(Side::kServer, c).size() << " of " << data.size();
}

TEST(MuxFlowControlTest, ASessionWindowSmallerThanTheStreamWindowWins) {
  MuxBed bed(SmallWindows(256 * kKiB, 32 * kKiB, 256 * kKiB));
  const uint64_t id = bed.Open();
  bed.Write(Side::kClient, id, Pattern(256 * kKiB));
  bed.Run(5s);
  EXPECT_LE(Held(bed.server(), id), 32 * kKiB);
  EXPECT_GT(Held(bed.server(), id), 28 * kKiB);
  bed.Read(Side::kServer, id);
  EXPECT_TRUE(
      bed.RunUntil([&] { return bed.Received(Side::kServer, id).size() == 256 * kKiB; }, 60s));
}

TEST(MuxFlowControlTest, LostWindowUpdatesAreSentAgain) {
  MuxBed bed(SmallWindows(32 * kKiB, 64 * kKiB, 32 * kKiB));
  // The first six packets from the server that raise a window are lost.
  int dropped = 0;
  bed.pair().filter = [&](bool to_server, const std::string& packet) {
    if (to_server || dropped >= 6) return false;
    Result<DecodedPacket> d = DecodePacket(packet);
    for (const Frame& f : d->frames) {
      if (std::holds_alternative<MaxStreamDataFrame>(f) ||
          std::holds_alternative<MaxDataFrame>(f)) {
        ++dropped;
        return true;
      }
    }
    return false;
  };
  const uint64_t id = bed.Open();
  const std::string data = Pattern(512 * kKiB, 5);
  bed.Write(Side::kClient, id, data, /*close=*/true);
  bed.Read(Side::kServer, id);
  ASSERT_TRUE(
      bed.RunUntil([&] { return bed.Received(Side::kServer, id).size() == data.size(); }, 120s));
  EXPECT_EQ(dropped, 6);
  EXPECT_TRUE(bed.Received(Side::kServer, id) == data);
}

TEST(MuxFlowControlTest, BothDirectionsAreWindowedIndependently) {
  // The server writes to a client that does not read, while the client's
  // own writes flow: one direction being stuck never blocks the other.
  MuxBed bed(SmallWindows(64 * kKiB, 1 << 20, 64 * kKiB));
  const uint64_t id = bed.Open();
  bed.Write(Side::kServer, id, Pattern(1 << 20, 8));
  const std::string up = Pattern(512 * kKiB, 9);
  bed.Write(Side::kClient, id, up);
  bed.Read(Side::kServer, id);
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Received(Side::kServer, id).size() == up.size(); }));
  EXPECT_TRUE(bed.Received(Side::kServer, id) == up);
  EXPECT_LE(Held(bed.client(), id), 64 * kKiB);
  EXPECT_GT(bed.Unwritten(Side::kServer, id), 0u);
}

}  // namespace
}  // namespace roam::channel
