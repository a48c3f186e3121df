// Parsing of the Mosh-compatible protobuf messages from untrusted bytes.

#include "wire/instruction_codec.h"

#include <climits>

namespace roam::wire {
namespace {

// Parses `bytes` into `message`; false on any malformed input. Inputs above
// INT_MAX cannot come from a datagram peer (they are bounded by the 4 MiB
// decompression limit) but are rejected rather than truncated.
bool ParseInto(std::string_view bytes, google::protobuf::MessageLite* message) {
  if (bytes.size() > static_cast<size_t>(INT_MAX)) return false;
  return message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

}  // namespace

Result<TransportBuffers::Instruction> ParseInstruction(std::string_view bytes) {
  TransportBuffers::Instruction instruction;
  if (!ParseInto(bytes, &instruction)) return Malformed("instruction: not a valid protobuf");
  return instruction;
}

Result<ClientBuffers::UserMessage> ParseUserMessage(std::string_view bytes) {
  ClientBuffers::UserMessage message;
  if (!ParseInto(bytes, &message)) return Malformed("user message: not a valid protobuf");
  return message;
}

Result<HostBuffers::HostMessage> ParseHostMessage(std::string_view bytes) {
  HostBuffers::HostMessage message;
  if (!ParseInto(bytes, &message)) return Malformed("host message: not a valid protobuf");
  return message;
}

std::string Serialize(const google::protobuf::MessageLite& message) {
  return message.SerializeAsString();
}

}  // namespace roam::wire
