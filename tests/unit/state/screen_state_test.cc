#include "state/screen_state.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/random.h"
#include "term/display.h"
#include "term/emulator.h"
#include "wire/instruction_codec.h"
#include "wire/roam_extensions.pb.h"

namespace roam::state {
namespace {

// A server-side emulator whose screens are snapshotted into states.
class ScreenStateTest : public ::testing::Test {
 protected:
  ScreenState Snapshot(uint64_t echo_ack = 0) {
    ScreenState s(emulator_.fb().width(), emulator_.fb().height());
    s.SetFramebuffer(emulator_.fb());
    s.SetEchoAck(echo_ack);
    return s;
  }

  // Applies new.DiffFrom(old) to a copy of `old` and checks the result shows
  // what `new` shows.
  void ExpectReplicates(const ScreenState& old_state, const ScreenState& new_state) {
    ScreenState replica = old_state;
    std::string diff = new_state.DiffFrom(old_state);
    ASSERT_TRUE(replica.Apply(diff).ok());
    std::string why;
    EXPECT_TRUE(term::DisplayEquivalent(replica.fb(), new_state.fb(), &why)) << why;
    EXPECT_EQ(replica.echo_ack(), new_state.echo_ack());
  }

  term::Emulator emulator_{80, 24};
};

TEST_F(ScreenStateTest, IdenticalStatesHaveAnEmptyDiff) {
  emulator_.Write("hello");
  ScreenState a = Snapshot();
  ScreenState b = Snapshot();
  EXPECT_TRUE(a == b);
  EXPECT_EQ(b.DiffFrom(a), "");
}

TEST_F(ScreenStateTest, TextAndCursorReplicate) {
  ScreenState blank = Snapshot();
  emulator_.Write("bash$ echo hi\r\nhi\r\nbash$ ");
  ScreenState after = Snapshot();
  EXPECT_FALSE(after == blank);
  ExpectReplicates(blank, after);
}

TEST_F(ScreenStateTest, EchoAckAloneIsAnEchoAckInstruction) {
  ScreenState a = Snapshot(3);
  ScreenState b = Snapshot(7);
  std::string diff = b.DiffFrom(a);
  Result<HostBuffers::HostMessage> message = wire::ParseHostMessage(diff);
  ASSERT_TRUE(message.ok());
  ASSERT_EQ(message->instruction_size(), 1);
  ASSERT_TRUE(message->instruction(0).HasExtension(HostBuffers::echoack));
  EXPECT_EQ(message->instruction(0).GetExtension(HostBuffers::echoack).echo_ack_num(), 7u);
  ExpectReplicates(a, b);
}

TEST_F(ScreenStateTest, ResizeComesBeforeHostBytes) {
  ScreenState a = Snapshot();
  emulator_.Resize(100, 30);
  emulator_.Write("wider");
  ScreenState b = Snapshot(1);
  Result<HostBuffers::HostMessage> message = wire::ParseHostMessage(b.DiffFrom(a));
  ASSERT_TRUE(message.ok());
  ASSERT_EQ(message->instruction_size(), 3);
  EXPECT_TRUE(message->instruction(0).HasExtension(HostBuffers::echoack));
  ASSERT_TRUE(message->instruction(1).HasExtension(HostBuffers::resize));
  EXPECT_EQ(message->instruction(1).GetExtension(HostBuffers::resize).width(), 100);
  EXPECT_EQ(message->instruction(1).GetExtension(HostBuffers::resize).height(), 30);
  EXPECT_TRUE(message->instruction(2).HasExtension(HostBuffers::hostbytes));
  ExpectReplicates(a, b);
}

TEST_F(ScreenStateTest, RandomScreensReplicate) {
  SeededRandom random(11);
  const char* pieces[] = {"abc",     "\r\n",           "\x1b[2J", "\x1b[5;10H", "\x1b[1;31mred",
                          "\x1b[0m", "\x1b[K",         "\t",      "\x1b[3L",    "\x1b[2M",
                          "é",       "\xe4\xb8\xad",   "\x1b[S",  "\x1b[7m ",   "\x1b[10;20r",
                          "\n\n\n",  "\x1b]0;title\a", "\a"};
  ScreenState old_state = Snapshot();
  uint64_t ack = 0;
  for (int round = 0; round < 300; ++round) {
    for (int i = 0; i < 20; ++i) {
      emulator_.Write(pieces[random.Uniform(sizeof pieces / sizeof pieces[0])]);
    }
    if (random.Chance(0.05)) emulator_.Resize(60 + static_cast<int>(random.Uniform(40)), 20);
    ack += random.Uniform(3);
    ScreenState new_state = Snapshot(ack);
    ExpectReplicates(old_state, new_state);
    if (HasFailure()) return;
    old_state = new_state;
  }
}

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

TEST_F(ScreenStateTest, EchoHintAloneIsOneInstructionWithTheDocumentedBytes) {
  // docs/protocol.md §8.4: canonical mode, echo on, foreground group 1234.
  ScreenState before = Snapshot();
  ScreenState after = Snapshot();
  after.SetEchoHint(EchoHint{true, true, 1234});
  EXPECT_EQ(Hex(after.DiffFrom(before)), "0a 0a 92 04 07 08 01 10 01 18 d2 09");
  ScreenState replica = before;
  ASSERT_TRUE(replica.Apply(after.DiffFrom(before)).ok());
  ASSERT_TRUE(replica.echo_hint().has_value());
  EXPECT_EQ(*replica.echo_hint(), (EchoHint{true, true, 1234}));
  EXPECT_TRUE(replica == after);
}

TEST_F(ScreenStateTest, EchoHintIsSentOnlyWhenItChangesAndThenKept) {
  ScreenState old_state = Snapshot();
  old_state.SetEchoHint(EchoHint{false, true, 7});  // a password prompt
  ScreenState replica(80, 24);
  ASSERT_TRUE(replica.Apply(old_state.InitDiff()).ok());
  EXPECT_EQ(*replica.echo_hint(), (EchoHint{false, true, 7}));

  // New text under the same hint: the diff says nothing about it, and the
  // replica keeps what it had.
  emulator_.Write("more");
  ScreenState new_state = Snapshot();
  new_state.SetEchoHint(EchoHint{false, true, 7});
  Result<HostBuffers::HostMessage> message = wire::ParseHostMessage(new_state.DiffFrom(old_state));
  ASSERT_TRUE(message.ok());
  for (const HostBuffers::Instruction& i : message->instruction()) {
    EXPECT_FALSE(i.HasExtension(RoamBuffers::echo_hint));
  }
  ASSERT_TRUE(replica.Apply(new_state.DiffFrom(old_state)).ok());
  EXPECT_EQ(*replica.echo_hint(), (EchoHint{false, true, 7}));

  // Echo back on (the password was read): sent again.
  ScreenState echoing = new_state;
  echoing.SetEchoHint(EchoHint{true, true, 7});
  ASSERT_TRUE(replica.Apply(echoing.DiffFrom(new_state)).ok());
  EXPECT_EQ(*replica.echo_hint(), (EchoHint{true, true, 7}));
}

TEST_F(ScreenStateTest, StateWithoutAHintSendsNone) {
  emulator_.Write("$ ");
  Result<HostBuffers::HostMessage> message = wire::ParseHostMessage(Snapshot(2).InitDiff());
  ASSERT_TRUE(message.ok());
  for (const HostBuffers::Instruction& i : message->instruction()) {
    EXPECT_FALSE(i.HasExtension(RoamBuffers::echo_hint));
  }
  ScreenState replica(80, 24);
  ASSERT_TRUE(replica.Apply(Snapshot(2).InitDiff()).ok());
  EXPECT_FALSE(replica.echo_hint().has_value());
}

TEST_F(ScreenStateTest, RejectsADecreasingEchoAck) {
  // A diff that sets echo-ack 5, applied to a replica already at 9, is a
  // peer bug (Mosh's client aborts on it): rejected, replica unchanged.
  ScreenState replica = Snapshot(9);
  std::string diff = Snapshot(5).DiffFrom(Snapshot(0));
  EXPECT_FALSE(replica.Apply(diff).ok());
  EXPECT_EQ(replica.echo_ack(), 9u);
}

TEST_F(ScreenStateTest, RejectsHostBytesThatAskTheTerminalSomething) {
  HostBuffers::HostMessage message;
  message.add_instruction()->MutableExtension(HostBuffers::hostbytes)->set_hoststring("x\x1b[6n");
  ScreenState replica(80, 24);
  EXPECT_EQ(replica.Apply(wire::Serialize(message)).code(), StatusCode::kMalformed);
  EXPECT_TRUE(replica == ScreenState(80, 24)) << "a rejected diff must change nothing";
}

TEST_F(ScreenStateTest, RejectsAnAbsurdResize) {
  HostBuffers::HostMessage message;
  auto* resize = message.add_instruction()->MutableExtension(HostBuffers::resize);
  resize->set_width(100000);
  resize->set_height(5);
  ScreenState replica(80, 24);
  EXPECT_EQ(replica.Apply(wire::Serialize(message)).code(), StatusCode::kOutOfRange);
  EXPECT_EQ(replica.fb().width(), 80);
}

TEST_F(ScreenStateTest, DropsAWelcomeWithoutAVersionAndKeepsTheLastValidOne) {
  // A Welcome of version 0 is malformed (docs/protocol.md §8.1): it would
  // never be sent again in a diff, so a replica that took it could not be
  // reproduced. It is dropped; the rest of the diff still applies.
  ScreenState replica(80, 24);
  HostBuffers::HostMessage good;
  RoamHello hello;
  hello.version = 1;
  hello.features = kFeatureEchoHints;
  ToProto(hello, good.add_instruction()->MutableExtension(RoamBuffers::welcome));
  ASSERT_TRUE(replica.Apply(wire::Serialize(good)).ok());
  ASSERT_EQ(replica.welcome(), hello);

  HostBuffers::HostMessage bad;
  bad.add_instruction()->MutableExtension(HostBuffers::echoack)->set_echo_ack_num(3);
  bad.add_instruction()->MutableExtension(RoamBuffers::welcome)->set_features(kFeatureChannels);
  ASSERT_TRUE(replica.Apply(wire::Serialize(bad)).ok());
  EXPECT_EQ(replica.welcome(), hello);
  EXPECT_EQ(replica.echo_ack(), 3u);
}

// The client applies every screen update from the server. On a huge screen
// (4096x1024: 4M cells, 64 MiB per screen) an update of a few cells must
// cost what it changes, not a new full-size emulator.
TEST_F(ScreenStateTest, SmallUpdatesToAHugeScreenStayCheap) {
  constexpr int kCols = term::Emulator::kMaxDimension;
  constexpr int kRows = 1024;
  term::Emulator host(kCols, kRows, term::EmulatorOptions{.scrollback_lines = 0});
  ScreenState server(kCols, kRows);
  ScreenState client(kCols, kRows);
  std::vector<std::string> diffs;
  for (int i = 0; i < 20; ++i) {
    ScreenState before = server;
    host.Write("x");
    server.SetFramebuffer(host.fb());
    diffs.push_back(server.DiffFrom(before));
  }
  // What an update costs is what it copies: every row it did not write
  // stays the very same row object (shared, not copied), so the work does
  // not grow with the screen. A throwaway full-size emulator per update
  // would copy all 1,024 rows each time.
  for (const std::string& diff : diffs) {
    std::vector<const term::Row*> before(kRows);
    for (int r = 0; r < kRows; ++r) before[r] = client.fb().row_ptr(r).get();
    ASSERT_TRUE(client.Apply(diff).ok());
    int copied = 0;
    for (int r = 0; r < kRows; ++r) copied += client.fb().row_ptr(r).get() != before[r];
    EXPECT_LE(copied, 1) << "a one-cell update copied " << copied << " rows";
  }
  EXPECT_TRUE(client.fb() == server.fb());
}

TEST_F(ScreenStateTest, RejectsMalformedBytes) {
  ScreenState replica(80, 24);
  EXPECT_FALSE(replica.Apply("\xff\xff\xff").ok());
  EXPECT_TRUE(replica == ScreenState(80, 24));
}

}  // namespace
}  // namespace roam::state
