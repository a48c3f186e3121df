// Native scrollback, client side: the catch-up (see history_sync.h).

#include "client/history_sync.h"

#include <algorithm>
#include <utility>

#include "wire/channel_open.pb.h"

namespace roam::client {

namespace {

// Lines from states kept while a fetch brings what comes before them.
constexpr size_t kMaxHeldLines = 4 * state::kMaxInlineLines;
// Bytes read from the history channel per call.
constexpr size_t kReadChunk = 256 * 1024;

}  // namespace

HistorySync::HistorySync(size_t max_lines) : max_lines_(std::max<size_t>(1, max_lines)) {}

void HistorySync::OnState(const state::HistoryState& h, TimePoint now) {
  if (h.erase_count > erase_count_) {
    // Everything written so far goes with the erase; lines not written yet
    // that it covers are never written (the terminal would only erase them).
    erase_count_ = h.erase_count;
    const uint64_t below = h.erased_below;
    std::deque<HistoryItem> kept;
    kept.push_back(HistoryItem{HistoryItem::Kind::kErase, 0, {}, 0});
    for (HistoryItem& item : ready_) {
      if (item.kind == HistoryItem::Kind::kLine && item.number >= below) {
        kept.push_back(std::move(item));
      } else if (item.kind == HistoryItem::Kind::kMarker) {
        kept.push_back(std::move(item));  // dropped below unless a kept line follows
      }
    }
    // A marker is kept only where a kept line follows it.
    std::deque<HistoryItem> tidy;
    for (size_t i = 0; i < kept.size(); ++i) {
      if (kept[i].kind == HistoryItem::Kind::kMarker &&
          (i + 1 == kept.size() || kept[i + 1].kind != HistoryItem::Kind::kLine)) {
        continue;
      }
      tidy.push_back(std::move(kept[i]));
    }
    ready_ = std::move(tidy);
    if (next_ <= below) {
      marker_ = 0;
      next_ = below;
    } else {
      marker_ = std::min(marker_, next_ - below);
    }
    while (!held_.empty() && held_first_ < below) {
      held_.pop_front();
      ++held_first_;
    }
  }
  resized_ = h.resized;
  if (h.end > known_end_) {
    const uint64_t from = std::max(known_end_, h.erased_below);
    const bool covered = h.recent && h.recent->first <= from && h.recent->end() == h.end;
    if (!covered && from < h.end) last_jump_ = now;
    known_end_ = h.end;
  }
  if (h.recent && h.recent->end() > next_) {
    const state::HistoryLines& r = *h.recent;
    const uint64_t held_end = held_first_ + held_.size();
    if (held_.empty() || r.first > held_end) {
      held_.clear();
      held_first_ = std::max(r.first, next_);
    }
    for (uint64_t n = std::max(held_first_ + held_.size(), r.first); n < r.end(); ++n) {
      held_.push_back(r.lines[static_cast<size_t>(n - r.first)]);
    }
    while (held_.size() > kMaxHeldLines) {
      held_.pop_front();
      ++held_first_;
    }
  }
  DrainHeld();
}

void HistorySync::DrainHeld() {
  while (!held_.empty() && held_first_ <= next_) {
    if (held_first_ == next_) {
      ++stats_.lines_inline;
      Emit(next_, std::move(held_.front()));
    }
    held_.pop_front();
    ++held_first_;
  }
}

void HistorySync::Emit(uint64_t number, std::string line) {
  ++next_;
  for (const term::LineRange& r : resized_) {
    if (number >= r.first && number < r.end) {
      ++stats_.lines_resized;
      return;
    }
  }
  if (marker_ > 0) {
    ready_.push_back(HistoryItem{HistoryItem::Kind::kMarker, 0, {}, marker_});
    stats_.lines_skipped += marker_;
    marker_ = 0;
  }
  ready_.push_back(HistoryItem{HistoryItem::Kind::kLine, number, std::move(line), 0});
}

void HistorySync::Skip(uint64_t to) {
  if (to <= next_) return;
  marker_ += to - next_;
  next_ = to;
}

void HistorySync::Run(channel::Mux* mux, TimePoint now, Duration settle) {
  if (mux == nullptr) return;
  if (fetch_) ReadFetch(mux, now);
  if (!fetch_ && next_ < known_end_ && (!last_jump_ || now >= *last_jump_ + settle)) {
    StartFetch(mux, now);
  }
}

void HistorySync::StartFetch(channel::Mux* mux, TimePoint now) {
  // Held lines that reach the history's end stay; the fetch brings what
  // is before them. Otherwise the fetch goes to the end.
  uint64_t end = known_end_;
  if (!held_.empty() && held_first_ > next_ && held_first_ + held_.size() == known_end_) {
    end = held_first_;
  } else {
    held_.clear();
  }
  // At most max_lines_ of the newest lines are caught up on.
  Skip(known_end_ - std::min<uint64_t>(known_end_, max_lines_));
  if (next_ >= end) {
    DrainHeld();
    return;
  }
  RoamChannel::OpenRequest request;
  request.mutable_history()->set_first(next_);
  request.mutable_history()->set_end(end);
  Result<uint64_t> id = mux->Open(request.SerializeAsString(), now);
  if (!id.ok()) return;  // no channel credit now: the next Run tries again
  mux->CloseWrite(*id);  // the request is all the client sends
  fetch_.emplace();
  fetch_->id = *id;
  fetch_->cursor = next_;
  fetch_->end = end;
  ++stats_.fetches;
}

void HistorySync::EndFetch(channel::Mux* mux, bool reset) {
  if (reset) mux->Reset(fetch_->id, channel::kErrorBadRequest);
  mux->Release(fetch_->id);
  fetch_.reset();
}

void HistorySync::ReadFetch(channel::Mux* mux, TimePoint now) {
  Fetch& f = *fetch_;
  std::optional<channel::ChannelInfo> info = mux->Info(f.id);
  if (!info || info->phase == channel::ChannelPhase::kRefused || info->peer_reset) {
    // Refused or abandoned: try again once things settle.
    if (info) {
      EndFetch(mux, false);
    } else {
      fetch_.reset();
    }
    last_jump_ = now;
    return;
  }
  std::string bytes;
  while (mux->Read(f.id, &bytes, kReadChunk) > 0) {
    f.reader.Feed(bytes);
    bytes.clear();
    for (;;) {
      Result<std::optional<state::HistoryRecord>> record = f.reader.Next();
      bool bad = !record.ok();
      if (!bad && !record->has_value()) break;
      if (!bad) {
        const state::HistoryRecord& r = **record;
        const uint64_t count = r.kind == state::HistoryRecord::Kind::kGap ? r.count : 1;
        bad = count > f.end - f.cursor;  // more than was asked for
        if (!bad && r.kind == state::HistoryRecord::Kind::kGap) {
          Skip(f.cursor + count);
        } else if (!bad && f.cursor == next_) {
          ++stats_.lines_fetched;
          Emit(f.cursor, std::move((*record)->line));
        }
        f.cursor += count;
      }
      if (bad) {
        ++stats_.bad_fetches;
        EndFetch(mux, true);
        last_jump_ = now;
        return;
      }
    }
  }
  info = mux->Info(f.id);
  if (info && info->eof) {
    Skip(f.end);  // anything the server did not send is not coming
    EndFetch(mux, false);
    DrainHeld();
  }
}

std::vector<HistoryItem> HistorySync::Take(size_t max) {
  std::vector<HistoryItem> out;
  while (!ready_.empty() && out.size() < max) {
    out.push_back(std::move(ready_.front()));
    ready_.pop_front();
  }
  return out;
}

TimePoint HistorySync::NextWakeup(Duration settle) const {
  if (fetch_ || next_ >= known_end_ || !last_jump_) return kNever;
  return *last_jump_ + settle;
}

}  // namespace roam::client
