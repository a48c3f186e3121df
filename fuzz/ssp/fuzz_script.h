// FuzzScript: the byte formats the SSP fuzz targets read, and a writer that
// produces the same formats for the seed generator.
//
// A fuzzer reads its input as a script of small records through
// FuzzScriptReader, which never fails: past the end every number reads 0 and
// every byte string is empty, so any input is a valid script (a number cut
// short by the end of the input reads 0 and ends the script). The seed
// generator writes meaningful scripts with FuzzScriptWriter, so the checked-in
// seeds and the targets cannot drift apart.

#ifndef ROAM_FUZZ_SSP_FUZZ_SCRIPT_H_
#define ROAM_FUZZ_SSP_FUZZ_SCRIPT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/byte_reader.h"
#include "base/byte_writer.h"

namespace roam::fuzz {

class FuzzScriptReader {
 public:
  explicit FuzzScriptReader(std::string_view data) : reader_(data) {}

  bool empty() const { return reader_.empty(); }
  // A short read consumes the rest of the input, so every loop over a
  // script ends.
  uint8_t U8() {
    uint8_t v = 0;
    if (!reader_.ReadU8(&v)) reader_.ReadRest();
    return v;
  }
  uint16_t U16() {
    uint16_t v = 0;
    if (!reader_.ReadU16(&v)) reader_.ReadRest();
    return v;
  }
  uint64_t U64() {
    uint64_t v = 0;
    if (!reader_.ReadU64(&v)) reader_.ReadRest();
    return v;
  }
  // A u16 length followed by that many bytes (fewer if the input ends).
  std::string Bytes() {
    size_t n = U16();
    std::string_view out;
    if (n > reader_.remaining()) n = reader_.remaining();
    reader_.ReadBytes(n, &out);
    return std::string(out);
  }

 private:
  ByteReader reader_;
};

class FuzzScriptWriter {
 public:
  FuzzScriptWriter& U8(uint8_t v) {
    ByteWriter(&out_).WriteU8(v);
    return *this;
  }
  FuzzScriptWriter& U16(uint16_t v) {
    ByteWriter(&out_).WriteU16(v);
    return *this;
  }
  FuzzScriptWriter& U64(uint64_t v) {
    ByteWriter(&out_).WriteU64(v);
    return *this;
  }
  // REQUIRES: bytes.size() <= 65535.
  FuzzScriptWriter& Bytes(std::string_view bytes) {
    U16(static_cast<uint16_t>(bytes.size()));
    ByteWriter(&out_).WriteBytes(bytes);
    return *this;
  }
  const std::string& data() const { return out_; }

 private:
  std::string out_;
};

// Operations of the transport fuzz target's script (one u8 each, taken
// modulo kTransportOpCount).
enum TransportOp : uint8_t {
  // u8 from-address selector, u64 old, u64 new, u64 ack, u64 throwaway,
  // u8 version (0 means 2), u8 diff kind (0 raw, 1 keystroke, 2 resize),
  // u8 fragment flags (bit0 drop first, bit1 reverse, bit2 duplicate,
  // bit3 tiny MTU), bytes payload.
  kOpInstruction = 0,
  kOpGarbage = 1,       // u8 from-address selector, bytes
  kOpAdvance = 2,       // u16 milliseconds
  kOpTick = 3,          // server Tick, then the application consumes the diff
  kOpReplay = 4,        // u8 index of an earlier sealed datagram
  kOpServerOutput = 5,  // bytes appended to the server's state
  kOpShutdown = 6,      // the server starts its shutdown
  kOpWrongKey = 7,      // bytes sealed under another key
  kOpCorrupt = 8,       // u8 index, u16 position, u8 xor mask: damaged replay
  kTransportOpCount = 9,
};

}  // namespace roam::fuzz

#endif  // ROAM_FUZZ_SSP_FUZZ_SCRIPT_H_
