// UserStream diffs and their application (docs/protocol.md §6.1).

#include "state/user_stream.h"

#include <algorithm>

#include "wire/instruction_codec.h"
#include "wire/roam_extensions.pb.h"

namespace roam::state {

void UserStream::PushBytes(std::string_view bytes) {
  for (char c : bytes) events_.push_back(UserByte{c});
}

bool UserStream::HasPrefix(const UserStream& prefix) const {
  return prefix.events_.size() <= events_.size() &&
         std::equal(prefix.events_.begin(), prefix.events_.end(), events_.begin());
}

void UserStream::Subtract(const UserStream& prefix) {
  if (this == &prefix) {
    events_.clear();
    return;
  }
  if (!HasPrefix(prefix)) return;
  events_.erase(events_.begin(), events_.begin() + static_cast<ptrdiff_t>(prefix.events_.size()));
}

std::string UserStream::DiffFrom(const UserStream& old) const {
  size_t start = HasPrefix(old) ? old.events_.size() : 0;
  if (start == events_.size()) return std::string();
  ClientBuffers::UserMessage message;
  std::string run;  // consecutive bytes waiting to become one Keystroke
  auto flush_run = [&] {
    if (run.empty()) return;
    message.add_instruction()->MutableExtension(ClientBuffers::keystroke)->set_keys(run);
    run.clear();
  };
  for (size_t i = start; i < events_.size(); ++i) {
    if (const auto* byte = std::get_if<UserByte>(&events_[i])) {
      run.push_back(byte->byte);
    } else if (const auto* resize = std::get_if<Resize>(&events_[i])) {
      flush_run();
      ClientBuffers::ResizeMessage* out =
          message.add_instruction()->MutableExtension(ClientBuffers::resize);
      out->set_width(resize->width);
      out->set_height(resize->height);
    } else {
      flush_run();
      ToProto(std::get<RoamHello>(events_[i]),
              message.add_instruction()->MutableExtension(RoamBuffers::hello));
    }
  }
  flush_run();
  return wire::Serialize(message);
}

std::string UserStream::InitDiff() const { return DiffFrom(UserStream()); }

Result<std::vector<UserEvent>> UserStream::EventsOfDiff(std::string_view diff) {
  std::vector<UserEvent> events;
  if (diff.empty()) return events;
  Result<ClientBuffers::UserMessage> message = wire::ParseUserMessage(diff);
  if (!message.ok()) return message.status();
  for (const ClientBuffers::Instruction& instruction : message->instruction()) {
    // Mosh checks keystroke first, then resize; anything else is ignored.
    if (instruction.HasExtension(ClientBuffers::keystroke)) {
      for (char c : instruction.GetExtension(ClientBuffers::keystroke).keys()) {
        events.push_back(UserByte{c});
      }
    } else if (instruction.HasExtension(ClientBuffers::resize)) {
      const ClientBuffers::ResizeMessage& resize = instruction.GetExtension(ClientBuffers::resize);
      events.push_back(Resize{resize.width(), resize.height()});
    } else if (instruction.HasExtension(RoamBuffers::hello)) {
      events.push_back(FromProto(instruction.GetExtension(RoamBuffers::hello)));
    }
  }
  return events;
}

std::vector<UserEvent> UserStream::EventsAfter(const UserStream& old) const {
  const size_t start = HasPrefix(old) ? old.events_.size() : 0;
  return std::vector<UserEvent>(events_.begin() + static_cast<ptrdiff_t>(start), events_.end());
}

Status UserStream::Apply(std::string_view diff) {
  Result<std::vector<UserEvent>> events = EventsOfDiff(diff);
  if (!events.ok()) return events.status();
  events_.insert(events_.end(), events->begin(), events->end());
  return Status::Ok();
}

std::vector<UserEvent> UserStream::CompactResizes(const std::vector<UserEvent>& events) {
  std::vector<UserEvent> out;
  out.reserve(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    const bool is_resize = std::holds_alternative<Resize>(events[i]);
    const bool next_is_resize =
        i + 1 < events.size() && std::holds_alternative<Resize>(events[i + 1]);
    if (is_resize && next_is_resize) continue;
    out.push_back(events[i]);
  }
  return out;
}

}  // namespace roam::state
