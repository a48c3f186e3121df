// Fuzz target: the receive path of a complete Instruction, bytes -> zlib
// (4 MiB limit) -> TransportBuffers.Instruction, then its diff as either kind
// of message. Anything that parses must re-serialize to bytes that parse to
// the same message.

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/check.h"
#include "ssp/compressor.h"
#include "wire/instruction_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  roam::Result<std::string> plain = roam::ssp::Decompress(input);
  if (!plain.ok()) return 0;
  ROAM_CHECK(plain->size() <= roam::ssp::kMaxDecompressedBytes);
  auto instruction = roam::wire::ParseInstruction(*plain);
  if (!instruction.ok()) return 0;
  std::string again = roam::wire::Serialize(*instruction);
  auto reparsed = roam::wire::ParseInstruction(again);
  ROAM_CHECK(reparsed.ok());
  ROAM_CHECK(roam::wire::Serialize(*reparsed) == again);
  // The diff is a UserMessage or a HostMessage depending on direction.
  auto user = roam::wire::ParseUserMessage(instruction->diff());
  auto host = roam::wire::ParseHostMessage(instruction->diff());
  if (user.ok()) ROAM_CHECK(roam::wire::ParseUserMessage(roam::wire::Serialize(*user)).ok());
  if (host.ok()) ROAM_CHECK(roam::wire::ParseHostMessage(roam::wire::Serialize(*host)).ok());
  return 0;
}
