// Varints against the example encodings of RFC 9000 §16 (an independent
// source), the length boundaries, and every way input can end early.

#include "base/varint.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/byte_reader.h"
#include "base/byte_writer.h"

namespace roam {
namespace {

std::string Encode(uint64_t v) {
  std::string out;
  ByteWriter w(&out);
  WriteVarint(&w, v);
  return out;
}

// Reads one varint from `bytes`; nullopt when ReadVarint fails.
std::optional<uint64_t> Decode(std::string_view bytes, size_t* consumed = nullptr) {
  ByteReader r(bytes);
  uint64_t v = 0;
  if (!ReadVarint(&r, &v)) return std::nullopt;
  if (consumed) *consumed = r.position();
  return v;
}

// RFC 9000 §16: "the eight-byte sequence 0xc2197c5eff14e88c decodes to the
// decimal value 151,288,809,941,952,652; the four-byte sequence 0x9d7f3e7d
// decodes to 494,878,333; the two-byte sequence 0x7bbd decodes to 15,293;
// and the single byte 0x25 decodes to 37 (as does the two-byte sequence
// 0x4025)."
struct KnownAnswer {
  std::string_view bytes;
  uint64_t value;
};
constexpr KnownAnswer kRfc9000Examples[] = {
    {std::string_view("\xc2\x19\x7c\x5e\xff\x14\xe8\x8c", 8), 151288809941952652ull},
    {std::string_view("\x9d\x7f\x3e\x7d", 4), 494878333},
    {std::string_view("\x7b\xbd", 2), 15293},
    {std::string_view("\x25", 1), 37},
};

TEST(VarintTest, DecodesTheRfc9000Examples) {
  for (const KnownAnswer& k : kRfc9000Examples) {
    size_t consumed = 0;
    EXPECT_EQ(Decode(k.bytes, &consumed), k.value);
    EXPECT_EQ(consumed, k.bytes.size());
  }
}

TEST(VarintTest, EncodesTheRfc9000ExamplesInTheirShortestForm) {
  for (const KnownAnswer& k : kRfc9000Examples) {
    EXPECT_EQ(Encode(k.value), k.bytes) << k.value;
    EXPECT_EQ(VarintSize(k.value), k.bytes.size());
  }
}

TEST(VarintTest, ReadsANonShortestEncodingToo) {
  // RFC 9000 §16: 0x4025 also decodes to 37.
  size_t consumed = 0;
  EXPECT_EQ(Decode(std::string_view("\x40\x25", 2), &consumed), 37u);
  EXPECT_EQ(consumed, 2u);
  EXPECT_EQ(Decode(std::string_view("\x80\x00\x00\x25", 4)), 37u);
  EXPECT_EQ(Decode(std::string_view("\xc0\x00\x00\x00\x00\x00\x00\x25", 8)), 37u);
}

TEST(VarintTest, ChangesLengthAtEachBoundary) {
  struct Boundary {
    uint64_t value;
    size_t size;
  };
  for (const Boundary& b :
       {Boundary{0, 1}, Boundary{63, 1}, Boundary{64, 2}, Boundary{16383, 2}, Boundary{16384, 4},
        Boundary{(1ull << 30) - 1, 4}, Boundary{1ull << 30, 8}, Boundary{kVarintMax, 8}}) {
    const std::string bytes = Encode(b.value);
    EXPECT_EQ(bytes.size(), b.size) << b.value;
    EXPECT_EQ(VarintSize(b.value), b.size) << b.value;
    EXPECT_EQ(Decode(bytes), b.value);
  }
  EXPECT_EQ(Encode(kVarintMax), std::string(8, '\xff'));
}

TEST(VarintTest, EveryTruncationFailsAndLeavesTheReaderWhereItWas) {
  const std::string bytes("\xc2\x19\x7c\x5e\xff\x14\xe8\x8c", 8);
  for (size_t n = 0; n < bytes.size(); ++n) {
    ByteReader r(std::string_view(bytes).substr(0, n));
    uint64_t v = 99;
    EXPECT_FALSE(ReadVarint(&r, &v)) << n;
    EXPECT_EQ(v, 99u);
    EXPECT_EQ(r.position(), 0u) << n;
  }
}

TEST(VarintTest, ReadsConsecutiveValuesFromOneBuffer) {
  std::string bytes;
  ByteWriter w(&bytes);
  for (uint64_t v : {uint64_t{1}, uint64_t{300}, uint64_t{70000}, kVarintMax}) WriteVarint(&w, v);
  ByteReader r(bytes);
  for (uint64_t want : {uint64_t{1}, uint64_t{300}, uint64_t{70000}, kVarintMax}) {
    uint64_t v = 0;
    ASSERT_TRUE(ReadVarint(&r, &v));
    EXPECT_EQ(v, want);
  }
  EXPECT_TRUE(r.empty());
}

TEST(VarintDeathTest, RefusesToEncodeAValueAbove2To62) {
  std::string out;
  ByteWriter w(&out);
  EXPECT_DEATH(WriteVarint(&w, kVarintMax + 1), "");
}

}  // namespace
}  // namespace roam
