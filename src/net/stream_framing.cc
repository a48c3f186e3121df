#include "net/stream_framing.h"

#include "base/check.h"

namespace roam::net {

void AppendFrame(std::string_view datagram, std::string* out) {
  ROAM_CHECK(datagram.size() >= kMinFramedDatagram && datagram.size() <= kMaxFramedDatagram);
  out->push_back(static_cast<char>(datagram.size() >> 8));
  out->push_back(static_cast<char>(datagram.size() & 0xFF));
  out->append(datagram);
}

Result<std::optional<std::string>> StreamDeframer::Next() {
  if (broken_) return Malformed("stream framing lost");
  if (buffered() < 2) return std::optional<std::string>();
  const size_t length = (static_cast<size_t>(static_cast<uint8_t>(buffer_[pos_])) << 8) |
                        static_cast<uint8_t>(buffer_[pos_ + 1]);
  if (length < kMinFramedDatagram || length > kMaxFramedDatagram) {
    broken_ = true;
    ++stats_.malformed;
    buffer_.clear();
    pos_ = 0;
    return Malformed("bad frame length " + std::to_string(length));
  }
  if (buffered() < 2 + length) return std::optional<std::string>();
  std::string datagram = buffer_.substr(pos_ + 2, length);
  pos_ += 2 + length;
  if (pos_ == buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
  } else if (pos_ >= 64 * 1024) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  ++stats_.frames;
  return std::optional<std::string>(std::move(datagram));
}

}  // namespace roam::net
