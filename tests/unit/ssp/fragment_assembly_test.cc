// FragmentAssembly: one Instruction at a time, in any fragment order, with
// misbehaving peers' fragments dropped and counted instead of aborting.

#include "ssp/fragment_assembly.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "base/random.h"
#include "ssp/compressor.h"

namespace roam::ssp {
namespace {

constexpr size_t kIpv4Mtu = 1252;

TransportBuffers::Instruction MakeInstruction(uint64_t new_num, std::string diff) {
  TransportBuffers::Instruction instruction;
  instruction.set_protocol_version(wire::kProtocolVersion);
  instruction.set_old_num(new_num - 1);
  instruction.set_new_num(new_num);
  instruction.set_ack_num(0);
  instruction.set_throwaway_num(0);
  instruction.set_diff(std::move(diff));
  instruction.set_chaff("");
  return instruction;
}

std::string RandomBytes(size_t n, uint64_t seed) {
  SeededRandom random(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(random.Next());
  return s;
}

// Fragment with raw (already compressed or deliberately broken) contents.
Fragment Raw(uint64_t id, uint16_t num, bool final, std::string contents) {
  return Fragment{id, num, final, std::move(contents)};
}

class FragmentAssemblyTest : public ::testing::Test {
 protected:
  // Splits an Instruction the way a sender would.
  std::vector<Fragment> Split(const TransportBuffers::Instruction& instruction) {
    Result<std::vector<Fragment>> fragments =
        fragmenter_.Split(wire::Serialize(instruction), kIpv4Mtu);
    EXPECT_TRUE(fragments.ok());
    return *fragments;
  }
  // A multi-fragment Instruction (incompressible diff).
  std::vector<Fragment> SplitLarge(uint64_t new_num, uint64_t seed = 1) {
    std::vector<Fragment> fragments = Split(MakeInstruction(new_num, RandomBytes(4000, seed)));
    EXPECT_GE(fragments.size(), 4u);
    return fragments;
  }
  // Delivers fragments; returns the Instruction the last one completed, if any.
  std::optional<TransportBuffers::Instruction> Send(const std::vector<Fragment>& fragments) {
    std::optional<TransportBuffers::Instruction> out;
    for (const Fragment& f : fragments) {
      out = assembly_.Add(f);
    }
    return out;
  }
  std::optional<TransportBuffers::Instruction> Send(const Fragment& fragment) {
    return assembly_.Add(fragment);
  }
  static std::vector<Fragment> Reorder(std::vector<Fragment> fragments,
                                       const std::vector<size_t>& order) {
    std::vector<Fragment> out;
    for (size_t i : order) out.push_back(fragments.at(i));
    return out;
  }
  const AssemblyStats& stats() const { return assembly_.stats(); }

  Fragmenter fragmenter_;
  FragmentAssembly assembly_;
};

TEST_F(FragmentAssemblyTest, SingleFragmentInstruction) {
  TransportBuffers::Instruction sent = MakeInstruction(1, "diff");
  std::optional<TransportBuffers::Instruction> got = Send(Split(sent));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(wire::Serialize(*got), wire::Serialize(sent));
  EXPECT_EQ(stats().instructions, 1u);
}

TEST_F(FragmentAssemblyTest, FragmentsInOrder) {
  std::vector<Fragment> fragments = SplitLarge(7);
  for (size_t i = 0; i + 1 < fragments.size(); ++i) EXPECT_FALSE(Send(fragments[i]).has_value());
  std::optional<TransportBuffers::Instruction> got = Send(fragments.back());
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->new_num(), 7u);
}

TEST_F(FragmentAssemblyTest, FragmentsOutOfOrder) {
  std::vector<Fragment> fragments = SplitLarge(8);
  const size_t n = fragments.size();
  std::vector<size_t> order;
  order.push_back(n - 1);  // final first
  for (size_t i = n - 1; i-- > 0;) order.push_back(i);
  std::vector<Fragment> reordered = Reorder(fragments, order);
  for (size_t i = 0; i + 1 < reordered.size(); ++i) EXPECT_FALSE(Send(reordered[i]).has_value());
  std::optional<TransportBuffers::Instruction> got = Send(reordered.back());
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->new_num(), 8u);
}

TEST_F(FragmentAssemblyTest, IdenticalDuplicatesAreIgnored) {
  std::vector<Fragment> fragments = SplitLarge(9);
  EXPECT_FALSE(Send(fragments[0]).has_value());
  EXPECT_FALSE(Send(fragments[0]).has_value());
  EXPECT_FALSE(Send(fragments[1]).has_value());
  EXPECT_FALSE(Send(fragments[0]).has_value());
  EXPECT_EQ(stats().duplicates, 2u);
  std::vector<Fragment> rest(fragments.begin() + 2, fragments.end());
  ASSERT_TRUE(Send(rest).has_value());
  EXPECT_EQ(stats().conflicting, 0u);
}

TEST_F(FragmentAssemblyTest, MissingFragmentNeverCompletes) {
  std::vector<Fragment> fragments = SplitLarge(10);
  fragments.erase(fragments.begin() + 1);
  EXPECT_FALSE(Send(fragments).has_value());
  EXPECT_EQ(stats().instructions, 0u);
  EXPECT_EQ(assembly_.held_fragments(), fragments.size());
}

TEST_F(FragmentAssemblyTest, NewIdDiscardsPartialAssembly) {
  std::vector<Fragment> first = SplitLarge(11, 1);
  std::vector<Fragment> second = SplitLarge(12, 2);
  Send(first[0]);
  Send(first[1]);
  // The rest of `first` now arrives too late, after `second` started.
  EXPECT_FALSE(Send(second[0]).has_value());
  EXPECT_EQ(stats().abandoned, 1u);
  std::vector<Fragment> rest(second.begin() + 1, second.end());
  std::optional<TransportBuffers::Instruction> got = Send(rest);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->new_num(), 12u);
}

TEST_F(FragmentAssemblyTest, OlderIdIsIgnoredAndKeepsTheAssembly) {
  std::vector<Fragment> old_one = SplitLarge(11, 1);
  std::vector<Fragment> current = SplitLarge(12, 2);
  ASSERT_LT(old_one[0].id, current[0].id);
  Send(current[0]);
  Send(current[1]);
  // A late (or replayed) fragment of the older Instruction arrives between
  // every fragment of the new one: it is ignored, and the new one completes.
  std::optional<TransportBuffers::Instruction> got;
  for (size_t i = 2; i < current.size(); ++i) {
    EXPECT_FALSE(Send(old_one[i % old_one.size()]).has_value());
    got = Send(current[i]);
  }
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->new_num(), 12u);
  EXPECT_EQ(stats().abandoned, 0u);
  EXPECT_EQ(stats().stale, current.size() - 2);
  // Older than the newest id seen stays ignored after completion too.
  EXPECT_FALSE(Send(old_one).has_value());
  EXPECT_EQ(stats().instructions, 1u);
}

TEST_F(FragmentAssemblyTest, AStaleDatagramWithAWildIdCannotMoveTheNewestId) {
  // An authentic datagram with an old sequence number (a replay, or a
  // misbehaving peer) carrying a fragment with a huge id: it must neither
  // start an assembly nor push the newest id beyond every real one.
  Fragment wild;
  wild.id = uint64_t{1} << 62;
  wild.num = 0;
  wild.final = true;
  wild.contents = "garbage";
  EXPECT_FALSE(assembly_.Add(wild, /*in_order=*/false).has_value());
  EXPECT_EQ(stats().stale, 1u);
  std::vector<Fragment> real = SplitLarge(14, 2);
  std::optional<TransportBuffers::Instruction> got;
  for (const Fragment& f : real) got = Send(f);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->new_num(), 14u);
}

TEST_F(FragmentAssemblyTest, AStaleDatagramMayStillCompleteTheInstructionInProgress) {
  std::vector<Fragment> f = SplitLarge(15, 2);
  ASSERT_GE(f.size(), 2u);
  // The second fragment came first (in order), the first one late.
  EXPECT_FALSE(assembly_.Add(f[1], /*in_order=*/true).has_value());
  std::optional<TransportBuffers::Instruction> got = assembly_.Add(f[0], /*in_order=*/false);
  for (size_t i = 2; i < f.size(); ++i) got = assembly_.Add(f[i], /*in_order=*/true);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->new_num(), 15u);
}

TEST_F(FragmentAssemblyTest, ConflictingDuplicateDropsAssemblyAndIsCounted) {
  std::vector<Fragment> fragments = SplitLarge(13);
  Send(fragments[0]);
  Send(fragments[1]);
  Fragment conflicting = fragments[1];
  conflicting.contents[5] ^= 0x01;
  EXPECT_FALSE(Send(conflicting).has_value());
  EXPECT_EQ(stats().conflicting, 1u);
  EXPECT_EQ(assembly_.held_fragments(), 0u);
  // The genuine fragments of the same id still assemble afterwards.
  ASSERT_TRUE(Send(fragments).has_value());
}

TEST_F(FragmentAssemblyTest, DuplicateDifferingOnlyInFinalFlagConflicts) {
  std::vector<Fragment> fragments = SplitLarge(14);
  Send(fragments[0]);
  Fragment flagged = fragments[0];
  flagged.final = true;
  EXPECT_FALSE(Send(flagged).has_value());
  EXPECT_EQ(stats().conflicting, 1u);
}

TEST_F(FragmentAssemblyTest, FinalBelowHeldFragmentConflicts) {
  std::vector<Fragment> fragments = SplitLarge(15);
  Send(fragments[0]);
  Send(fragments[3]);
  EXPECT_FALSE(Send(Raw(fragments[0].id, 2, true, "xx")).has_value());
  EXPECT_EQ(stats().conflicting, 1u);
  EXPECT_EQ(assembly_.held_fragments(), 0u);
}

TEST_F(FragmentAssemblyTest, FragmentBeyondHeldFinalConflicts) {
  std::vector<Fragment> fragments = SplitLarge(16);
  Send(fragments.back());
  EXPECT_FALSE(Send(Raw(fragments[0].id, fragments.back().num + 1, false, "x")).has_value());
  EXPECT_EQ(stats().conflicting, 1u);
}

TEST_F(FragmentAssemblyTest, FragmentNumberBeyondBoundIsRejectedWithoutDisturbing) {
  std::vector<Fragment> fragments = SplitLarge(17);
  Send(fragments[0]);
  EXPECT_FALSE(Send(Raw(fragments[0].id, kMaxFragmentNum + 1, false, "x")).has_value());
  EXPECT_FALSE(Send(Raw(fragments[0].id, 32767, true, "x")).has_value());
  EXPECT_EQ(stats().oversize, 2u);
  std::vector<Fragment> rest(fragments.begin() + 1, fragments.end());
  ASSERT_TRUE(Send(rest).has_value());
}

TEST_F(FragmentAssemblyTest, HighestAllowedNumberIsAccepted) {
  EXPECT_FALSE(Send(Raw(5, kMaxFragmentNum, false, "x")).has_value());
  EXPECT_EQ(stats().oversize, 0u);
  EXPECT_EQ(assembly_.held_fragments(), 1u);
}

TEST_F(FragmentAssemblyTest, HeldBytesAreBounded) {
  const std::string big(60'000, 'b');
  size_t sent = 0;
  uint16_t num = 0;
  while (sent <= kMaxCompressedBytes) {
    Send(Raw(99, num++, false, big));
    sent += big.size();
  }
  EXPECT_EQ(stats().oversize, 1u);
  EXPECT_LE(assembly_.held_bytes(), kMaxCompressedBytes);
}

TEST_F(FragmentAssemblyTest, BadZlibIsDroppedAndCounted) {
  EXPECT_FALSE(Send(Raw(1, 0, true, "definitely not zlib")).has_value());
  EXPECT_EQ(stats().bad_zlib, 1u);
}

TEST_F(FragmentAssemblyTest, ZlibBombIsDroppedAndCounted) {
  Result<std::string> bomb = Compress(std::string(kMaxDecompressedBytes + 1, '\0'));
  ASSERT_TRUE(bomb.ok());
  EXPECT_FALSE(Send(Raw(1, 0, true, *bomb)).has_value());
  EXPECT_EQ(stats().bad_zlib, 1u);
}

TEST_F(FragmentAssemblyTest, BadProtobufIsDroppedAndCounted) {
  Result<std::string> compressed = Compress("\x32\x08\x0a");  // truncated field
  ASSERT_TRUE(compressed.ok());
  EXPECT_FALSE(Send(Raw(1, 0, true, *compressed)).has_value());
  EXPECT_EQ(stats().bad_protobuf, 1u);
}

TEST_F(FragmentAssemblyTest, WrongOrMissingVersionIsDroppedAndCounted) {
  TransportBuffers::Instruction v3 = MakeInstruction(1, "");
  v3.set_protocol_version(3);
  EXPECT_FALSE(Send(Split(v3)).has_value());
  TransportBuffers::Instruction none = MakeInstruction(2, "");
  none.clear_protocol_version();
  EXPECT_FALSE(Send(Split(none)).has_value());
  EXPECT_EQ(stats().bad_version, 2u);
  EXPECT_EQ(stats().instructions, 0u);
}

TEST_F(FragmentAssemblyTest, SameIdAfterCompletionAssemblesAgain) {
  std::vector<Fragment> fragments = Split(MakeInstruction(3, "x"));
  ASSERT_TRUE(Send(fragments).has_value());
  // A network duplicate of a single-fragment Instruction is delivered again;
  // the receiver treats it as a duplicate state.
  ASSERT_TRUE(Send(fragments).has_value());
  EXPECT_EQ(stats().instructions, 2u);
}

}  // namespace
}  // namespace roam::ssp
