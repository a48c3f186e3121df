// Typed codecs for the three Mosh-compatible protobuf messages (docs/protocol.md §5-§7).
//
// The generated classes (TransportBuffers::Instruction, ClientBuffers::
// UserMessage, HostBuffers::HostMessage) are the in-memory form; this file
// holds the wire constants and the parse functions that turn untrusted bytes
// into them as Result values, never exceptions or aborts. Serialization is
// protobuf's own: fields in number order, set optional fields always written,
// so an empty diff appears as `32 00` exactly like Mosh's sender.

#ifndef ROAM_WIRE_INSTRUCTION_CODEC_H_
#define ROAM_WIRE_INSTRUCTION_CODEC_H_

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "base/status.h"
#include "wire/host_input.pb.h"
#include "wire/transport_instruction.pb.h"
#include "wire/user_input.pb.h"

namespace roam::wire {

// The only SSP protocol version there has ever been (docs/protocol.md §5.1).
inline constexpr uint32_t kProtocolVersion = 2;
// new_num of a shutdown state, ack_num of its acknowledgement (docs/protocol.md §5.9).
inline constexpr uint64_t kShutdownStateNum = std::numeric_limits<uint64_t>::max();

// Parses a serialized TransportBuffers.Instruction. Absent fields read as 0 /
// empty; the caller checks protocol_version. Errors: kMalformed when the bytes
// are not a valid protobuf encoding.
Result<TransportBuffers::Instruction> ParseInstruction(std::string_view bytes);

// Parses a serialized ClientBuffers.UserMessage (a client -> server diff).
// Unknown extensions are kept by protobuf and ignored by callers.
// Errors: kMalformed.
Result<ClientBuffers::UserMessage> ParseUserMessage(std::string_view bytes);

// Parses a serialized HostBuffers.HostMessage (a server -> client diff).
// Errors: kMalformed.
Result<HostBuffers::HostMessage> ParseHostMessage(std::string_view bytes);

// Serializes any of the messages above. Never fails for these message types
// (proto2 with no required fields).
std::string Serialize(const google::protobuf::MessageLite& message);

}  // namespace roam::wire

#endif  // ROAM_WIRE_INSTRUCTION_CODEC_H_
