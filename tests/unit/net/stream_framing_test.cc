// Sealed datagrams over a byte stream (docs/protocol.md §10.1).

#include "net/stream_framing.h"

#include <gtest/gtest.h>

#include <string>

namespace roam::net {
namespace {

std::string Datagram(size_t n, char fill) { return std::string(n, fill); }

TEST(StreamFramingTest, GoldenFrame) {
  std::string out;
  AppendFrame(Datagram(24, 'a'), &out);
  EXPECT_EQ(out.substr(0, 2), std::string("\x00\x18", 2));
  EXPECT_EQ(out.size(), 26u);
  out.clear();
  AppendFrame(Datagram(2048, 'b'), &out);
  EXPECT_EQ(out.substr(0, 2), std::string("\x08\x00", 2));
}

TEST(StreamFramingTest, DatagramsComeOutWholeWhateverTheReadBoundaries) {
  std::string stream;
  std::vector<std::string> sent = {Datagram(24, 'x'), Datagram(1300, 'y'), Datagram(2048, 'z')};
  for (const std::string& d : sent) AppendFrame(d, &stream);
  for (size_t piece : {size_t{1}, size_t{7}, size_t{1000}, stream.size()}) {
    StreamDeframer deframer;
    std::vector<std::string> got;
    for (size_t i = 0; i < stream.size(); i += piece) {
      deframer.Feed(std::string_view(stream).substr(i, piece));
      for (;;) {
        Result<std::optional<std::string>> d = deframer.Next();
        ASSERT_TRUE(d.ok());
        if (!*d) break;
        got.push_back(**d);
      }
    }
    EXPECT_EQ(got, sent) << "pieces of " << piece;
    EXPECT_EQ(deframer.buffered(), 0u);
    EXPECT_EQ(deframer.stats().frames, 3u);
  }
}

TEST(StreamFramingTest, ALengthOutsideTheBoundsBreaksTheStreamForGood) {
  for (std::string bad : {std::string("\x00\x17", 2), std::string("\x08\x01", 2),
                          std::string("\xff\xff", 2), std::string("\x00\x00", 2)}) {
    StreamDeframer deframer;
    std::string good;
    AppendFrame(Datagram(30, 'g'), &good);
    deframer.Feed(bad + good);
    EXPECT_FALSE(deframer.Next().ok());
    EXPECT_EQ(deframer.stats().malformed, 1u);
    // Nothing after it is trusted: framing cannot be found again.
    EXPECT_FALSE(deframer.Next().ok());
  }
}

TEST(StreamFramingTest, AHalfFrameWaits) {
  std::string stream;
  AppendFrame(Datagram(100, 'h'), &stream);
  StreamDeframer deframer;
  deframer.Feed(stream.substr(0, 50));
  Result<std::optional<std::string>> d = deframer.Next();
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->has_value());
  EXPECT_EQ(deframer.buffered(), 50u);
}

}  // namespace
}  // namespace roam::net
