// ReceiveStream: reassembly (in order, out of order, overlapping, hostile
// overlaps), the flow-control limit and its updates, the final-size rules
// of RFC 9000 §4.5, and a peer's reset.

#include "channel/receive_stream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "base/random.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/allocator_interface.h>
#define ROAM_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/allocator_interface.h>
#define ROAM_TEST_ASAN 1
#endif
#endif
#if !defined(ROAM_TEST_ASAN)
#include <malloc.h>
#endif

namespace roam::channel {
namespace {

constexpr uint64_t kWindow = 10000;

// Heap bytes in use by the whole process (single-threaded here).
size_t HeapInUse() {
#if defined(ROAM_TEST_ASAN)
  return __sanitizer_get_current_allocated_bytes();
#else
  return mallinfo2().uordblks;
#endif
}

// Bytes whose value tells their offset (mod 251).
std::string Pattern(size_t n, uint64_t start = 0) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>((start + i) % 251);
  return out;
}

class ReceiveStreamTest : public ::testing::Test {
 protected:
  // The peer sends bytes [offset, offset + n) of the pattern.
  Result<uint64_t> Offer(uint64_t offset, size_t n, bool fin = false) {
    return stream_.OnData(offset, Pattern(n, offset), fin);
  }
  // The same, for data the stream must take; returns the growth.
  uint64_t Arrive(uint64_t offset, size_t n, bool fin = false) {
    Result<uint64_t> r = Offer(offset, n, fin);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : 0;
  }
  std::string ReadAll() {
    std::string out;
    stream_.Read(&out, 1 << 30);
    return out;
  }

  ReceiveStream stream_{kWindow};
};

TEST_F(ReceiveStreamTest, InOrderDataIsReadableAtOnce) {
  ASSERT_TRUE(Offer(0, 100).ok());
  ASSERT_TRUE(Offer(100, 50).ok());
  EXPECT_EQ(stream_.readable(), 150u);
  EXPECT_EQ(ReadAll(), Pattern(150));
  EXPECT_EQ(stream_.read_offset(), 150u);
  EXPECT_EQ(stream_.buffered(), 0u);
}

TEST_F(ReceiveStreamTest, ReadTakesAtMostWhatIsAsked) {
  Arrive(0, 100);
  std::string out;
  EXPECT_EQ(stream_.Read(&out, 30), 30u);
  EXPECT_EQ(out, Pattern(30));
  EXPECT_EQ(stream_.Peek(), Pattern(70, 30));
  stream_.Skip(20);
  EXPECT_EQ(ReadAll(), Pattern(50, 50));
}

TEST_F(ReceiveStreamTest, OutOfOrderDataWaitsForTheGap) {
  Arrive(200, 100);
  Arrive(100, 50);
  EXPECT_EQ(stream_.readable(), 0u);
  EXPECT_EQ(stream_.buffered(), 150u);
  Arrive(0, 100);
  EXPECT_EQ(stream_.readable(), 150u);  // 150..200 still missing
  Arrive(150, 50);
  EXPECT_EQ(ReadAll(), Pattern(300));
  EXPECT_EQ(stream_.buffered(), 0u);
}

TEST_F(ReceiveStreamTest, DuplicatesAndOverlapsDeliverEachByteOnce) {
  Arrive(0, 100);
  Arrive(50, 100);   // overlaps what is ready
  Arrive(300, 100);  // out of order
  Arrive(250, 200);  // covers it and more on both sides
  Arrive(320, 10);   // inside a held piece
  Arrive(0, 100);    // old duplicate
  EXPECT_EQ(stream_.readable(), 150u);
  EXPECT_EQ(stream_.buffered(), 150u + 200u);
  Arrive(140, 120);
  EXPECT_EQ(ReadAll(), Pattern(450));
}

TEST_F(ReceiveStreamTest, GrowthCountsOnlyBytesBeyondTheHighestSoFar) {
  EXPECT_EQ(Arrive(0, 100), 100u);
  EXPECT_EQ(Arrive(50, 100), 50u);
  EXPECT_EQ(Arrive(1000, 10), 860u);
  EXPECT_EQ(Arrive(500, 10), 0u);
  EXPECT_EQ(stream_.highest_received(), 1010u);
}

TEST_F(ReceiveStreamTest, OverlappingHostilePiecesNeverHoldMoreThanTheWindow) {
  // A peer sends thousands of overlapping pieces, none of them at the read
  // offset (0 never arrives), with different contents for the same bytes.
  // Each offset is held once, whatever the overlaps: exactly the offsets
  // covered, never more than the window.
  SeededRandom random(9);
  std::vector<bool> covered(kWindow, false);
  for (int i = 0; i < 5000; ++i) {
    const uint64_t offset = 1 + random.Uniform(kWindow - 1);
    const size_t n =
        static_cast<size_t>(random.Uniform(std::min<uint64_t>(kWindow - offset, 300)) + 1);
    std::string junk(n, static_cast<char>('a' + i % 26));
    ASSERT_TRUE(stream_.OnData(offset, junk, false).ok());
    for (size_t k = 0; k < n; ++k) covered[offset + k] = true;
    ASSERT_EQ(stream_.buffered(),
              static_cast<size_t>(std::count(covered.begin(), covered.end(), true)));
  }
  EXPECT_EQ(stream_.readable(), 0u);
  // Once 0 arrives, the covered prefix becomes readable.
  covered[0] = true;
  ASSERT_TRUE(stream_.OnData(0, "0", false).ok());
  const size_t prefix =
      static_cast<size_t>(std::find(covered.begin(), covered.end(), false) - covered.begin());
  EXPECT_EQ(stream_.readable(), prefix);
  EXPECT_LE(stream_.buffered(), kWindow);
}

TEST(ReceiveStreamMemoryTest, ScatteredSingleBytesCostLittleMoreThanTheWindow) {
  // A hostile peer fills every other byte of a 1 MiB window with one-byte
  // frames, 512 Ki pieces that never join. What the stream holds on the
  // heap must stay near the window, not grow with the number of pieces.
  constexpr uint64_t kBig = 1 << 20;
  const size_t before = HeapInUse();
  ReceiveStream stream(kBig);
  for (uint64_t offset = 1; offset < kBig; offset += 2) {
    ASSERT_TRUE(stream.OnData(offset, "x", false).ok());
  }
  EXPECT_EQ(stream.buffered(), kBig / 2);
  const size_t held = HeapInUse() - before;
  EXPECT_LE(held, kBig * 5 / 4) << "heap per held byte: " << double(held) / (kBig / 2);
  // Filling the gaps makes it all readable, in order.
  for (uint64_t offset = 0; offset < kBig; offset += 2) {
    ASSERT_TRUE(stream.OnData(offset, "y", false).ok());
  }
  EXPECT_EQ(stream.readable(), kBig);
  std::string out;
  stream.Read(&out, kBig);
  EXPECT_EQ(out.substr(0, 6), "yxyxyx");
  EXPECT_EQ(stream.buffered(), 0u);
}

TEST(ReceiveStreamMemoryTest, RandomPiecesReassembleToTheSameBytes) {
  // Seeded random pieces of a 256 KiB stream, overlapping and repeated,
  // in random order, with reads in between: the stream reads back exactly.
  constexpr uint64_t kSize = 256 * 1024;
  const std::string data = Pattern(kSize, 17);
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    SeededRandom random(seed);
    ReceiveStream stream(kSize);
    std::string out;
    for (int i = 0; i < 20000 && out.size() < kSize; ++i) {
      const uint64_t offset = random.Uniform(kSize);
      const size_t n =
          static_cast<size_t>(1 + random.Uniform(std::min<uint64_t>(3000, kSize - offset)));
      ASSERT_TRUE(stream.OnData(offset, std::string_view(data).substr(offset, n), false).ok());
      ASSERT_LE(stream.buffered(), kSize);
      if (random.Uniform(4) == 0) stream.Read(&out, static_cast<size_t>(random.Uniform(8192)));
    }
    ASSERT_TRUE(stream.OnData(0, data, true).ok());  // whatever is still missing
    stream.Read(&out, kSize);
    EXPECT_TRUE(out == data) << "seed " << seed;
    EXPECT_TRUE(stream.finished());
  }
}

TEST_F(ReceiveStreamTest, TheFirstCopyOfAByteWins) {
  ASSERT_TRUE(stream_.OnData(10, "AAAAAAAAAA", false).ok());
  ASSERT_TRUE(stream_.OnData(5, "BBBBBBBBBBBBBBBBBBBB", false).ok());  // 5..25, overlapping 10..20
  ASSERT_TRUE(stream_.OnData(0, "CCCCC", false).ok());
  std::string out;
  stream_.Read(&out, 100);
  EXPECT_EQ(out, "CCCCCBBBBBAAAAAAAAAABBBBB");
}

// ------------------------------------------------------------ flow control

TEST_F(ReceiveStreamTest, DataUpToTheLimitIsTakenAndBeyondItIsRefused) {
  EXPECT_TRUE(Offer(kWindow - 10, 10).ok());
  Result<uint64_t> over = Offer(kWindow - 10, 11);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), StatusCode::kOutOfRange);
  // Nothing of the refused frame was kept.
  EXPECT_EQ(stream_.highest_received(), kWindow);
  EXPECT_EQ(stream_.buffered(), 10u);
}

TEST_F(ReceiveStreamTest, DataFarBeyondTheLimitIsRefused) {
  Result<uint64_t> over = stream_.OnData(uint64_t{1} << 61, "x", false);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(stream_.highest_received(), 0u);
}

TEST_F(ReceiveStreamTest, NoLimitUpdateUntilHalfAWindowWasRead) {
  Arrive(0, kWindow);
  EXPECT_EQ(stream_.TakeLimitUpdate(), std::nullopt);
  std::string out;
  stream_.Read(&out, kWindow / 2 - 1);
  EXPECT_EQ(stream_.TakeLimitUpdate(), std::nullopt);
  stream_.Read(&out, 1);
  EXPECT_EQ(stream_.TakeLimitUpdate(), kWindow / 2 + kWindow);
  EXPECT_EQ(stream_.limit(), kWindow / 2 + kWindow);
  // Announced once; the next needs another half window.
  EXPECT_EQ(stream_.TakeLimitUpdate(), std::nullopt);
}

TEST_F(ReceiveStreamTest, TheRaisedLimitLetsMoreDataIn) {
  Arrive(0, kWindow);
  ReadAll();
  ASSERT_EQ(stream_.TakeLimitUpdate(), 2 * kWindow);
  EXPECT_TRUE(Offer(kWindow, kWindow).ok());
  EXPECT_FALSE(Offer(2 * kWindow, 1).ok());
}

TEST_F(ReceiveStreamTest, NoLimitUpdateOnceTheFinalSizeIsKnown) {
  Arrive(0, kWindow, /*fin=*/true);
  ReadAll();
  EXPECT_EQ(stream_.TakeLimitUpdate(), std::nullopt);
}

// -------------------------------------------------------------- final size

TEST_F(ReceiveStreamTest, FinSetsTheFinalSizeAndFinishesOnceRead) {
  Arrive(0, 100);
  Arrive(100, 50, /*fin=*/true);
  EXPECT_TRUE(stream_.all_received());
  EXPECT_FALSE(stream_.finished());
  ReadAll();
  EXPECT_TRUE(stream_.finished());
}

TEST_F(ReceiveStreamTest, AnEmptyFinFrameFinishesTheStream) {
  Arrive(0, 100);
  ASSERT_TRUE(stream_.OnData(100, "", true).ok());
  ReadAll();
  EXPECT_TRUE(stream_.finished());
}

TEST_F(ReceiveStreamTest, FinBeforeTheDataBeforeIt) {
  Arrive(100, 50, /*fin=*/true);
  EXPECT_FALSE(stream_.all_received());
  Arrive(0, 100);
  EXPECT_TRUE(stream_.all_received());
  EXPECT_EQ(ReadAll(), Pattern(150));
  EXPECT_TRUE(stream_.finished());
}

TEST_F(ReceiveStreamTest, ARepeatedFinWithTheSameSizeIsFine) {
  Arrive(0, 100, true);
  EXPECT_TRUE(Offer(0, 100, true).ok());
  EXPECT_TRUE(Offer(50, 50, true).ok());
}

TEST_F(ReceiveStreamTest, DataBeyondTheFinalSizeIsRefused) {
  Arrive(0, 100, true);
  Result<uint64_t> r = Offer(100, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kMalformed);
  EXPECT_EQ(stream_.highest_received(), 100u);
}

TEST_F(ReceiveStreamTest, AFinWithADifferentFinalSizeIsRefused) {
  Arrive(0, 100, true);
  EXPECT_EQ(Offer(0, 90, true).status().code(), StatusCode::kMalformed);
  ReadAll();
  EXPECT_TRUE(stream_.finished());
}

TEST_F(ReceiveStreamTest, AFinBelowDataAlreadyReceivedIsRefused) {
  Arrive(0, 100);
  Result<uint64_t> r = Offer(0, 50, true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kMalformed);
  EXPECT_FALSE(stream_.all_received());
}

// ------------------------------------------------------------------- reset

TEST_F(ReceiveStreamTest, ResetDropsWhatIsHeldAndRecordsTheCode) {
  Arrive(0, 100);
  Arrive(500, 100);
  Result<uint64_t> growth = stream_.OnReset(1000, 7);
  ASSERT_TRUE(growth.ok());
  EXPECT_EQ(*growth, 400u);  // highest went from 600 to 1000
  EXPECT_TRUE(stream_.reset());
  EXPECT_EQ(stream_.reset_code(), 7u);
  EXPECT_EQ(stream_.readable(), 0u);
  EXPECT_EQ(stream_.buffered(), 0u);
  EXPECT_TRUE(stream_.TakeLimitUpdate() == std::nullopt);
}

TEST_F(ReceiveStreamTest, DataAfterAResetIsNotKept) {
  ASSERT_TRUE(stream_.OnReset(1000, 1).ok());
  Result<uint64_t> r = Offer(0, 500);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 0u);
  EXPECT_EQ(stream_.buffered(), 0u);
  EXPECT_EQ(Offer(900, 200).status().code(), StatusCode::kMalformed);  // past the final size
}

TEST_F(ReceiveStreamTest, AResetMustAgreeWithTheFinalSize) {
  Arrive(0, 100, true);
  EXPECT_EQ(stream_.OnReset(200, 1).status().code(), StatusCode::kMalformed);
  EXPECT_FALSE(stream_.reset());
  EXPECT_TRUE(stream_.OnReset(100, 1).ok());
  EXPECT_TRUE(stream_.reset());
}

TEST_F(ReceiveStreamTest, AResetBelowDataReceivedIsRefused) {
  Arrive(0, 100);
  EXPECT_EQ(stream_.OnReset(50, 1).status().code(), StatusCode::kMalformed);
  EXPECT_FALSE(stream_.reset());
}

TEST_F(ReceiveStreamTest, AResetBeyondTheLimitIsRefused) {
  EXPECT_EQ(stream_.OnReset(kWindow + 1, 1).status().code(), StatusCode::kOutOfRange);
  EXPECT_FALSE(stream_.reset());
}

TEST_F(ReceiveStreamTest, ASecondResetKeepsTheFirstCode) {
  ASSERT_TRUE(stream_.OnReset(100, 1).ok());
  Result<uint64_t> again = stream_.OnReset(100, 2);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
  EXPECT_EQ(stream_.reset_code(), 1u);
}

}  // namespace
}  // namespace roam::channel
