// Utf8Decoder: valid input, maximal-subpart replacement of invalid input,
// and state kept across arbitrary splits.

#include "term/utf8_decoder.h"

#include <gtest/gtest.h>

#include <string>

namespace roam::term {
namespace {

std::u32string Decode(const std::string& bytes, Utf8Decoder* d) {
  std::u32string out;
  for (char b : bytes) d->Feed(static_cast<uint8_t>(b), [&](char32_t c) { out.push_back(c); });
  return out;
}

std::u32string Decode(const std::string& bytes) {
  Utf8Decoder d;
  return Decode(bytes, &d);
}

TEST(Utf8DecoderTest, DecodesAllLengths) {
  EXPECT_EQ(Decode("A\xC3\xA9\xE4\xB8\x80\xF0\x9F\x98\x80"), U"A\u00E9\u4E00\U0001F600");
  EXPECT_EQ(Decode("\xF4\x8F\xBF\xBF"), U"\U0010FFFF");
}

TEST(Utf8DecoderTest, StateSurvivesSplits) {
  Utf8Decoder d;
  EXPECT_EQ(Decode("\xF0\x9F", &d), U"");
  EXPECT_FALSE(d.idle());
  EXPECT_EQ(Decode("\x98", &d), U"");
  EXPECT_EQ(Decode("\x80Z", &d), U"\U0001F600Z");
  EXPECT_TRUE(d.idle());
}

TEST(Utf8DecoderTest, TruncatedSequenceIsOneReplacementThenRestart) {
  // E4 B8 is a valid prefix; 'A' cannot continue it.
  EXPECT_EQ(Decode("\xE4\xB8"
                   "A"),
            U"\uFFFDA");
  // A new lead byte interrupts the sequence and starts its own.
  EXPECT_EQ(Decode("\xE4\xC3\xA9"), U"\uFFFD\u00E9");
}

TEST(Utf8DecoderTest, LoneContinuationAndBadLeadBytes) {
  EXPECT_EQ(Decode("\x80"), U"\uFFFD");
  EXPECT_EQ(Decode("\xC0\xAF"), U"\uFFFD\uFFFD");  // overlong lead
  EXPECT_EQ(Decode("\xFF"), U"\uFFFD");
  EXPECT_EQ(Decode("\xF5\x80\x80\x80"), U"\uFFFD\uFFFD\uFFFD\uFFFD");
}

TEST(Utf8DecoderTest, SurrogatesOverlongsAndTooLargeAreReplaced) {
  // ED A0 80 would be U+D800: ED's second byte must be 80..9F.
  EXPECT_EQ(Decode("\xED\xA0\x80"), U"\uFFFD\uFFFD\uFFFD");
  // E0 80 80: overlong.
  EXPECT_EQ(Decode("\xE0\x80\x80"), U"\uFFFD\uFFFD\uFFFD");
  // F4 90 80 80 would be 0x110000.
  EXPECT_EQ(Decode("\xF4\x90\x80\x80"), U"\uFFFD\uFFFD\uFFFD\uFFFD");
}

TEST(Utf8DecoderTest, C1ControlsAreCodePointsWhenEncoded) {
  EXPECT_EQ(Decode("\xC2\x9B"), U"\u009B");
  // A raw 0x9B byte is invalid UTF-8.
  EXPECT_EQ(Decode("\x9B"), U"\uFFFD");
}

TEST(Utf8DecoderTest, StateRoundTrips) {
  Utf8Decoder a;
  Decode("\xF0\x9F\x98", &a);
  Utf8Decoder b;
  b.set_state(a.state());
  EXPECT_EQ(Decode("\x80", &b), U"\U0001F600");
}

}  // namespace
}  // namespace roam::term
