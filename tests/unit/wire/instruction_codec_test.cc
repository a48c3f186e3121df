// Golden byte tests for the Mosh-compatible protobuf schemas: known-answer
// vectors from a real Mosh 1.4 capture (docs/protocol.md §5.1, §15) must parse, and
// re-serialize to the identical bytes.

#include "wire/instruction_codec.h"

#include <gtest/gtest.h>

#include <string>

namespace roam::wire {
namespace {

std::string FromHex(std::string_view hex) {
  std::string out;
  int high = -1;
  for (char c : hex) {
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else {
      continue;  // spaces separate groups
    }
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<char>(high * 16 + v));
      high = -1;
    }
  }
  return out;
}

TEST(InstructionCodecTest, Resize80x24UserMessageMatchesMosh) {
  ClientBuffers::UserMessage message;
  ClientBuffers::ResizeMessage* resize =
      message.add_instruction()->MutableExtension(ClientBuffers::resize);
  resize->set_width(80);
  resize->set_height(24);
  EXPECT_EQ(Serialize(message), FromHex("0a 06 1a 04 28 50 30 18"));
}

TEST(InstructionCodecTest, ClientFirstInstructionRoundTripsByteForByte) {
  const std::string bytes =
      FromHex("08 02 10 00 18 01 20 00 28 00 32 08 0a061a0428503018 3a 0a 95da910b86cb6b33538c");
  Result<TransportBuffers::Instruction> parsed = ParseInstruction(bytes);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->protocol_version(), kProtocolVersion);
  EXPECT_EQ(parsed->old_num(), 0u);
  EXPECT_EQ(parsed->new_num(), 1u);
  EXPECT_EQ(parsed->ack_num(), 0u);
  EXPECT_EQ(parsed->throwaway_num(), 0u);
  EXPECT_EQ(parsed->chaff().size(), 10u);

  Result<ClientBuffers::UserMessage> diff = ParseUserMessage(parsed->diff());
  ASSERT_TRUE(diff.ok());
  ASSERT_EQ(diff->instruction_size(), 1);
  ASSERT_TRUE(diff->instruction(0).HasExtension(ClientBuffers::resize));
  EXPECT_EQ(diff->instruction(0).GetExtension(ClientBuffers::resize).width(), 80);
  EXPECT_EQ(diff->instruction(0).GetExtension(ClientBuffers::resize).height(), 24);

  EXPECT_EQ(Serialize(*parsed), bytes);
}

TEST(InstructionCodecTest, ServerEmptyAckRoundTripsWithEmptyDiffPresent) {
  const std::string bytes = FromHex("0802 1000 1801 2001 2800 3200 3a07cc9d6585ff446c");
  Result<TransportBuffers::Instruction> parsed = ParseInstruction(bytes);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->ack_num(), 1u);
  EXPECT_TRUE(parsed->has_diff());
  EXPECT_TRUE(parsed->diff().empty());
  EXPECT_EQ(Serialize(*parsed), bytes);
}

TEST(InstructionCodecTest, BuiltInstructionWritesAllSevenFieldsInOrder) {
  TransportBuffers::Instruction instruction;
  // Set in reverse order: serialization must still follow field numbers.
  instruction.set_chaff("");
  instruction.set_diff("");
  instruction.set_throwaway_num(0);
  instruction.set_ack_num(1);
  instruction.set_new_num(1);
  instruction.set_old_num(0);
  instruction.set_protocol_version(kProtocolVersion);
  EXPECT_EQ(Serialize(instruction), FromHex("0802 1000 1801 2001 2800 3200 3a00"));
}

TEST(InstructionCodecTest, Max64IsATenByteVarint) {
  TransportBuffers::Instruction instruction;
  instruction.set_new_num(kShutdownStateNum);
  EXPECT_EQ(Serialize(instruction), FromHex("18 ff ff ff ff ff ff ff ff ff 01"));
  Result<TransportBuffers::Instruction> parsed = ParseInstruction(Serialize(instruction));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->new_num(), kShutdownStateNum);
}

TEST(InstructionCodecTest, HostMessageExtensionNumbers) {
  HostBuffers::HostMessage message;
  message.add_instruction()->MutableExtension(HostBuffers::echoack)->set_echo_ack_num(4);
  message.add_instruction()->MutableExtension(HostBuffers::hostbytes)->set_hoststring("ab");
  // instruction{echoack(7){8: 4}} instruction{hostbytes(2){4: "ab"}}
  EXPECT_EQ(Serialize(message), FromHex("0a 04 3a 02 40 04  0a 06 12 04 22 02 61 62"));
}

TEST(InstructionCodecTest, MissingVersionReadsAsZero) {
  Result<TransportBuffers::Instruction> parsed = ParseInstruction(FromHex("1801"));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->protocol_version(), 0u);
}

TEST(InstructionCodecTest, MalformedBytesAreErrors) {
  // Truncated length-delimited field, and a varint that never ends.
  EXPECT_EQ(ParseInstruction(FromHex("32 08 0a06")).status().code(), StatusCode::kMalformed);
  EXPECT_EQ(ParseInstruction(FromHex("10 ff ff ff")).status().code(), StatusCode::kMalformed);
  EXPECT_EQ(ParseUserMessage(FromHex("0a 06 1a")).status().code(), StatusCode::kMalformed);
  EXPECT_EQ(ParseHostMessage(FromHex("0a 05 3a 03 40")).status().code(), StatusCode::kMalformed);
}

TEST(InstructionCodecTest, UnknownExtensionsParse) {
  // instruction { field 9 (varint) = 1 }
  Result<ClientBuffers::UserMessage> parsed = ParseUserMessage(FromHex("0a 02 48 01"));
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->instruction_size(), 1);
  EXPECT_FALSE(parsed->instruction(0).HasExtension(ClientBuffers::keystroke));
  EXPECT_FALSE(parsed->instruction(0).HasExtension(ClientBuffers::resize));
}

}  // namespace
}  // namespace roam::wire
