// Compressor: zlib round trips, Mosh's stream header, and the hard 4 MiB
// output limit on untrusted input.

#include "ssp/compressor.h"

#include <gtest/gtest.h>

#include <string>

#include "base/random.h"

namespace roam::ssp {
namespace {

TEST(CompressorTest, RoundTripsAndStartsWithDefaultLevelHeader) {
  const std::string text = "echo hello world\r\n" + std::string(1000, 'x');
  Result<std::string> compressed = Compress(text);
  ASSERT_TRUE(compressed.ok());
  ASSERT_GE(compressed->size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>((*compressed)[0]), 0x78);
  EXPECT_EQ(static_cast<unsigned char>((*compressed)[1]), 0x9C);
  EXPECT_LT(compressed->size(), text.size());
  Result<std::string> plain = Decompress(*compressed);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, text);
}

TEST(CompressorTest, EmptyInputRoundTrips) {
  Result<std::string> compressed = Compress("");
  ASSERT_TRUE(compressed.ok());
  Result<std::string> plain = Decompress(*compressed);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, "");
}

TEST(CompressorTest, RandomDataRoundTrips) {
  SeededRandom random(7);
  std::string data(100'000, '\0');
  for (char& c : data) c = static_cast<char>(random.Next());
  Result<std::string> compressed = Compress(data);
  ASSERT_TRUE(compressed.ok());
  Result<std::string> plain = Decompress(*compressed);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, data);
}

TEST(CompressorTest, ExactlyTheLimitIsAccepted) {
  const std::string data(kMaxDecompressedBytes, 'a');
  Result<std::string> compressed = Compress(data);
  ASSERT_TRUE(compressed.ok());
  Result<std::string> plain = Decompress(*compressed);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->size(), kMaxDecompressedBytes);
}

TEST(CompressorTest, OneByteOverTheLimitIsRejected) {
  // A zlib bomb: about 4 KiB of stream that would inflate past 4 MiB.
  const std::string data(kMaxDecompressedBytes + 1, 'a');
  Result<std::string> compressed = Compress(data);
  ASSERT_TRUE(compressed.ok());
  EXPECT_LT(compressed->size(), 10'000u);
  EXPECT_EQ(Decompress(*compressed).status().code(), StatusCode::kOutOfRange);
}

TEST(CompressorTest, CustomLimitApplies) {
  Result<std::string> compressed = Compress(std::string(101, 'z'));
  ASSERT_TRUE(compressed.ok());
  EXPECT_TRUE(Decompress(*compressed, 101).ok());
  EXPECT_EQ(Decompress(*compressed, 100).status().code(), StatusCode::kOutOfRange);
}

TEST(CompressorTest, CorruptTruncatedAndTrailingStreamsAreMalformed) {
  Result<std::string> compressed = Compress("some instruction bytes, some instruction bytes");
  ASSERT_TRUE(compressed.ok());

  std::string truncated = compressed->substr(0, compressed->size() - 3);
  EXPECT_EQ(Decompress(truncated).status().code(), StatusCode::kMalformed);

  std::string corrupt = *compressed;
  corrupt[0] = 0x00;  // bad zlib header
  EXPECT_EQ(Decompress(corrupt).status().code(), StatusCode::kMalformed);

  std::string trailing = *compressed + "x";
  EXPECT_EQ(Decompress(trailing).status().code(), StatusCode::kMalformed);

  EXPECT_EQ(Decompress("").status().code(), StatusCode::kMalformed);
  EXPECT_EQ(Decompress("not zlib at all").status().code(), StatusCode::kMalformed);
}

}  // namespace
}  // namespace roam::ssp
