#include "netsim/udp_nat.h"

#include <cstddef>

namespace roam::netsim {
namespace {

// Where the UDP header starts in an IP packet, or 0 if `packet` is not a
// well-formed UDP packet.
size_t UdpOffset(const std::string& packet) {
  if (packet.empty()) return 0;
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(packet[i]); };
  size_t offset = 0;
  switch (byte(0) >> 4) {
    case 4:
      if (packet.size() < 20 || byte(9) != 17) return 0;
      // A later fragment carries no UDP header.
      if (((byte(6) & 0x1f) | byte(7)) != 0) return 0;
      offset = static_cast<size_t>(byte(0) & 0x0f) * 4;
      if (offset < 20) return 0;
      break;
    case 6:
      if (packet.size() < 40 || byte(6) != 17) return 0;
      offset = 40;
      break;
    default:
      return 0;
  }
  return packet.size() >= offset + 8 ? offset : 0;
}

uint16_t Read16(const std::string& p, size_t at) {
  return static_cast<uint16_t>((static_cast<uint8_t>(p[at]) << 8) |
                               static_cast<uint8_t>(p[at + 1]));
}

void Write16(std::string* p, size_t at, uint16_t value) {
  (*p)[at] = static_cast<char>(value >> 8);
  (*p)[at + 1] = static_cast<char>(value & 0xff);
}

// Replaces the 16-bit field at `field` (part of the UDP checksum's input)
// with `value`, updating the checksum at `udp` + 6 (RFC 1624, eqn. 3).
void ReplacePort(std::string* packet, size_t udp, size_t field, uint16_t value, bool ipv4) {
  const uint16_t old_value = Read16(*packet, field);
  Write16(packet, field, value);
  const uint16_t checksum = Read16(*packet, udp + 6);
  if (ipv4 && checksum == 0) return;  // sent without a checksum
  uint32_t sum = static_cast<uint16_t>(~checksum);
  sum += static_cast<uint16_t>(~old_value);
  sum += value;
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  uint16_t updated = static_cast<uint16_t>(~sum);
  // In UDP an all-zero checksum means "none"; a computed zero is sent as
  // all ones.
  if (updated == 0) updated = 0xffff;
  Write16(packet, udp + 6, updated);
}

}  // namespace

uint16_t UdpNat::NextExternalPort() {
  // Bounded: the range holds far more ports than a session's sockets, and
  // a port still mapped is skipped at most once per port in the range.
  for (int i = 0; i <= kLastExternalPort - kFirstExternalPort; ++i) {
    const uint16_t port = next_port_;
    next_port_ = next_port_ == kLastExternalPort ? kFirstExternalPort
                                                 : static_cast<uint16_t>(next_port_ + 1);
    if (inbound_.count(port) == 0) return port;
  }
  return next_port_;  // every port mapped: reuse (not reached on this link)
}

void UdpNat::Outbound(std::string* packet) {
  if (rebinds_ == 0) return;
  const size_t udp = UdpOffset(*packet);
  if (udp == 0) return;
  const uint16_t client_port = Read16(*packet, udp);
  auto it = outbound_.find(client_port);
  if (it == outbound_.end()) {
    const uint16_t external = NextExternalPort();
    it = outbound_.emplace(client_port, external).first;
    inbound_[external] = client_port;
  }
  ReplacePort(packet, udp, udp, it->second, ((*packet)[0] >> 4 & 0x0f) == 4);
}

bool UdpNat::Inbound(std::string* packet) {
  if (rebinds_ == 0) return true;
  const size_t udp = UdpOffset(*packet);
  if (udp == 0) return true;
  auto it = inbound_.find(Read16(*packet, udp + 2));
  if (it == inbound_.end()) {
    ++dropped_;
    return false;
  }
  ReplacePort(packet, udp, udp + 2, it->second, ((*packet)[0] >> 4 & 0x0f) == 4);
  return true;
}

void UdpNat::Rebind() {
  ++rebinds_;
  outbound_.clear();
  inbound_.clear();
}

}  // namespace roam::netsim
