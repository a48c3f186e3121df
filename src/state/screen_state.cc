// ScreenState diffs and their application (docs/protocol.md §7.1).

#include "state/screen_state.h"

#include <utility>

#include "base/check.h"
#include "term/display.h"
#include "term/emulator.h"
#include "wire/instruction_codec.h"
#include "wire/roam_extensions.pb.h"

namespace roam::state {

namespace {

const term::Display& ServerDisplay() {
  static const term::Display display(term::DisplayCapabilities::Server());
  return display;
}

// The replica that applies host bytes keeps no scrollback: the client's
// screen is all the protocol synchronizes. It erases as Mosh does, since a
// stock mosh-server's diffs rely on that.
term::EmulatorOptions ReplicaOptions() {
  term::EmulatorOptions options;
  options.scrollback_lines = 0;
  options.mosh_wide_erase = true;
  return options;
}

}  // namespace

ScreenState::ScreenState(int cols, int rows) : fb_(cols, rows) {}

void ScreenState::SetEchoAck(uint64_t echo_ack) {
  ROAM_CHECK(echo_ack >= echo_ack_);
  echo_ack_ = echo_ack;
}

std::string ScreenState::DiffFrom(const ScreenState& old) const {
  HostBuffers::HostMessage message;
  if (echo_ack_ != old.echo_ack_) {
    message.add_instruction()->MutableExtension(HostBuffers::echoack)->set_echo_ack_num(echo_ack_);
  }
  if (!(fb_ == old.fb_)) {
    if (fb_.width() != old.fb_.width() || fb_.height() != old.fb_.height()) {
      HostBuffers::ResizeMessage* resize =
          message.add_instruction()->MutableExtension(HostBuffers::resize);
      resize->set_width(fb_.width());
      resize->set_height(fb_.height());
    }
    std::string bytes = ServerDisplay().NewFrame(true, old.fb_, fb_);
    if (!bytes.empty()) {
      message.add_instruction()
          ->MutableExtension(HostBuffers::hostbytes)
          ->set_hoststring(std::move(bytes));
    }
  }
  // roam extensions come after everything a stock client reads.
  if (welcome_ != old.welcome_ && welcome_.valid()) {
    ToProto(welcome_, message.add_instruction()->MutableExtension(RoamBuffers::welcome));
  }
  if (program_exit_ && program_exit_ != old.program_exit_) {
    message.add_instruction()
        ->MutableExtension(RoamBuffers::program_exit)
        ->set_status(*program_exit_);
  }
  if (echo_hint_ && echo_hint_ != old.echo_hint_) {
    RoamBuffers::EchoHint* hint =
        message.add_instruction()->MutableExtension(RoamBuffers::echo_hint);
    hint->set_echo(echo_hint_->echo);
    hint->set_canonical(echo_hint_->canonical);
    hint->set_foreground(echo_hint_->foreground);
  }
  if (!(history_ == old.history_)) {
    HistoryDiff(old.history_, history_,
                message.add_instruction()->MutableExtension(RoamBuffers::history));
  }
  if (message.instruction_size() == 0) return std::string();
  return wire::Serialize(message);
}

std::string ScreenState::InitDiff() const {
  return DiffFrom(ScreenState(fb_.width(), fb_.height()));
}

Status ScreenState::Apply(std::string_view diff) {
  if (diff.empty()) return Status::Ok();
  Result<HostBuffers::HostMessage> message = wire::ParseHostMessage(diff);
  if (!message.ok()) return message.status();

  // The replica continues from the current screen; its rows are shared
  // until written, so a small update costs little whatever the size.
  term::Emulator emulator(fb_, ReplicaOptions());
  uint64_t echo_ack = echo_ack_;
  RoamHello welcome = welcome_;
  std::optional<int> program_exit = program_exit_;
  std::optional<EchoHint> echo_hint = echo_hint_;
  HistoryState history = history_;
  for (const HostBuffers::Instruction& instruction : message->instruction()) {
    // One extension per instruction; same precedence as Mosh's client.
    if (instruction.HasExtension(HostBuffers::hostbytes)) {
      emulator.Write(instruction.GetExtension(HostBuffers::hostbytes).hoststring());
      if (emulator.has_replies()) {
        return Malformed("host bytes contain a terminal query");
      }
    } else if (instruction.HasExtension(HostBuffers::resize)) {
      const HostBuffers::ResizeMessage& resize = instruction.GetExtension(HostBuffers::resize);
      if (!emulator.Resize(resize.width(), resize.height())) {
        return OutOfRange("host resize to " + std::to_string(resize.width()) + "x" +
                          std::to_string(resize.height()) + " is outside the emulator's limits");
      }
    } else if (instruction.HasExtension(HostBuffers::echoack)) {
      uint64_t num = instruction.GetExtension(HostBuffers::echoack).echo_ack_num();
      if (num < echo_ack) return Malformed("host message: echo ack decreased");
      echo_ack = num;
    } else if (instruction.HasExtension(RoamBuffers::welcome)) {
      // A malformed Hello (version 0) is dropped, as it is never answered
      // (docs/protocol.md §8.1); the state keeps the last valid one.
      RoamHello hello = FromProto(instruction.GetExtension(RoamBuffers::welcome));
      if (hello.valid()) welcome = hello;
    } else if (instruction.HasExtension(RoamBuffers::program_exit)) {
      program_exit = instruction.GetExtension(RoamBuffers::program_exit).status();
    } else if (instruction.HasExtension(RoamBuffers::echo_hint)) {
      const RoamBuffers::EchoHint& hint = instruction.GetExtension(RoamBuffers::echo_hint);
      echo_hint = EchoHint{hint.echo(), hint.canonical(), hint.foreground()};
    } else if (instruction.HasExtension(RoamBuffers::history)) {
      Status applied = ApplyHistory(instruction.GetExtension(RoamBuffers::history), &history);
      if (!applied.ok()) return applied;
    }
  }
  fb_ = std::move(*emulator.mutable_fb());
  echo_ack_ = echo_ack;
  welcome_ = welcome;
  program_exit_ = program_exit;
  echo_hint_ = echo_hint;
  history_ = std::move(history);
  return Status::Ok();
}

}  // namespace roam::state
