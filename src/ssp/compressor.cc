// zlib compression and bounded decompression (docs/protocol.md §4).

#include "ssp/compressor.h"

#include <zlib.h>

#include <algorithm>
#include <climits>

namespace roam::ssp {
namespace {

// Initial output reservation for decompression; doubled as data arrives.
constexpr size_t kInitialOutput = 4096;

// One deflate stream per thread, reset for every message: setting one up
// allocates some 270 KB of zlib state, and doing that (and giving it back to
// the system) for every datagram cost more than compressing a keystroke.
class DeflateStream {
 public:
  DeflateStream() { ok_ = deflateInit(&stream_, Z_DEFAULT_COMPRESSION) == Z_OK; }
  ~DeflateStream() {
    if (ok_) deflateEnd(&stream_);
  }
  DeflateStream(const DeflateStream&) = delete;
  DeflateStream& operator=(const DeflateStream&) = delete;
  z_stream* get() { return ok_ && deflateReset(&stream_) == Z_OK ? &stream_ : nullptr; }

 private:
  z_stream stream_{};
  bool ok_ = false;
};

}  // namespace

Result<std::string> Compress(std::string_view data) {
  if (data.size() > static_cast<size_t>(UINT_MAX / 2)) {
    return Status(StatusCode::kInternal, "compress: input too large");
  }
  thread_local DeflateStream deflate_stream;
  z_stream* stream = deflate_stream.get();
  if (stream == nullptr) return Status(StatusCode::kInternal, "compress: zlib error");
  const uLong bound = deflateBound(stream, static_cast<uLong>(data.size()));
  std::string out(bound, '\0');
  stream->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream->avail_in = static_cast<uInt>(data.size());
  stream->next_out = reinterpret_cast<Bytef*>(out.data());
  stream->avail_out = static_cast<uInt>(bound);
  if (deflate(stream, Z_FINISH) != Z_STREAM_END) {
    return Status(StatusCode::kInternal, "compress: zlib error");
  }
  out.resize(stream->total_out);
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
