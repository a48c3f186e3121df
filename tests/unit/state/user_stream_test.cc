// UserStream: equality, prefix subtraction, diffs that merge byte runs and
// keep resizes separate (Mosh's exact bytes), application, and rejection of
// malformed diffs without change.

#include "state/user_stream.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/random.h"
#include "ssp/sync_state.h"
#include "wire/instruction_codec.h"

namespace roam::state {
namespace {

static_assert(ssp::SyncState<UserStream>);

std::string Bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

TEST(UserStreamTest, FirstResizeDiffIsMoshsBytes) {
  UserStream stream;
  stream.PushResize(80, 24);
  EXPECT_EQ(stream.InitDiff(), Bytes({0x0a, 0x06, 0x1a, 0x04, 0x28, 0x50, 0x30, 0x18}));
}

TEST(UserStreamTest, ByteRunsMergeIntoOneKeystroke) {
  UserStream old;
  UserStream now = old;
  now.PushBytes("echo hello world\r");
  Result<ClientBuffers::UserMessage> message = wire::ParseUserMessage(now.DiffFrom(old));
  ASSERT_TRUE(message.ok());
  ASSERT_EQ(message->instruction_size(), 1);
  EXPECT_EQ(message->instruction(0).GetExtension(ClientBuffers::keystroke).keys(),
            "echo hello world\r");
}

TEST(UserStreamTest, ResizesSplitRunsAndEachGetsItsOwnInstruction) {
  UserStream stream;
  stream.PushBytes("ab");
  stream.PushResize(100, 30);
  stream.PushResize(120, 40);
  stream.PushBytes("c");
  Result<ClientBuffers::UserMessage> message = wire::ParseUserMessage(stream.InitDiff());
  ASSERT_TRUE(message.ok());
  ASSERT_EQ(message->instruction_size(), 4);
  EXPECT_EQ(message->instruction(0).GetExtension(ClientBuffers::keystroke).keys(), "ab");
  EXPECT_EQ(message->instruction(1).GetExtension(ClientBuffers::resize).width(), 100);
  EXPECT_EQ(message->instruction(2).GetExtension(ClientBuffers::resize).height(), 40);
  EXPECT_FALSE(message->instruction(2).HasExtension(ClientBuffers::keystroke));
  EXPECT_EQ(message->instruction(3).GetExtension(ClientBuffers::keystroke).keys(), "c");
}

TEST(UserStreamTest, EmptySuffixIsAnEmptyDiff) {
  UserStream stream;
  EXPECT_EQ(stream.InitDiff(), "");
  stream.PushBytes("x");
  EXPECT_EQ(stream.DiffFrom(stream), "");
}

TEST(UserStreamTest, DiffThenApplyReproducesTheStream) {
  SeededRandom random(5);
  UserStream sender;
  UserStream receiver;
  for (int round = 0; round < 50; ++round) {
    UserStream before = sender;
    for (uint64_t i = random.Uniform(20); i > 0; --i) {
      if (random.Chance(0.1)) {
        sender.PushResize(static_cast<int32_t>(random.Uniform(500)),
                          static_cast<int32_t>(random.Uniform(200)));
      } else {
        sender.PushByte(static_cast<char>(random.Next()));
      }
    }
    ASSERT_TRUE(receiver.Apply(sender.DiffFrom(before)).ok());
    ASSERT_EQ(receiver, sender);
  }
}

TEST(UserStreamTest, EqualityComparesEvents) {
  UserStream a;
  UserStream b;
  EXPECT_EQ(a, b);
  a.PushByte('x');
  EXPECT_NE(a, b);
  b.PushResize('x', 0);  // same number, different kind of event
  EXPECT_NE(a, b);
}

TEST(UserStreamTest, SubtractRemovesAMatchingPrefix) {
  UserStream prefix;
  prefix.PushBytes("ab");
  UserStream stream = prefix;
  stream.PushResize(1, 2);
  stream.PushBytes("c");
  stream.Subtract(prefix);
  UserStream expected;
  expected.PushResize(1, 2);
  expected.PushBytes("c");
  EXPECT_EQ(stream, expected);
}

TEST(UserStreamTest, SubtractOfANonPrefixChangesNothing) {
  UserStream stream;
  stream.PushBytes("abc");
  UserStream other;
  other.PushBytes("x");
  UserStream longer;
  longer.PushBytes("abcd");
  stream.Subtract(other);
  stream.Subtract(longer);
  EXPECT_EQ(stream.size(), 3u);
}

TEST(UserStreamTest, SubtractItselfEmpties) {
  UserStream stream;
  stream.PushBytes("abc");
  stream.Subtract(stream);
  EXPECT_TRUE(stream.empty());
}

TEST(UserStreamTest, DiffFromANonPrefixCarriesEverything) {
  UserStream stream;
  stream.PushBytes("abc");
  UserStream unrelated;
  unrelated.PushBytes("zz");
  EXPECT_EQ(stream.DiffFrom(unrelated), stream.InitDiff());
}

TEST(UserStreamTest, ApplyIgnoresUnknownExtensions) {
  // instruction { field 9 = 1 }, then instruction { keystroke { keys: "k" } }
  UserStream stream;
  ASSERT_TRUE(
      stream.Apply(Bytes({0x0a, 0x02, 0x48, 0x01, 0x0a, 0x05, 0x12, 0x03, 0x22, 0x01, 'k'})).ok());
  ASSERT_EQ(stream.size(), 1u);
  EXPECT_EQ(std::get<UserByte>(stream.events()[0]).byte, 'k');
}

TEST(UserStreamTest, MalformedDiffIsAnErrorAndChangesNothing) {
  UserStream stream;
  stream.PushBytes("ab");
  const UserStream before = stream;
  Status status = stream.Apply(Bytes({0x0a, 0x06, 0x1a, 0x04, 0x28}));
  EXPECT_EQ(status.code(), StatusCode::kMalformed);
  EXPECT_EQ(stream, before);
}

TEST(UserStreamTest, EventsOfDiffListsNewEvents) {
  UserStream stream;
  stream.PushResize(80, 24);
  stream.PushBytes("hi");
  Result<std::vector<UserEvent>> events = UserStream::EventsOfDiff(stream.InitDiff());
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ(std::get<Resize>((*events)[0]), (Resize{80, 24}));
  EXPECT_EQ(std::get<UserByte>((*events)[2]).byte, 'i');
  Result<std::vector<UserEvent>> none = UserStream::EventsOfDiff("");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(UserStreamTest, CompactResizesKeepsOnlyTheLastOfARun) {
  std::vector<UserEvent> events = {Resize{1, 1}, Resize{2, 2},  Resize{3, 3}, UserByte{'a'},
                                   Resize{4, 4}, UserByte{'b'}, Resize{5, 5}, Resize{6, 6}};
  std::vector<UserEvent> compact = UserStream::CompactResizes(events);
  std::vector<UserEvent> expected = {Resize{3, 3}, UserByte{'a'}, Resize{4, 4}, UserByte{'b'},
                                     Resize{6, 6}};
  EXPECT_EQ(compact, expected);
}

}  // namespace
}  // namespace roam::state
