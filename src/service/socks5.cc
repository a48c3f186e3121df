#include "service/socks5.h"

#include <arpa/inet.h>

#include <utility>

namespace roam::service {

std::string Socks5Server::ConnectReply(Reply code) {
  // VER REP RSV ATYP=IPv4 BND.ADDR=0.0.0.0 BND.PORT=0
  return std::string("\x05", 1) + static_cast<char>(code) +
         std::string("\x00\x01\x00\x00\x00\x00\x00\x00", 8);
}

std::string Socks5Server::Fail(Reply code) {
  state_ = State::kFailed;
  buffer_.clear();
  return ConnectReply(code);
}

std::string Socks5Server::Feed(std::string_view bytes) {
  if (state_ == State::kDone || state_ == State::kFailed) {
    if (state_ == State::kDone) buffer_.append(bytes);
    return "";
  }
  buffer_.append(bytes);
  std::string out;
  if (state_ == State::kGreeting) {
    // VER NMETHODS METHODS...
    if (buffer_.size() < 2) return out;
    if (buffer_[0] != 5) {
      state_ = State::kFailed;
      buffer_.clear();
      return out;
    }
    const size_t n = static_cast<uint8_t>(buffer_[1]);
    if (buffer_.size() < 2 + n) return out;
    bool no_auth = false;
    for (size_t i = 0; i < n; ++i) no_auth |= buffer_[2 + i] == 0;
    buffer_.erase(0, 2 + n);
    if (!no_auth) {
      state_ = State::kFailed;
      buffer_.clear();
      return std::string("\x05\xff", 2);
    }
    out.append("\x05\x00", 2);
    state_ = State::kRequest;
  }
  if (state_ == State::kRequest) {
    // VER CMD RSV ATYP DST.ADDR DST.PORT
    if (buffer_.size() < 5)
      return buffer_.size() > kMaxBuffered ? out + Fail(kGeneralFailure) : out;
    if (buffer_[0] != 5) return out + Fail(kGeneralFailure);
    if (buffer_[1] != 1) return out + Fail(kCommandNotSupported);
    const uint8_t atyp = static_cast<uint8_t>(buffer_[3]);
    size_t addr_len = 0;
    size_t addr_start = 4;
    if (atyp == 1) {
      addr_len = 4;
    } else if (atyp == 4) {
      addr_len = 16;
    } else if (atyp == 3) {
      addr_len = static_cast<uint8_t>(buffer_[4]);
      addr_start = 5;
      if (addr_len == 0) return out + Fail(kGeneralFailure);
    } else {
      return out + Fail(kAddressTypeNotSupported);
    }
    const size_t total = addr_start + addr_len + 2;
    if (buffer_.size() < total) return out;
    const std::string_view addr = std::string_view(buffer_).substr(addr_start, addr_len);
    if (atyp == 3) {
      target_.host.assign(addr);
    } else {
      char text[INET6_ADDRSTRLEN] = "";
      inet_ntop(atyp == 1 ? AF_INET : AF_INET6, addr.data(), text, sizeof text);
      target_.host = text;
    }
    target_.port = static_cast<uint16_t>((static_cast<uint8_t>(buffer_[total - 2]) << 8) |
                                         static_cast<uint8_t>(buffer_[total - 1]));
    buffer_.erase(0, total);
    state_ = State::kDone;
  }
  if (buffer_.size() > kMaxBuffered && state_ != State::kDone) return out + Fail(kGeneralFailure);
  return out;
}

}  // namespace roam::service
