#include "e2e/common/datagram_inspector.h"

#include "ssp/fragment.h"
#include "wire/instruction_codec.h"
#include "wire/roam_extensions.pb.h"

namespace roam::testing {

void DatagramInspector::Observe(bool to_server, std::string_view datagram) {
  DirectionCounts& c = counts_[to_server ? 1 : 0];
  ++c.datagrams;
  Result<crypto::OcbSession::Opened> opened = (to_server ? up_ : down_).Open(datagram);
  if (!opened.ok() || opened->plaintext.size() < 4) {
    ++c.undecryptable;
    return;
  }
  std::string_view payload = std::string_view(opened->plaintext).substr(4);
  if (!payload.empty() && (static_cast<uint8_t>(payload[0]) & 0x80)) {
    ++c.channel_packets;
    return;
  }
  ++c.fragment_packets;
  Result<ssp::Fragment> fragment = ssp::Fragment::Decode(payload);
  if (!fragment.ok()) return;
  std::optional<TransportBuffers::Instruction> instruction =
      assembly_[to_server ? 1 : 0].Add(std::move(*fragment));
  if (!instruction) return;
  ++c.instructions;
  if (instruction->diff().empty()) return;
  if (to_server) {
    Result<ClientBuffers::UserMessage> m = wire::ParseUserMessage(instruction->diff());
    if (!m.ok()) return;
    for (const ClientBuffers::Instruction& i : m->instruction()) {
      if (i.HasExtension(ClientBuffers::keystroke)) ++c.keystrokes;
      if (i.HasExtension(ClientBuffers::resize)) ++c.resizes;
      if (i.HasExtension(RoamBuffers::hello)) ++c.hellos;
      if (!i.unknown_fields().empty()) ++c.unknown_extensions;
    }
  } else {
    Result<HostBuffers::HostMessage> m = wire::ParseHostMessage(instruction->diff());
    if (!m.ok()) return;
    for (const HostBuffers::Instruction& i : m->instruction()) {
      if (i.HasExtension(HostBuffers::hostbytes)) ++c.host_bytes;
      if (i.HasExtension(HostBuffers::resize)) ++c.resizes;
      if (i.HasExtension(HostBuffers::echoack)) ++c.echo_acks;
      if (i.HasExtension(RoamBuffers::welcome)) ++c.hellos;
      if (i.HasExtension(RoamBuffers::echo_hint)) ++c.echo_hints;
      if (!i.unknown_fields().empty()) ++c.unknown_extensions;
    }
  }
}

}  // namespace roam::testing
