// Fuzz target: HistorySync, the client side of native scrollback
// (docs/protocol.md §8.5), driven by a series of server states. Each step
// of the input is a RoamBuffers.History message built from the bytes (end
// growing by a byte's worth, sometimes an erase, resize ranges and inline
// lines), applied with ApplyHistory as the client does (refused ones are
// skipped) and handed to OnState, with the fake time moving on. Whatever
// comes out must be in order: line numbers strictly increase between two
// erases, never reach the state's end, and next() never goes back.

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/check.h"
#include "client/history_sync.h"
#include "state/history_state.h"
#include "term/scrollback.h"
#include "wire/roam_extensions.pb.h"

namespace {

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

std::string Line(uint64_t number) {
  roam::term::Row row(12, roam::term::kDefaultColor);
  const std::string text = std::to_string(number);
  for (size_t i = 0; i < text.size() && i < 12; ++i) {
    row.mutable_cell(static_cast<int>(i)).set_code_point(static_cast<char32_t>(text[i]));
  }
  std::string out;
  roam::term::EncodeScrollbackLine(row, &out);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  roam::client::HistorySync sync(1 + in.Byte() % 64);
  roam::state::HistoryState state;
  roam::TimePoint now{};
  uint64_t last_taken = 0;
  bool taken_any = false;
  uint64_t last_next = 0;
  for (int step = 0; step < 256 && !in.empty(); ++step) {
    const uint8_t op = in.Byte();
    RoamBuffers::History message;
    const uint64_t end = state.end + in.Byte();
    message.set_end(end);
    message.set_erase_count(state.erase_count + ((op & 1) ? 1 : 0));
    message.set_erased_below((op & 1) ? end - in.Byte() % (end + 1) : state.erased_below);
    if (op & 2) {
      const uint64_t first = in.Byte() % (end + 1);
      auto* r = message.add_resized();
      r->set_first(first);
      r->set_end(first + 1 + in.Byte() % 4);
    }
    if ((op & 4) && end > state.end) {
      const uint64_t from = end - std::min<uint64_t>(end - state.end, 1 + in.Byte() % 8);
      message.set_first(from);
      for (uint64_t n = from; n < end; ++n) message.add_line(Line(n));
    }
    roam::state::HistoryState next = state;
    if (!roam::state::ApplyHistory(message, &next).ok()) continue;
    state = next;
    now += std::chrono::milliseconds(in.Byte());
    sync.OnState(state, now);
    sync.Run(nullptr, now, std::chrono::milliseconds(100));
    ROAM_CHECK(sync.next() >= last_next);
    last_next = sync.next();
    for (const roam::client::HistoryItem& item : sync.Take(in.Byte())) {
      switch (item.kind) {
        case roam::client::HistoryItem::Kind::kErase:
          taken_any = false;
          break;
        case roam::client::HistoryItem::Kind::kLine:
          ROAM_CHECK(!taken_any || item.number > last_taken);
          ROAM_CHECK(item.number < state.end);
          ROAM_CHECK(item.line == Line(item.number));
          last_taken = item.number;
          taken_any = true;
          break;
        case roam::client::HistoryItem::Kind::kMarker:
          ROAM_CHECK(item.skipped > 0);
          break;
      }
    }
  }
  return 0;
}
