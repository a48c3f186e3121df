// HostBytesState diffs and their application (docs/protocol.md §7.1 message shapes).

#include "support/host_bytes_state.h"

#include "base/check.h"
#include "wire/instruction_codec.h"

namespace roam::state {

void HostBytesState::SetEchoAck(uint64_t echo_ack) {
  ROAM_CHECK(echo_ack >= echo_ack_);
  echo_ack_ = echo_ack;
}

std::string HostBytesState::DiffFrom(const HostBytesState& old) const {
  HostBuffers::HostMessage message;
  if (echo_ack_ > old.echo_ack_) {
    message.add_instruction()->MutableExtension(HostBuffers::echoack)->set_echo_ack_num(echo_ack_);
  }
  if (size_.has_value() && size_ != old.size_) {
    HostBuffers::ResizeMessage* resize =
        message.add_instruction()->MutableExtension(HostBuffers::resize);
    resize->set_width(size_->width);
    resize->set_height(size_->height);
  }
  const bool ancestor = std::string_view(bytes_).substr(0, old.bytes_.size()) == old.bytes_;
  std::string_view appended = std::string_view(bytes_).substr(ancestor ? old.bytes_.size() : 0);
  if (!appended.empty()) {
    message.add_instruction()
        ->MutableExtension(HostBuffers::hostbytes)
        ->set_hoststring(std::string(appended));
  }
  if (message.instruction_size() == 0) return std::string();
  return wire::Serialize(message);
}

std::string HostBytesState::InitDiff() const { return DiffFrom(HostBytesState()); }

Status HostBytesState::Apply(std::string_view diff) {
  if (diff.empty()) return Status::Ok();
  Result<HostBuffers::HostMessage> message = wire::ParseHostMessage(diff);
  if (!message.ok()) return message.status();
  HostBytesState next = *this;
  for (const HostBuffers::Instruction& instruction : message->instruction()) {
    // Same precedence as Mosh: host bytes, then resize, then echo ack.
    if (instruction.HasExtension(HostBuffers::hostbytes)) {
      next.bytes_ += instruction.GetExtension(HostBuffers::hostbytes).hoststring();
    } else if (instruction.HasExtension(HostBuffers::resize)) {
      const HostBuffers::ResizeMessage& resize = instruction.GetExtension(HostBuffers::resize);
      next.size_ = TerminalSize{resize.width(), resize.height()};
    } else if (instruction.HasExtension(HostBuffers::echoack)) {
      uint64_t num = instruction.GetExtension(HostBuffers::echoack).echo_ack_num();
      if (num < next.echo_ack_) return InvalidArgument("host message: echo ack decreased");
      next.echo_ack_ = num;
    }
  }
  *this = std::move(next);
  return Status::Ok();
}

}  // namespace roam::state
