// zlib compression and bounded decompression (spec §5).

#include "ssp/compressor.h"

#include <zlib.h>

#include <algorithm>
#include <climits>

namespace roam::ssp {
namespace {

// Initial output reservation for decompression; doubled as data arrives.
constexpr size_t kInitialOutput = 4096;

}  // namespace

Result<std::string> Compress(std::string_view data) {
  if (data.size() > static_cast<size_t>(UINT_MAX / 2)) {
    return Status(StatusCode::kInternal, "compress: input too large");
  }
  uLongf bound = compressBound(static_cast<uLong>(data.size()));
  std::string out(bound, '\0');
  int rc = compress2(reinterpret_cast<Bytef*>(out.data()), &bound,
                     reinterpret_cast<const Bytef*>(data.data()), static_cast<uLong>(data.size()),
                     Z_DEFAULT_COMPRESSION);
  if (rc != Z_OK) return Status(StatusCode::kInternal, "compress: zlib error");
  out.resize(bound);
  return out;
}

Result<std::string> Decompress(std::string_view data, size_t limit) {
  if (data.size() > static_cast<size_t>(UINT_MAX)) return OutOfRange("decompress: input too large");
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) return Status(StatusCode::kInternal, "inflateInit failed");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());

  std::string out;
  size_t produced = 0;
  Status error;
  bool ended = false;
  while (!ended) {
    if (produced == out.size()) {
      if (out.size() > limit) {
        error = OutOfRange("decompress: output exceeds limit");
        break;
      }
      // Grow by doubling, but never past limit + 1 (one byte beyond the
      // limit is enough to detect that it is exceeded).
      size_t next = std::min(std::max(kInitialOutput, out.size() * 2), limit + 1);
      out.resize(next);
    }
    size_t room = std::min(out.size() - produced, static_cast<size_t>(UINT_MAX));
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    stream.avail_out = static_cast<uInt>(room);
    int rc = inflate(&stream, Z_NO_FLUSH);
    produced += room - stream.avail_out;
    if (produced > limit) {
      error = OutOfRange("decompress: output exceeds limit");
      break;
    }
    if (rc == Z_STREAM_END) {
      ended = true;
    } else if (rc == Z_BUF_ERROR && stream.avail_out != 0) {
      // No progress possible with output room left: the input ended early.
      error = Malformed("decompress: truncated stream");
      break;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      error = Malformed("decompress: corrupt stream");
      break;
    }
  }
  size_t trailing = stream.avail_in;
  inflateEnd(&stream);
  if (!error.ok()) return error;
  if (trailing != 0) return Malformed("decompress: trailing bytes after stream");
  out.resize(produced);
  return out;
}

}  // namespace roam::ssp
