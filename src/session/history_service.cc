// Native scrollback, server side (see history_service.h).

#include "session/history_service.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "state/history_records.h"
#include "term/scrollback.h"

namespace roam::session {

namespace {

// Records prepared at a time: enough to fill a channel's buffer in a few
// rounds, little enough that lines dropped meanwhile are noticed.
constexpr size_t kBatchBytes = 64 * 1024;

}  // namespace

state::HistoryState HistorySnapshot(const term::Emulator& emulator,
                                    const state::HistoryState& previous) {
  const term::Scrollback& sb = emulator.scrollback();
  state::HistoryState s;
  s.end = sb.end_number();
  s.erased_below = emulator.scrollback_erased_below();
  s.erase_count = emulator.scrollback_erase_count();
  s.resized = emulator.resize_pushes();
  if (s.end == previous.end && s.erase_count == previous.erase_count && previous.recent) {
    s.recent = previous.recent;
    return s;
  }
  const uint64_t held_first = std::max(sb.first_number(), s.erased_below);
  const uint64_t first =
      std::max(held_first, s.end - std::min<uint64_t>(s.end, state::kMaxInlineLines));
  auto lines = std::make_shared<state::HistoryLines>();
  lines->first = first;
  lines->lines.reserve(static_cast<size_t>(s.end - first));
  for (uint64_t n = first; n < s.end; ++n) {
    lines->lines.emplace_back(sb.EncodedLine(static_cast<size_t>(n - sb.first_number())));
  }
  s.recent = std::move(lines);
  return s;
}

HistoryService::HistoryService(uint64_t id, uint64_t first, uint64_t end,
                               const term::Scrollback* scrollback)
    : id_(id),
      next_(first),
      end_(std::min(end, scrollback->end_number())),
      scrollback_(scrollback) {}

void HistoryService::Produce() {
  while (next_ < end_ && pending_.size() < kBatchBytes) {
    const uint64_t held = scrollback_->first_number();
    if (next_ < held) {
      const uint64_t missing = std::min(held, end_) - next_;
      state::AppendHistoryGap(missing, &pending_);
      lines_missing_ += missing;
      next_ += missing;
      continue;
    }
    // The scrollback loses lines only from the front and never renumbers,
    // and end_ is below its end: line next_ is held.
    state::AppendHistoryLine(scrollback_->EncodedLine(static_cast<size_t>(next_ - held)),
                             &pending_);
    ++lines_sent_;
    ++next_;
  }
}

void HistoryService::Run(channel::Mux* mux) {
  if (done_) return;
  std::string sink;
  while (mux->Read(id_, &sink, 64 * 1024) > 0) sink.clear();  // the client sends nothing
  for (int round = 0; round < 64; ++round) {
    if (pending_.empty()) Produce();
    if (pending_.empty()) break;
    const size_t written = mux->Write(id_, pending_);
    pending_.erase(0, written);
    if (written == 0) break;
  }
  std::optional<channel::ChannelInfo> info = mux->Info(id_);
  if (!info || info->peer_reset || info->stop_sending) {
    mux->Release(id_);
    done_ = true;
  } else if (next_ >= end_ && pending_.empty()) {
    mux->CloseWrite(id_);
    mux->Release(id_);
    done_ = true;
  }
}

}  // namespace roam::session
