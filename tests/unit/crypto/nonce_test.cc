// Nonce words: direction bit 63 and the 63-bit counter (docs/protocol.md §1.1).

#include "crypto/nonce.h"

#include <gtest/gtest.h>

namespace roam::crypto {
namespace {

TEST(NonceTest, FirstDatagramOfEachSideMatchesTheCapture) {
  EXPECT_EQ(MakeNonce(Direction::kToServer, 0), 0x0000000000000000u);
  EXPECT_EQ(MakeNonce(Direction::kToClient, 0), 0x8000000000000000u);
}

TEST(NonceTest, SplitsBackIntoDirectionAndSeq) {
  const uint64_t seqs[] = {0, 1, 41, 0x7FFFFFFFFFFFFFFFu};
  for (uint64_t seq : seqs) {
    for (Direction d : {Direction::kToServer, Direction::kToClient}) {
      const uint64_t n = MakeNonce(d, seq);
      EXPECT_EQ(NonceDirection(n), d);
      EXPECT_EQ(NonceSeq(n), seq);
    }
  }
}

TEST(NonceTest, CounterBitsAboveSixtyTwoNeverTouchTheDirection) {
  EXPECT_EQ(MakeNonce(Direction::kToServer, 0x8000000000000005u), 5u);
  EXPECT_EQ(NonceDirection(MakeNonce(Direction::kToServer, ~uint64_t{0})), Direction::kToServer);
}

}  // namespace
}  // namespace roam::crypto
