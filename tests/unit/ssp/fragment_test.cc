// Fragment wire layout and the Fragmenter's chunking, ids and limits.

#include "ssp/fragment.h"

#include <gtest/gtest.h>

#include <string>

#include "base/random.h"
#include "ssp/compressor.h"

namespace roam::ssp {
namespace {

constexpr size_t kIpv4Mtu = 1252;

std::string RandomBytes(size_t n, uint64_t seed) {
  SeededRandom random(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(random.Next());
  return s;
}

TEST(FragmentTest, EncodesBigEndianIdAndFinalBit) {
  Fragment fragment{0x0102030405060708, 3, true, "ab"};
  EXPECT_EQ(fragment.Encode(), std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x80\x03"
                                           "ab",
                                           12));
  Fragment first{1, 0, false, ""};
  EXPECT_EQ(first.Encode(), std::string("\0\0\0\0\0\0\0\x01\0\0", 10));
}

TEST(FragmentTest, DecodeRoundTrips) {
  Fragment fragment{42, 32767, false, "contents"};
  Result<Fragment> decoded = Fragment::Decode(fragment.Encode());
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, fragment);
}

TEST(FragmentTest, DecodesTheCapturedHeader) {
  // docs/protocol.md §15: id=1, final, fragment 0.
  Result<Fragment> decoded = Fragment::Decode(std::string("\0\0\0\0\0\0\0\x01\x80\0\x78\x9c", 12));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->id, 1u);
  EXPECT_EQ(decoded->num, 0);
  EXPECT_TRUE(decoded->final);
  EXPECT_EQ(decoded->contents, "\x78\x9c");
}

TEST(FragmentTest, ShorterThanTenBytesIsMalformed) {
  for (size_t n = 0; n < 10; ++n) {
    EXPECT_EQ(Fragment::Decode(std::string(n, '\x01')).status().code(), StatusCode::kMalformed)
        << n;
  }
  EXPECT_TRUE(Fragment::Decode(std::string(10, '\x01')).ok());
}

TEST(FragmentTest, RoomIsMtuMinus38) {
  EXPECT_EQ(FragmentRoom(1252), 1214u);
  EXPECT_EQ(FragmentRoom(1216), 1178u);
  EXPECT_EQ(FragmentRoom(500), 462u);
}

TEST(FragmenterTest, SmallInstructionIsOneFinalFragment) {
  Fragmenter fragmenter;
  Result<std::vector<Fragment>> fragments = fragmenter.Split("instruction", kIpv4Mtu);
  ASSERT_TRUE(fragments.ok());
  ASSERT_EQ(fragments->size(), 1u);
  EXPECT_EQ((*fragments)[0].id, 1u);
  EXPECT_EQ((*fragments)[0].num, 0);
  EXPECT_TRUE((*fragments)[0].final);
  Result<std::string> plain = Decompress((*fragments)[0].contents);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, "instruction");
}

TEST(FragmenterTest, EveryInstructionGetsAFreshId) {
  Fragmenter fragmenter;
  for (uint64_t expected = 1; expected <= 5; ++expected) {
    Result<std::vector<Fragment>> fragments = fragmenter.Split("same bytes", kIpv4Mtu);
    ASSERT_TRUE(fragments.ok());
    EXPECT_EQ((*fragments)[0].id, expected);
  }
}

TEST(FragmenterTest, LargeInstructionSplitsIntoFullChunks) {
  Fragmenter fragmenter;
  const std::string data = RandomBytes(5000, 3);  // incompressible
  Result<std::vector<Fragment>> fragments = fragmenter.Split(data, kIpv4Mtu);
  ASSERT_TRUE(fragments.ok());
  ASSERT_GE(fragments->size(), 5u);
  std::string joined;
  for (size_t i = 0; i < fragments->size(); ++i) {
    const Fragment& f = (*fragments)[i];
    EXPECT_EQ(f.num, i);
    EXPECT_EQ(f.final, i + 1 == fragments->size());
    EXPECT_EQ(f.id, (*fragments)[0].id);
    if (!f.final) {
      EXPECT_EQ(f.contents.size(), 1214u);
    }
    EXPECT_LE(f.Encode().size() + kDatagramOverheadBytes, kIpv4Mtu);
    EXPECT_GE(f.Encode().size(), kFragmentHeaderBytes);
    joined += f.contents;
  }
  Result<std::string> plain = Decompress(joined);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, data);
}

TEST(FragmenterTest, SmallMtuUsesSmallChunks) {
  Fragmenter fragmenter;
  Result<std::vector<Fragment>> fragments = fragmenter.Split(RandomBytes(2000, 4), 500);
  ASSERT_TRUE(fragments.ok());
  EXPECT_EQ((*fragments)[0].contents.size(), 462u);
}

TEST(FragmenterTest, MoreThan32768FragmentsIsAnErrorAndUsesNoId) {
  Fragmenter fragmenter;
  // Smallest MTU with a 1-byte chunk: any compressed stream over 32768 bytes
  // needs too many fragments.
  const size_t tiny_mtu = kDatagramOverheadBytes + kFragmentHeaderBytes + 1;
  Result<std::vector<Fragment>> fragments = fragmenter.Split(RandomBytes(40'000, 5), tiny_mtu);
  EXPECT_EQ(fragments.status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(fragmenter.next_id(), 1u);
  // Just under the limit still works.
  Result<std::vector<Fragment>> ok = fragmenter.Split(RandomBytes(30'000, 6), tiny_mtu);
  ASSERT_TRUE(ok.ok());
  EXPECT_LE(ok->size(), kMaxFragments);
  EXPECT_EQ(ok->back().num, ok->size() - 1);
}

}  // namespace
}  // namespace roam::ssp
