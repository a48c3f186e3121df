// HostBytesState: diffs carry EchoAck, Resize and HostBytes in that order,
// one extension each; application appends; a decreasing echo ack is refused.

#include "support/host_bytes_state.h"

#include <gtest/gtest.h>

#include <string>

#include "ssp/sync_state.h"
#include "wire/instruction_codec.h"

namespace roam::state {
namespace {

static_assert(ssp::SyncState<HostBytesState>);

TEST(HostBytesStateTest, EqualStatesHaveAnEmptyDiff) {
  HostBytesState state;
  EXPECT_EQ(state.InitDiff(), "");
  state.AppendBytes("prompt$ ");
  EXPECT_EQ(state.DiffFrom(state), "");
}

TEST(HostBytesStateTest, DiffOrderIsEchoAckResizeHostBytes) {
  HostBytesState old;
  HostBytesState now = old;
  now.AppendBytes("hello");
  now.SetSize({100, 30});
  now.SetEchoAck(4);
  Result<HostBuffers::HostMessage> message = wire::ParseHostMessage(now.DiffFrom(old));
  ASSERT_TRUE(message.ok());
  ASSERT_EQ(message->instruction_size(), 3);
  EXPECT_EQ(message->instruction(0).GetExtension(HostBuffers::echoack).echo_ack_num(), 4u);
  EXPECT_FALSE(message->instruction(0).HasExtension(HostBuffers::hostbytes));
  EXPECT_EQ(message->instruction(1).GetExtension(HostBuffers::resize).width(), 100);
  EXPECT_EQ(message->instruction(1).GetExtension(HostBuffers::resize).height(), 30);
  EXPECT_EQ(message->instruction(2).GetExtension(HostBuffers::hostbytes).hoststring(), "hello");
}

TEST(HostBytesStateTest, OnlyChangedPartsAreSent) {
  HostBytesState old;
  old.AppendBytes("abc");
  old.SetEchoAck(2);
  old.SetSize({80, 24});
  HostBytesState now = old;
  now.AppendBytes("def");
  Result<HostBuffers::HostMessage> message = wire::ParseHostMessage(now.DiffFrom(old));
  ASSERT_TRUE(message.ok());
  ASSERT_EQ(message->instruction_size(), 1);
  EXPECT_EQ(message->instruction(0).GetExtension(HostBuffers::hostbytes).hoststring(), "def");
}

TEST(HostBytesStateTest, DiffApplyRoundTrip) {
  HostBytesState server;
  HostBytesState client;
  for (int i = 0; i < 20; ++i) {
    HostBytesState before = server;
    server.AppendBytes(std::string(static_cast<size_t>(i), static_cast<char>('a' + i)));
    if (i % 3 == 0) server.SetEchoAck(static_cast<uint64_t>(i));
    if (i % 5 == 0) server.SetSize({80 + i, 24});
    ASSERT_TRUE(client.Apply(server.DiffFrom(before)).ok());
    ASSERT_EQ(client, server);
  }
}

TEST(HostBytesStateTest, DecreasingEchoAckIsRefusedAndChangesNothing) {
  HostBytesState client;
  HostBytesState high;
  high.SetEchoAck(9);
  ASSERT_TRUE(client.Apply(high.InitDiff()).ok());
  HostBuffers::HostMessage message;
  message.add_instruction()->MutableExtension(HostBuffers::hostbytes)->set_hoststring("x");
  message.add_instruction()->MutableExtension(HostBuffers::echoack)->set_echo_ack_num(3);
  const HostBytesState before = client;
  Status status = client.Apply(wire::Serialize(message));
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(client, before);  // the bytes before the bad echo ack were not kept either
}

TEST(HostBytesStateTest, MalformedDiffIsAnError) {
  HostBytesState client;
  client.AppendBytes("keep");
  const HostBytesState before = client;
  EXPECT_EQ(client.Apply(std::string("\x0a\x09\x12", 3)).code(), StatusCode::kMalformed);
  EXPECT_EQ(client, before);
}

TEST(HostBytesStateTest, UnknownExtensionsAreIgnored) {
  // instruction { field 20 (varint) = 1 }, instruction { hostbytes { "z" } }
  HostBytesState client;
  ASSERT_TRUE(client.Apply(std::string("\x0a\x03\xa0\x01\x01\x0a\x05\x12\x03\x22\x01z", 12)).ok());
  EXPECT_EQ(client.bytes(), "z");
  EXPECT_EQ(client.echo_ack(), 0u);
  EXPECT_FALSE(client.size().has_value());
}

TEST(HostBytesStateTest, SubtractIsANoOp) {
  HostBytesState state;
  state.AppendBytes("abc");
  HostBytesState copy = state;
  state.Subtract(copy);
  EXPECT_EQ(state, copy);
}

}  // namespace
}  // namespace roam::state
