// The user's terminal: alternate screen or native scrollback (see
// local_screen.h).

#include "client/local_screen.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "client/scrollback_writer.h"
#include "state/roam_hello.h"
#include "term/emulator.h"
#include "term/scrollback.h"

namespace roam::client {

namespace {

// History items written per frame at most, so a long catch-up never holds
// the event loop (and the echo of a key) for long; the rest follows at once.
constexpr size_t kItemsPerFrame = 2048;

term::DisplayCapabilities NormalScreen(term::DisplayCapabilities caps) {
  caps.normal_screen = true;
  return caps;
}

std::string CursorToBottom(int rows) { return "\x1b[" + std::to_string(rows) + ";1H"; }

}  // namespace

LocalScreen::LocalScreen(LocalScreenConfig config, int cols, int rows)
    : config_(std::move(config)),
      normal_display_(NormalScreen(config_.display)),
      sync_(std::max<size_t>(1, config_.scrollback_lines)),
      cols_(term::Emulator::ClampDimension(cols)),
      rows_(term::Emulator::ClampDimension(rows)) {}

void LocalScreen::OnRemoteState(const state::ScreenState& remote, TimePoint now) {
  const state::RoamHello& welcome = remote.welcome();
  welcome_history_ = config_.scrollback_lines > 0 && welcome.valid() &&
                     welcome.has(state::kFeatureHistory) && welcome.has(state::kFeatureChannels);
  if (welcome_history_) sync_.OnState(remote.history(), now);
}

void LocalScreen::OnWindowSize(int cols, int rows, const std::optional<term::Framebuffer>& drawn) {
  cols = term::Emulator::ClampDimension(cols);
  rows = term::Emulator::ClampDimension(rows);
  if (normal() && rows > rows_) {
    // The terminal brought up to this many of its newest history lines back
    // onto the top of its screen; they go back where they were.
    const uint64_t back = std::min<uint64_t>(static_cast<uint64_t>(rows - rows_), local_history_);
    local_history_ -= back;
    uncover_ += back;
  } else if (normal() && rows < rows_ && drawn && drawn->height() == rows_) {
    // Rows below the cursor went first, then rows off the top, into the
    // terminal's history.
    const int shrink = rows_ - rows;
    const int below = std::min(shrink, rows_ - 1 - drawn->ds().cursor_row);
    local_history_ += static_cast<uint64_t>(shrink - below);
  }
  cols_ = cols;
  rows_ = rows;
}

void LocalScreen::OnResumed() {
  if (normal()) take_screen_ = true;
}

void LocalScreen::Run(channel::Mux* mux, TimePoint now, Duration settle) {
  if (welcome_history_) sync_.Run(mux, now, settle);
}

TimePoint LocalScreen::NextWakeup(TimePoint now, Duration settle) const {
  if (!welcome_history_) return kNever;
  if (normal() && sync_.has_ready()) return now;
  return sync_.NextWakeup(settle);
}

bool LocalScreen::BeginFrame(bool have_remote_state, bool bar, bool* repaint, std::string* out) {
  if (welcome_history_ && mode_ != Mode::kNormal) {
    if (mode_ == Mode::kAlternate) out->append(config_.alternate_exit);
    mode_ = Mode::kNormal;
    take_screen_ = true;
  } else if (mode_ == Mode::kUndecided) {
    if (!have_remote_state && !bar) return false;
    out->append(config_.alternate_enter);
    mode_ = Mode::kAlternate;
    *repaint = true;
  }
  if (!normal()) return true;
  if (take_screen_) {
    // From the cursor's row down to the bottom: whatever was above the
    // cursor scrolls into the history; the screen is drawn anew.
    take_screen_ = false;
    out->append("\x1b[0m");
    for (int i = 1; i < rows_; ++i) out->append("\r\n");
    *repaint = true;
  }
  if (uncover_ > 0) {
    out->append(CursorToBottom(rows_));
    out->append(static_cast<size_t>(uncover_), '\n');
    local_history_ += uncover_;
    uncover_ = 0;
    *repaint = true;
  }
  return true;
}

term::Framebuffer LocalScreen::Frame(const term::Framebuffer& remote) const {
  if (!normal() || (remote.width() == cols_ && remote.height() == rows_)) return remote;
  // The server has not answered the resize yet: show its screen as it will
  // be, by the same rule.
  term::EmulatorOptions options;
  options.scrollback_lines = 0;
  options.history_mode = true;
  term::Emulator e(remote, options);
  e.Resize(cols_, rows_);
  return e.fb();
}

void LocalScreen::WriteHistory(std::optional<term::Framebuffer>* drawn, bool repaint,
                               std::string* out) {
  if (!normal() || !sync_.has_ready()) return;
  if (*drawn && ((*drawn)->width() != cols_ || (*drawn)->height() != rows_)) return;
  term::Framebuffer screen = *drawn ? **drawn : term::Framebuffer(cols_, rows_);
  bool known = drawn->has_value() && !repaint;
  std::vector<term::Row> rows;
  auto flush = [&] {
    PushToScrollback(rows, normal_display_, &screen, &known, out);
    local_history_ += rows.size();
    rows.clear();
  };
  for (HistoryItem& item : sync_.Take(kItemsPerFrame)) {
    switch (item.kind) {
      case HistoryItem::Kind::kLine: {
        term::Row line(1, term::kDefaultColor);
        if (!term::DecodeScrollbackLine(item.line, &line)) break;  // checked on arrival
        for (term::Row& r : FitHistoryLine(line, cols_)) rows.push_back(std::move(r));
        break;
      }
      case HistoryItem::Kind::kMarker:
        rows.push_back(SkippedLinesRow(item.skipped, cols_));
        break;
      case HistoryItem::Kind::kErase:
        flush();
        out->append("\x1b[3J");
        local_history_ = 0;
        break;
    }
  }
  flush();
  *drawn = std::move(screen);
}

std::string LocalScreen::LeaveText(const std::optional<term::Framebuffer>& drawn) const {
  if (!normal() || !drawn || drawn->ds().cursor_col == 0) return "";
  return "\r\n";
}

}  // namespace roam::client
