// PredictionEngine: guessing, judging and drawing local echo (see
// prediction_engine.h and docs/protocol.md §13.1).

#include "predict/prediction_engine.h"

#include <algorithm>
#include <string>
#include <utility>

#include "term/rendition.h"
#include "term/row.h"
#include "term/unicode_width.h"

namespace roam::predict {
namespace {

using term::Cell;
using term::Framebuffer;
using term::Row;

// A content key that no server cell of one code point can have.
constexpr char32_t kNoMatch = 0xFFFFFFFF;
constexpr char32_t kNoBreakSpace = 0xA0;
// Originals remembered per cell; more are dropped oldest first.
constexpr size_t kMaxOriginals = 16;

// The contents of a cell for comparison: blank, space and NBSP are all ' ';
// a multi-code-point cell never matches a guess.
char32_t KeyOf(const Cell& c) {
  if (c.empty()) return ' ';
  if (c.is_cluster()) return kNoMatch;
  char32_t cp = c.code_point();
  return cp == kNoBreakSpace ? ' ' : cp;
}

// True when the server cell cannot be copied as a single width-1 cell.
bool Uncopyable(const Row& row, int col) {
  const Cell& c = row.cell(col);
  return c.is_cluster() || c.wide() || c.fallback() || (col > 0 && row.cell(col - 1).wide());
}

// Input after which the next key starts a new line of input: the
// application read a line, or abandoned or ended one.
bool IsLineEnd(char32_t cp) { return cp == '\r' || cp == '\n' || cp == 0x03 || cp == 0x04; }

// The text of `row` from column `begin` to `end`, trailing blanks removed,
// each run of ASCII digits as one '0'.
std::string NormalizedText(const Row& row, int begin, int end) {
  std::string out;
  for (int col = begin; col < end; ++col) {
    std::string cell = row.CellText(col);
    if (cell.empty()) cell = " ";
    if (cell.size() == 1 && cell[0] >= '0' && cell[0] <= '9') {
      if (out.empty() || out.back() != '0') out += '0';
      continue;
    }
    out += cell;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// True when `text` names a secret the user is asked for.
bool NamesASecret(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  for (std::string_view word : {"password", "passwort", "passphrase", "passcode"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  // "PIN" only as a word of its own.
  auto is_letter = [](char c) { return c >= 'a' && c <= 'z'; };
  for (size_t at = lower.find("pin"); at != std::string::npos; at = lower.find("pin", at + 1)) {
    const bool starts = at == 0 || !is_letter(lower[at - 1]);
    const bool ends = at + 3 >= lower.size() || !is_letter(lower[at + 3]);
    if (starts && ends) return true;
  }
  return false;
}

// FNV-1a, 64 bits, over the pieces of a context.
class ContextHash {
 public:
  void Add(std::string_view bytes) {
    for (unsigned char c : bytes) {
      value_ ^= c;
      value_ *= 0x100000001b3ULL;
    }
    value_ ^= 0xff;  // ends a piece, so ("ab", "c") differs from ("a", "bc")
    value_ *= 0x100000001b3ULL;
  }
  void Add(uint64_t n) { Add(std::to_string(n)); }
  // Never 0 (0 means "no context").
  uint64_t value() const { return value_ == 0 ? 1 : value_; }

 private:
  uint64_t value_ = 0xcbf29ce484222325ULL;
};

}  // namespace

Result<DisplayMode> ParseDisplayMode(std::string_view text) {
  if (text.empty() || text == "adaptive") return DisplayMode::kAdaptive;
  if (text == "always") return DisplayMode::kAlways;
  if (text == "never") return DisplayMode::kNever;
  if (text == "experimental") return DisplayMode::kExperimental;
  return InvalidArgument("Unknown prediction mode \"" + std::string(text) + "\"");
}

bool ParseOverwriteMode(std::string_view env_value) { return env_value == "yes"; }

PredictionEngine::PredictionEngine(DisplayMode mode, bool overwrite)
    : mode_(mode), overwrite_(overwrite) {}

void PredictionEngine::set_display_mode(DisplayMode mode) {
  mode_ = mode;
  Reset();
}

void PredictionEngine::SetEchoAck(uint64_t echo_ack) { echo_ack_ = std::max(echo_ack_, echo_ack); }

// ---------------------------------------------------------------------------
// Input

void PredictionEngine::NewUserBytes(std::string_view bytes, const Framebuffer& server_fb,
                                    TimePoint now) {
  if (mode_ == DisplayMode::kNever) return;
  Cull(server_fb, now);
  if (bytes.size() > kPasteThreshold) {
    last_input_frame_ = local_frame_sent_ + 1;
    after_line_end_ = false;
    ++stats_.pastes;
    esc_state_ = EscState::kGround;
    utf8_.Reset();
    Reset();
    return;
  }
  // Experimental mode never holds guesses back.
  if (mode_ == DisplayMode::kExperimental) prediction_epoch_ = confirmed_epoch_;
  // Everything typed before this read has been answered: the server
  // screen and hint are the ones its first key will meet.
  view_current_ = echo_ack_ >= last_input_frame_ && !Blind();
  last_input_frame_ = local_frame_sent_ + 1;
  if (Blind()) {
    stats_.blind_bytes += bytes.size();
    // With the log overflowed, the backlog cannot be replayed: stay blind
    // until everything typed is answered.
    if (blind_log_overflow_) blind_until_ = last_input_frame_;
  }
  for (char ch : bytes) HandleByte(static_cast<uint8_t>(ch), server_fb, now);
  view_current_ = false;
  MarkShown();
}

void PredictionEngine::HandleByte(uint8_t b, const Framebuffer& fb, TimePoint now) {
  switch (esc_state_) {
    case EscState::kEscape:
      if (b == '[') {
        esc_state_ = EscState::kCsi;
        csi_has_params_ = false;
        return;
      }
      if (b == 'O') {
        esc_state_ = EscState::kSs3;
        return;
      }
      // ESC + anything else (Alt-key, a lone ESC then a key): unguessable.
      esc_state_ = EscState::kGround;
      InputUnguessable();
      return;
    case EscState::kCsi:
      if (b >= 0x20 && b <= 0x3F) {  // parameter and intermediate bytes
        csi_has_params_ = true;
        return;
      }
      esc_state_ = EscState::kGround;
      if (b >= 0x40 && b <= 0x7E) {
        HandleEscapeFinal(b, csi_has_params_, fb);
        return;
      }
      // The sequence was cut by another byte: treat it as unguessable and
      // read the byte afresh.
      InputUnguessable();
      break;
    case EscState::kSs3:
      esc_state_ = EscState::kGround;
      if (b >= 0x40 && b <= 0x7E) {
        HandleEscapeFinal(b, false, fb);
        return;
      }
      InputUnguessable();
      break;
    case EscState::kGround:
      break;
  }
  utf8_.Feed(b, [&](char32_t cp) { HandleCodePoint(cp, fb, now); });
}

void PredictionEngine::HandleCodePoint(char32_t cp, const Framebuffer& fb, TimePoint now) {
  // Only the first event of a read can meet a current view.
  const bool view_current = std::exchange(view_current_, false);
  const bool after_line_end = std::exchange(after_line_end_, IsLineEnd(cp));
  if (esc_state_ != EscState::kGround) {
    // A second code point from one Feed after ESC cannot happen (ESC is
    // ASCII and ends its Feed); be safe anyway.
    esc_state_ = EscState::kGround;
    InputUnguessable();
  }
  if (cp == 0x1B) {
    esc_state_ = EscState::kEscape;
    return;
  }
  if (Blind()) {
    LogBlind(BlindEvent{last_input_frame_, BlindEvent::kCodePoint, cp, false});
    return;
  }
  if (Silent(fb)) {
    // Nothing will echo: no guess at all, so nothing can ever be drawn.
    if (cp != term::kReplacementChar && term::CharWidth(cp) == 1) ++stats_.silent_keys;
    BecomeTentative();
    return;
  }
  if (cp == '\r') {
    BecomeTentative();
    NewlineCarriageReturn(fb, now);
    return;
  }
  if (cp == 0x7F) {
    PredictBackspace(fb, now);
    return;
  }
  if (cp != term::kReplacementChar && term::CharWidth(cp) == 1) {
    PredictChar(cp, fb, now, view_current, after_line_end);
    return;
  }
  // Other controls, wide, combining, unprintable or invalid input.
  BecomeTentative();
}

void PredictionEngine::HandleEscapeFinal(char32_t final, bool has_params, const Framebuffer& fb) {
  if (Blind()) {
    LogBlind(BlindEvent{last_input_frame_, BlindEvent::kEscapeFinal, final, has_params});
    return;
  }
  if (hint_ && hint_->canonical) {
    // The kernel's line editor does not move the cursor on an arrow; with
    // ECHO it prints the sequence as ^[[C.
    BecomeTentative();
    return;
  }
  if (!has_params && final == 'C') {
    PredictCursorMove(1, fb);
  } else if (!has_params && final == 'D') {
    PredictCursorMove(-1, fb);
  } else {
    BecomeTentative();
  }
}

void PredictionEngine::InputUnguessable() {
  if (Blind()) LogBlind(BlindEvent{last_input_frame_, BlindEvent::kUnguessable, 0, false});
  BecomeTentative();
}

void PredictionEngine::LogBlind(const BlindEvent& event) {
  if (blind_log_overflow_) return;
  if (blind_log_.size() >= kMaxBlindLog) {
    // Too much to replay: fall back to staying blind for the backlog.
    blind_log_.clear();
    blind_log_overflow_ = true;
    blind_until_ = std::max(blind_until_, last_input_frame_);
    return;
  }
  blind_log_.push_back(event);
}

void PredictionEngine::ReplayBlindLog(const Framebuffer& fb, TimePoint now) {
  if (Blind()) return;
  blind_log_overflow_ = false;
  if (blind_log_.empty()) return;
  std::vector<BlindEvent> log;
  log.swap(blind_log_);
  // The server screen answers everything up to echo_ack, so the events
  // after it are guessed from there, in a fresh tentative epoch, each with
  // the expiration frame it had when typed.
  BecomeTentative();
  const uint64_t sent = local_frame_sent_;
  const EscState esc_state = esc_state_;  // a sequence may be half typed
  esc_state_ = EscState::kGround;
  for (const BlindEvent& e : log) {
    if (e.frame <= echo_ack_) continue;  // already answered
    local_frame_sent_ = e.frame - 1;
    switch (e.kind) {
      case BlindEvent::kCodePoint:
        HandleCodePoint(e.value, fb, now);
        break;
      case BlindEvent::kEscapeFinal:
        HandleEscapeFinal(e.value, e.has_params, fb);
        break;
      case BlindEvent::kUnguessable:
        BecomeTentative();
        break;
    }
  }
  local_frame_sent_ = sent;
  esc_state_ = esc_state;
}

void PredictionEngine::PredictedCursor(const Framebuffer& fb, int* row, int* col) const {
  if (!cursors_.empty()) {
    *row = cursors_.back().row;
    *col = cursors_.back().col;
  } else {
    *row = fb.ds().cursor_row;
    *col = fb.ds().cursor_col;
  }
  *row = std::clamp(*row, 0, fb.height() - 1);
  *col = std::clamp(*col, 0, fb.width() - 1);
}

void PredictionEngine::AddCursorGuess(int row, int col) {
  cursors_.push_back(CursorGuess{row, col, prediction_epoch_, local_frame_sent_ + 1});
}

std::vector<PredictionEngine::CellGuess>& PredictionEngine::RowGuesses(int row) {
  auto& cells = rows_[row];
  if (cells.size() != static_cast<size_t>(last_width_)) {
    cells.resize(static_cast<size_t>(last_width_));
  }
  return cells;
}

Cell PredictionEngine::DisplayedCell(const Framebuffer& fb, int row, int col, bool* unknown) const {
  *unknown = false;
  auto it = rows_.find(row);
  if (it != rows_.end() && static_cast<size_t>(col) < it->second.size()) {
    const CellGuess& g = it->second[static_cast<size_t>(col)];
    if (g.active && !g.unknown) return g.replacement;
    if (g.active) *unknown = true;
  }
  const Row& r = fb.row(row);
  if (Uncopyable(r, col)) {
    *unknown = true;
    return Cell(r.cell(col).rend);
  }
  return r.cell(col);
}

void PredictionEngine::SetGuess(int row, int col, const Cell& cell, bool unknown, bool typed,
                                const Framebuffer& fb, TimePoint now) {
  CellGuess& g = RowGuesses(row)[static_cast<size_t>(col)];
  if (g.active && g.typed) ++stats_.superseded;
  if (!g.active) g.originals.clear();
  g.active = true;
  g.unknown = unknown;
  g.typed = typed;
  g.shown = false;
  g.echoed = false;
  g.epoch = prediction_epoch_;
  g.expiration_frame = local_frame_sent_ + 1;
  g.predicted_at = now;
  g.context = 0;
  g.replacement = cell;
  char32_t original = KeyOf(fb.row(row).cell(col));
  if (std::find(g.originals.begin(), g.originals.end(), original) == g.originals.end()) {
    if (g.originals.size() >= kMaxOriginals) g.originals.erase(g.originals.begin());
    g.originals.push_back(original);
  }
}

void PredictionEngine::PredictChar(char32_t cp, const Framebuffer& fb, TimePoint now,
                                   bool view_current, bool after_line_end) {
  if (cursors_.empty() && fb.ds().next_print_will_wrap) {
    // The host will wrap before printing; where the echo lands depends on
    // the scroll region and margins.
    BecomeTentative();
    return;
  }
  int row = 0;
  int col = 0;
  PredictedCursor(fb, &row, &col);
  const int width = fb.width();
  const bool last_column = col >= width - 1;
  if (last_column) BecomeTentative();

  // The first key of a new epoch, meeting the screen and hint it will meet
  // on the server: the hint or a remembered context may vouch for it.
  uint64_t context = 0;
  if (view_current && !last_column && hint_ && IsTentative(prediction_epoch_) &&
      !HasOutstanding()) {
    if (hint_->canonical && hint_->echo) {
      confirmed_epoch_ = prediction_epoch_;
      ++stats_.hint_confirmed_epochs;
    } else if (!hint_->canonical && after_line_end) {
      context = ContextOf(fb);
      if (context != 0 && RememberedEchoing(context)) {
        confirmed_epoch_ = prediction_epoch_;
        ++stats_.remembered_epochs;
      }
    }
  }

  // The kernel's line editor echoes over whatever the cursor is on; it
  // never inserts.
  const bool kernel_edits = hint_ && hint_->canonical;
  if (!overwrite_ && !kernel_edits) {
    // Insert: the text after the cursor moves right, up to the first wide
    // gap of blanks (which narrows by one). Without such a gap the whole
    // row moves, and what lands in the last column depends on how the host
    // wraps, so it is unknown.
    const int last = ShiftLimit(fb, row, col);
    for (int i = last; i > col; --i) {
      bool unknown = false;
      Cell src = DisplayedCell(fb, row, i - 1, &unknown);
      SetGuess(row, i, src, unknown || i == width - 1, false, fb, now);
    }
  }
  SetGuess(row, col, Cell(cp, fb.ds().rend), false, true, fb, now);
  RowGuesses(row)[static_cast<size_t>(col)].context = context;
  ++stats_.keystrokes_predicted;
  if (floor_row_ != row) {
    floor_row_ = row;
    floor_col_ = col;
  } else {
    floor_col_ = std::min(floor_col_, col);
  }

  if (last_column) {
    BecomeTentative();
    NewlineCarriageReturn(fb, now);
  } else {
    AddCursorGuess(row, col + 1);
  }
}

int PredictionEngine::ShiftLimit(const Framebuffer& fb, int row, int col) const {
  const int width = fb.width();
  int run_start = -1;
  for (int i = col; i < width; ++i) {
    bool unknown = false;
    const bool blank = KeyOf(DisplayedCell(fb, row, i, &unknown)) == ' ' && !unknown;
    if (!blank) {
      run_start = -1;
      continue;
    }
    if (run_start < 0) run_start = i;
    if (i - run_start + 1 >= kShiftGapBlanks) return run_start;
  }
  // Blanks up to the end of the row are a gap too.
  return run_start >= 0 ? run_start : width - 1;
}

void PredictionEngine::PredictBackspace(const Framebuffer& fb, TimePoint now) {
  int row = 0;
  int col = 0;
  PredictedCursor(fb, &row, &col);
  if (!AboveFloor(row, col)) {
    BecomeTentative();
    return;
  }
  const int width = fb.width();
  AddCursorGuess(row, col - 1);
  for (int i = col - 1; i < width - 1; ++i) {
    bool unknown = false;
    Cell src = DisplayedCell(fb, row, i + 1, &unknown);
    SetGuess(row, i, src, unknown, false, fb, now);
  }
  SetGuess(row, width - 1, Cell(fb.row(row).cell(width - 1).rend), true, false, fb, now);
}

bool PredictionEngine::Silent(const Framebuffer& fb) const {
  if (hint_ && hint_->canonical && !hint_->echo) return true;
  const int row = std::clamp(fb.ds().cursor_row, 0, fb.height() - 1);
  return NamesASecret(PromptText(fb, row, fb.ds().cursor_col));
}

std::string PredictionEngine::PromptText(const Framebuffer& fb, int row, int col) const {
  int end = std::clamp(col, 0, fb.width());
  if (floor_row_ == row) end = std::min(end, floor_col_);
  return NormalizedText(fb.row(row), 0, end);
}

uint64_t PredictionEngine::ContextOf(const Framebuffer& fb) const {
  if (!hint_) return 0;
  const term::DrawState& ds = fb.ds();
  const int row = std::clamp(ds.cursor_row, 0, fb.height() - 1);
  const std::string prompt =
      NormalizedText(fb.row(row), 0, std::clamp(ds.cursor_col, 0, fb.width()));
  if (prompt.find_first_not_of(' ') == std::string::npos) return 0;
  const int bottom = fb.height() - 1;
  ContextHash hash;
  hash.Add(uint64_t{hint_->echo} << 1 | uint64_t{hint_->canonical});
  hash.Add(hint_->foreground);
  hash.Add(uint64_t{ds.application_cursor_keys});
  hash.Add(prompt);
  hash.Add(row == bottom ? std::string() : NormalizedText(fb.row(bottom), 0, fb.width()));
  return hash.value();
}

bool PredictionEngine::RememberedEchoing(uint64_t context) const {
  for (const auto& [known, echoes] : contexts_) {
    if (known == context) return echoes;
  }
  return false;
}

void PredictionEngine::Learn(uint64_t context, bool echoed) {
  auto it = std::find_if(contexts_.begin(), contexts_.end(),
                         [&](const auto& entry) { return entry.first == context; });
  bool echoes = echoed;
  if (it != contexts_.end()) {
    echoes = echoed && it->second;  // once wrong, never trusted again
    contexts_.erase(it);
  } else if (contexts_.size() >= kMaxContexts) {
    contexts_.erase(contexts_.begin());
  }
  contexts_.emplace_back(context, echoes);
}

void PredictionEngine::PredictCursorMove(int delta, const Framebuffer& fb) {
  int row = 0;
  int col = 0;
  PredictedCursor(fb, &row, &col);
  if (delta > 0) {
    bool text_ahead = false;
    for (int i = col; i < fb.width() && !text_ahead; ++i) {
      bool unknown = false;
      Cell c = DisplayedCell(fb, row, i, &unknown);
      text_ahead = !unknown && KeyOf(c) != ' ';
    }
    if (col >= fb.width() - 1 || !text_ahead) {
      BecomeTentative();
      return;
    }
    AddCursorGuess(row, col + 1);
  } else {
    if (!AboveFloor(row, col)) {
      BecomeTentative();
      return;
    }
    AddCursorGuess(row, col - 1);
  }
}

void PredictionEngine::NewlineCarriageReturn(const Framebuffer& fb, TimePoint now) {
  int row = 0;
  int col = 0;
  PredictedCursor(fb, &row, &col);
  const int bottom = fb.height() - 1;
  if (row >= bottom) {
    // A scroll is not predicted: the bottom row is guessed blank instead.
    for (int i = 0; i < fb.width(); ++i) {
      SetGuess(bottom, i, Cell(term::Rendition::Background(fb.ds().rend.bg)), false, false, fb,
               now);
    }
    AddCursorGuess(bottom, 0);
  } else {
    AddCursorGuess(row + 1, 0);
  }
}

// ---------------------------------------------------------------------------
// Epochs

void PredictionEngine::BecomeTentative() {
  // Whatever the unguessable input did, the line being typed is no longer
  // known to start where it did.
  floor_row_ = -1;
  if (mode_ != DisplayMode::kExperimental) ++prediction_epoch_;
}

void PredictionEngine::KillEpoch(uint64_t epoch) {
  // Only deactivates, so it is safe while CullCells walks the rows.
  for (auto& [row, cells] : rows_) {
    for (CellGuess& g : cells) {
      if (g.active && g.epoch >= epoch && IsTentative(g.epoch)) g.active = false;
    }
  }
  std::erase_if(cursors_,
                [&](const CursorGuess& c) { return c.epoch >= epoch && IsTentative(c.epoch); });
  blind_until_ = std::max(blind_until_, last_input_frame_);
  ++stats_.epochs_killed;
  BecomeTentative();
}

void PredictionEngine::DropAll() {
  rows_.clear();
  cursors_.clear();
  blind_until_ = std::max(blind_until_, last_input_frame_);
  BecomeTentative();
}

void PredictionEngine::Reset() {
  ++stats_.resets;
  DropAll();
}

// ---------------------------------------------------------------------------
// Judging

PredictionEngine::Validity PredictionEngine::Judge(const CellGuess& g, const Framebuffer& fb,
                                                   int row, int col) const {
  if (row >= fb.height() || col >= fb.width()) return Validity::kWrong;
  if (echo_ack_ < g.expiration_frame) return Validity::kPending;
  if (g.unknown) return Validity::kCorrectNoCredit;
  const char32_t have = KeyOf(fb.row(row).cell(col));
  const char32_t want = KeyOf(g.replacement);
  if (have != want) return Validity::kWrong;
  if (want == ' ') return Validity::kCorrectNoCredit;
  if (std::find(g.originals.begin(), g.originals.end(), have) != g.originals.end()) {
    return Validity::kCorrectNoCredit;
  }
  return Validity::kCorrect;
}

bool PredictionEngine::CursorAgrees(const CursorGuess& c, const Framebuffer& fb) const {
  const term::DrawState& ds = fb.ds();
  if (c.row >= fb.height() || c.col >= fb.width()) return false;
  if (ds.cursor_row == c.row && ds.cursor_col == c.col) return true;
  // Deferred autowrap: waiting at the end of the row above is the same place.
  if (c.col == 0 && ds.next_print_will_wrap && ds.cursor_col == fb.width() - 1) {
    if (ds.cursor_row == c.row - 1) return true;
    if (c.row == fb.height() - 1 && ds.cursor_row == c.row) return true;
  }
  return false;
}

void PredictionEngine::Cull(const Framebuffer& server_fb, TimePoint now) {
  if (mode_ == DisplayMode::kNever) return;
  if (server_fb.width() != last_width_ || server_fb.height() != last_height_) {
    if (last_width_ != 0) Reset();
    last_width_ = server_fb.width();
    last_height_ = server_fb.height();
  }
  bool reset = false;
  CullCells(server_fb, now, &reset);
  if (!reset) CullCursors(server_fb);
  std::erase_if(rows_, [](const auto& entry) {
    return std::none_of(entry.second.begin(), entry.second.end(),
                        [](const CellGuess& g) { return g.active; });
  });
  ReplayBlindLog(server_fb, now);
  UpdateTriggers();
  MarkShown();
}

void PredictionEngine::CullCells(const Framebuffer& fb, TimePoint now, bool* reset) {
  for (auto& [row, cells] : rows_) {
    for (size_t i = 0; i < cells.size(); ++i) {
      CellGuess& g = cells[i];
      if (!g.active) continue;
      const int col = static_cast<int>(i);
      const bool on_screen = row < fb.height() && col < fb.width();
      if (g.typed && !g.echoed && on_screen) {
        const char32_t have = KeyOf(fb.row(row).cell(col));
        if (have == KeyOf(g.replacement) &&
            std::find(g.originals.begin(), g.originals.end(), have) == g.originals.end()) {
          g.echoed = true;
          ++stats_.echoes_seen;
          if (g.shown) ++stats_.shown_before_echo;
        }
      }
      switch (Judge(g, fb, row, col)) {
        case Validity::kPending: {
          const Duration age = now - g.predicted_at;
          if (age >= kGlitchFlagThreshold) {
            glitch_trigger_ = std::max(glitch_trigger_, 2 * kGlitchRepairCount);
          } else if (age >= kGlitchThreshold && glitch_trigger_ < kGlitchRepairCount) {
            glitch_trigger_ = kGlitchRepairCount;
          }
          break;
        }
        case Validity::kCorrect:
          if (g.context != 0) Learn(g.context, true);
          if (g.epoch > confirmed_epoch_) confirmed_epoch_ = g.epoch;
          if (now - g.predicted_at < kGlitchThreshold && glitch_trigger_ > 0 &&
              now - last_quick_confirmation_ >= kGlitchRepairMinInterval) {
            --glitch_trigger_;
            last_quick_confirmation_ = now;
          }
          // The host's rendition of this cell is the best guess for the
          // guesses after it on the row.
          for (size_t j = i + 1; j < cells.size(); ++j) {
            if (cells[j].active) cells[j].replacement.rend = fb.row(row).cell(col).rend;
          }
          RetireCell(&g);
          break;
        case Validity::kCorrectNoCredit:
          RetireCell(&g);
          break;
        case Validity::kWrong:
          ++stats_.judged_wrong;
          if (g.shown) ++stats_.shown_wrong;
          if (g.context != 0) Learn(g.context, false);
          if (IsTentative(g.epoch)) {
            KillEpoch(g.epoch);
          } else if (mode_ == DisplayMode::kExperimental) {
            g.active = false;
          } else {
            Reset();
            *reset = true;
            return;  // rows_ is gone
          }
          break;
      }
    }
  }
}

void PredictionEngine::RetireCell(CellGuess* g) {
  if (g->typed) {
    ++stats_.confirmed_correct;
    if (!g->echoed) {
      // The echo could not be told apart from the old contents (or the
      // guess was a space): the judgement is the echo.
      g->echoed = true;
      ++stats_.echoes_seen;
      if (g->shown) ++stats_.shown_before_echo;
    }
  }
  g->active = false;
}

void PredictionEngine::CullCursors(const Framebuffer& fb) {
  if (cursors_.empty()) return;
  const CursorGuess& newest = cursors_.back();
  if (echo_ack_ >= newest.expiration_frame) {
    if (!CursorAgrees(newest, fb)) {
      if (mode_ == DisplayMode::kExperimental) {
        cursors_.clear();
      } else {
        Reset();
      }
      return;
    }
    cursors_.clear();
    return;
  }
  // Older guesses already judged are superseded by the newer pending one.
  std::erase_if(cursors_, [&](const CursorGuess& c) { return c.expiration_frame <= echo_ack_; });
}

void PredictionEngine::UpdateTriggers() {
  if (send_interval_ > kSrttTriggerHigh) {
    srtt_trigger_ = true;
  } else if (srtt_trigger_ && send_interval_ <= kSrttTriggerLow && !HasOutstanding()) {
    srtt_trigger_ = false;
  }
  if (send_interval_ > kFlagTriggerHigh) {
    flagging_ = true;
  } else if (send_interval_ <= kFlagTriggerLow) {
    flagging_ = false;
  }
  if (glitch_trigger_ > kGlitchRepairCount) flagging_ = true;
}

bool PredictionEngine::HasOutstanding() const {
  if (!cursors_.empty()) return true;
  for (const auto& [row, cells] : rows_) {
    for (const CellGuess& g : cells) {
      if (g.active) return true;
    }
  }
  return false;
}

bool PredictionEngine::ShouldDisplay() const {
  switch (mode_) {
    case DisplayMode::kNever:
      return false;
    case DisplayMode::kAlways:
    case DisplayMode::kExperimental:
      return true;
    case DisplayMode::kAdaptive:
      break;
  }
  return srtt_trigger_ || glitch_trigger_ > 0;
}

void PredictionEngine::MarkShown() {
  if (!ShouldDisplay()) return;
  for (auto& [row, cells] : rows_) {
    for (CellGuess& g : cells) {
      if (g.active && !IsTentative(g.epoch)) g.shown = true;
    }
  }
}

TimePoint PredictionEngine::NextWakeup(TimePoint now) const {
  if (mode_ == DisplayMode::kNever || !HasOutstanding()) return kNever;
  if (ShouldDisplay() && flagging_) return kNever;
  return now + kTimerPeriod;
}

// ---------------------------------------------------------------------------
// Drawing

void PredictionEngine::Apply(Framebuffer* fb) const {
  if (!ShouldDisplay()) return;
  if (fb->width() != last_width_ || fb->height() != last_height_) return;
  const int width = fb->width();
  const int height = fb->height();

  for (auto it = cursors_.rbegin(); it != cursors_.rend(); ++it) {
    if (IsTentative(it->epoch)) continue;
    if (it->row < height && it->col < width) {
      term::DrawState* ds = fb->mutable_ds();
      ds->cursor_row = it->row;
      ds->cursor_col = it->col;
      ds->next_print_will_wrap = false;
    }
    break;
  }

  for (const auto& [row, cells] : rows_) {
    if (row < 0 || row >= height) continue;
    const int limit = std::min(width, static_cast<int>(cells.size()));
    for (int col = 0; col < limit; ++col) {
      const CellGuess& g = cells[static_cast<size_t>(col)];
      if (!g.active || IsTentative(g.epoch)) continue;
      const Cell& have = fb->row(row).cell(col);
      if (g.unknown) {
        if (flagging_ && col != width - 1 && have.rend.underline() == term::Underline::kNone) {
          fb->MutableRow(row)->mutable_cell(col).rend.set_underline(term::Underline::kSingle);
        }
        continue;
      }
      if (KeyOf(g.replacement) == ' ' && KeyOf(have) == ' ') continue;  // blank over blank
      Cell want = g.replacement;
      if (flagging_) want.rend.set_underline(term::Underline::kSingle);
      const bool left_wide = col > 0 && fb->row(row).cell(col - 1).wide();
      if (!left_wide && !have.is_cluster() && have.raw_bits() == want.raw_bits() &&
          have.rend == want.rend) {
        continue;  // already shows exactly this
      }
      Row* r = fb->MutableRow(row);
      if (left_wide) r->mutable_cell(col - 1) = Cell(r->cell(col - 1).rend);
      r->mutable_cell(col) = want;
      if (col == width - 1) r->set_wrap(false);
    }
  }
}

}  // namespace roam::predict
