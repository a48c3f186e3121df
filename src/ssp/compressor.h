// Compressor: the zlib (RFC 1950) layer between a serialized Instruction and
// its fragments (docs/protocol.md §4).
//
// Compression uses zlib's default level, so the stream starts 78 9C like
// Mosh's. Decompression is of untrusted bytes: its output is capped at
// kMaxDecompressedBytes (2048 x 2048, Mosh's limit) and grows in steps as data
// actually decompresses, so a small hostile input cannot make it allocate the
// whole limit up front.

#ifndef ROAM_SSP_COMPRESSOR_H_
#define ROAM_SSP_COMPRESSOR_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"

namespace roam::ssp {

// Largest decompressed Instruction accepted from a peer (docs/protocol.md §4.2).
inline constexpr size_t kMaxDecompressedBytes = 4'194'304;

// Returns the zlib stream (default level) of `data`.
// Errors: kInternal if zlib fails (out of memory); callers treat it as a bug.
Result<std::string> Compress(std::string_view data);

// Returns the decompressed contents of the zlib stream `data`.
// Errors: kOutOfRange when the output would exceed `limit` bytes; kMalformed
// when the stream is corrupt, truncated, or followed by trailing bytes.
Result<std::string> Decompress(std::string_view data, size_t limit = kMaxDecompressedBytes);

}  // namespace roam::ssp

#endif  // ROAM_SSP_COMPRESSOR_H_
