// The byte examples in docs/protocol.md §8-§9, checked against the code that
// produces and reads them, so the document cannot drift from the wire.

#include <gtest/gtest.h>

#include <string>

#include "base/byte_writer.h"
#include "channel/frame.h"
#include "channel/mux.h"
#include "state/roam_hello.h"
#include "state/user_stream.h"

namespace roam {
namespace {

std::string Hex(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    if (!out.empty()) out += ' ';
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

TEST(ProtocolExamplesTest, HelloWithDefaultLimitsAsAUserMessageInstruction) {
  const channel::TransportParameters limits = channel::LocalParameters(channel::MuxConfig{});
  state::RoamHello hello;
  hello.version = 1;
  hello.features = state::kFeatureChannels;
  hello.initial_max_data = limits.initial_max_data;
  hello.initial_max_stream_data = limits.initial_max_stream_data;
  hello.initial_max_streams = limits.initial_max_streams;
  state::UserStream stream;
  stream.PushHello(hello);
  EXPECT_EQ(Hex(stream.InitDiff()),
            "0a 14 82 04 11 08 01 10 01 18 80 80 80 10 20 80 80 80 04 28 80 01");
  // And it reads back as the same event.
  Result<std::vector<state::UserEvent>> events = state::UserStream::EventsOfDiff(stream.InitDiff());
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(std::get<state::RoamHello>((*events)[0]), hello);
}

TEST(ProtocolExamplesTest, PacketWithAnAckAndAFinishedStreamFrame) {
  std::string packet;
  ByteWriter w(&packet);
  channel::EncodePacketHeader(5, &w);
  channel::EncodeFrame(channel::AckFrame{{{0, 4}}, 250}, &w);
  channel::EncodeFrame(channel::StreamFrame{0, 0, "hi", true}, &w);
  EXPECT_EQ(Hex(packet), "81 05 02 04 40 fa 00 04 0b 00 02 68 69");
  Result<channel::DecodedPacket> decoded = channel::DecodePacket(packet);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->packet_number, 5u);
  ASSERT_EQ(decoded->frames.size(), 2u);
  EXPECT_EQ(std::get<channel::StreamFrame>(decoded->frames[1]).data, "hi");
}

}  // namespace
}  // namespace roam
