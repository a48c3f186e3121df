// PredictionEngine: predictive local echo (docs/protocol.md §13.1). It guesses how the
// host will echo the user's keystrokes, tracks each guess until the server
// screen that answers it arrives (judged through echo_ack, docs/protocol.md §7.3),
// and draws the guesses that are trustworthy onto a copy of the server
// screen. Pure logic: it reads no clock and does no I/O; the caller passes
// the newest server framebuffer and `now` to every call that needs them.
//
// Model. Each guess belongs to a prediction epoch. Guesses of an epoch that
// has not yet been confirmed (epoch > confirmed epoch) are tentative: kept
// and judged but never drawn. Anything whose echo is hard to guess (control
// characters, escape sequences other than the left/right arrows, characters
// that are not printable width 1, typing into the last column, a wrap, a
// CR) opens a new epoch. One correct guess confirms its epoch, and with it
// every other guess of that epoch becomes drawable. A wrong tentative guess
// kills its epoch; a wrong drawn guess drops everything (experimental mode:
// only that cell).
//
// Each guess is judged once echo_ack (of the newest server state) reaches
// its expiration frame: the client state that carries the keystroke
// (local_frame_sent + 1 when it was typed). The server screen sent with
// that echo_ack shows whether the host echoed it.
//
// Display triggers (adaptive mode): drawn while srtt_trigger (send interval
// above 30 ms, off at 20 ms or less once nothing is outstanding) or
// glitch_trigger (a guess pending 250 ms) is set; underlined while flagging
// (send interval above 80 ms or glitch_trigger above 10; off at 50 ms or
// less). `always` and `experimental` draw confirmed guesses regardless;
// `never` turns the engine off.
//
// Where this goes beyond or differs from the behaviour docs/protocol.md §13.1 describes
// (each chosen so that a wrong guess is shown less often; none changes what
// is sent to the server):
//   * CR opens a new epoch before its cursor guess (the output of a command
//     is unknowable), and so does a wrap out of the last column; the
//     character typed into the last column is itself tentative.
//   * A right arrow is predicted only when some non-blank cell lies at or
//     right of the predicted cursor on its row; at the end of a shell line
//     the host does not move, so the guess would be wrong. Otherwise it opens
//     a new epoch.
//   * Backspace and the left arrow are predicted only while the cursor is
//     right of where the text typed since the last unguessable input began
//     (the "floor"); elsewhere (into a shell prompt, over recalled history)
//     they predict nothing and open a new epoch. A shell rings the bell
//     instead of erasing its prompt, so the guess would be wrong.
//   * Backspace leaves the last column "unknown" (as insertion does) instead
//     of guessing its contents.
//   * A server cursor waiting to wrap at the end of row r (deferred
//     autowrap) counts as agreeing with a guessed cursor at row r + 1,
//     column 0, so typing to the end of a line does not drop everything.
//   * Typed characters take the server's current pen as rendition.
//   * Escape and UTF-8 decoding state survive across NewUserBytes calls, so
//     an arrow key split between two reads is still recognised.
//   * A decreasing echo_ack (a broken peer) is ignored, not trusted.
//   * After guesses are dropped (an epoch killed, a reset) while typed input
//     is still unjudged, the server cursor lags behind that input, so a
//     guess made from it would land in the wrong cell and could even be
//     "confirmed" by a repeated letter (after a tab completion, "foo b"
//     would be drawn as "fo b"). Until echo_ack covers the input typed
//     before the drop, nothing is predicted ("blind"). Input typed while
//     blind is logged with its expiration frame instead (at most
//     kMaxBlindLog decoded events; beyond that the engine stays blind
//     until everything typed so far is answered). When blind mode ends, the
//     logged input the server has not answered yet is guessed afresh from
//     the server screen, in a new tentative epoch, each guess keeping the
//     expiration frame it had when typed; so typing faster than a round
//     trip does not keep predictions off.
//   * A character typed while the server cursor waits to wrap (and no
//     cursor guess is outstanding) is not predicted; it opens a new epoch.
//   * An insertion moves the text after the cursor only up to the first run
//     of kShiftGapBlanks blanks (or blanks to the end of the row), so that
//     a right-hand prompt (zsh RPROMPT) or a window border further right is
//     not guessed to move; the host keeps those in place.
//   * A shifted cell whose source cannot be copied (a wide or multi-code-
//     point cell) becomes "unknown" instead of being guessed.
//
// Beyond Mosh: what a roam server says about its pty (SetTtyHint, the
// EchoHint of docs/protocol.md §8.4), and what was confirmed before. Mosh
// starts every line unconfirmed because after a newline it cannot know
// whether the application will echo (a password prompt must never be
// drawn), so the first keys after Enter wait a full round trip. Here:
//   * Canonical mode without ECHO (a password, `read -s`): the kernel echoes
//     nothing, so no key is guessed at all, not even tentatively.
//   * Whatever the hint, a key typed right of a password prompt (the text
//     on the cursor's row before the typed text names a password,
//     passphrase, passcode or PIN) is not guessed either: a script may
//     print its prompt before it turns echo off. This needs no hint, so it
//     holds with a stock server too.
//   * Canonical mode with ECHO: the kernel echoes every key where the cursor
//     is, so a new epoch is confirmed at once, provided the client's view
//     is current: everything typed before this key has been answered
//     (echo_ack covers it), so the screen and the hint are the ones the key
//     will meet. A typed character is guessed over the cell at the cursor,
//     never inserted, and escape sequences are not predicted (the kernel
//     echoes an arrow as ^[[C).
//   * Raw mode (readline, editors): Mosh's confirmation logic, plus a
//     memory. The first key after a line end (CR, LF, ^C, ^D), typed with a
//     current view, is judged in a *context*: the hint's modes and
//     foreground process group, the application cursor-key mode, the text
//     of the cursor's row left of the cursor and the text of the bottom row
//     (unless the cursor is on it), each with runs of digits counted as
//     one (prompts carry counters and clocks). Text left of the cursor
//     must not be blank. When that key's guess is judged correct the
//     context is remembered as echoing, when judged wrong as never to be
//     trusted again; the first key after a line end in a remembered echoing
//     context confirms its epoch at once. Anything new or different waits
//     for confirmation as before. Vim's normal mode cannot match such a
//     context: it is reached with Esc, not a line end, and after Enter the
//     cursor stands on the first non-blank of a line.
//   * Without a hint (a stock server) neither the certainty nor the memory
//     applies.
//
// Until SetSendInterval is called the send interval is taken as 250 ms (the
// transport's value before any RTT sample), so adaptive mode starts out
// drawing underlined predictions, as Mosh does.

#ifndef ROAM_PREDICT_PREDICTION_ENGINE_H_
#define ROAM_PREDICT_PREDICTION_ENGINE_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "term/cell.h"
#include "term/framebuffer.h"
#include "term/utf8_decoder.h"

namespace roam::predict {

// When predictions are drawn (MOSH_PREDICTION_DISPLAY, --predict).
enum class DisplayMode {
  kAdaptive,      // draw when the link is slow or glitchy
  kAlways,        // always draw confirmed predictions
  kNever,         // predict nothing
  kExperimental,  // always draw, never tentative, drop only wrong cells
};

// Parses "adaptive", "always", "never" or "experimental" (exact, lower
// case); "" means adaptive (an empty MOSH_PREDICTION_DISPLAY). Errors:
// InvalidArgument "Unknown prediction mode ..." for anything else; the
// caller should report it to the user and exit.
Result<DisplayMode> ParseDisplayMode(std::string_view text);

// True when MOSH_PREDICTION_OVERWRITE holds exactly "yes".
bool ParseOverwriteMode(std::string_view env_value);

// The server's pty line discipline (state::EchoHint, docs/protocol.md §8.4).
struct TtyHint {
  bool echo = false;        // the kernel echoes typed characters
  bool canonical = false;   // input is edited and delivered a line at a time
  uint64_t foreground = 0;  // opaque name of the foreground process group
  friend bool operator==(const TtyHint&, const TtyHint&) = default;
};

// Counters for quality measurement. "Keystroke" here means a typed
// printable width-1 character for which a cell guess was made.
struct PredictionStats {
  uint64_t keystrokes_predicted = 0;
  // Keystrokes whose echo was seen on the server screen (or that were
  // judged correct without it being distinguishable).
  uint64_t echoes_seen = 0;
  // Of those, the ones that were displayable (confirmed epoch, display
  // trigger on) at the end of an earlier call, i.e. before the echo.
  uint64_t shown_before_echo = 0;
  // Keystroke guesses judged correct.
  uint64_t confirmed_correct = 0;
  // Keystroke guesses replaced by a later guess for the same cell before
  // being judged (e.g. after backspace).
  uint64_t superseded = 0;
  // Cell guesses (any kind) judged wrong, and those among them that were
  // displayable when judged: the user saw something wrong.
  uint64_t judged_wrong = 0;
  uint64_t shown_wrong = 0;
  uint64_t epochs_killed = 0;
  // Times all predictions were dropped (wrong guess, cursor, resize, paste).
  uint64_t resets = 0;
  uint64_t pastes = 0;
  // Bytes typed while blind (input in flight made positions unknown); they
  // are guessed once blind mode ends unless the blind log overflowed.
  uint64_t blind_bytes = 0;
  // Epochs confirmed when their first key was typed: the kernel echoes
  // (canonical mode with ECHO), or a remembered context.
  uint64_t hint_confirmed_epochs = 0;
  uint64_t remembered_epochs = 0;
  // Printable keys not guessed because nothing would echo them (canonical
  // mode without ECHO, or a password prompt).
  uint64_t silent_keys = 0;
};

class PredictionEngine {
 public:
  // Bytes in a single read beyond which the read is a paste (docs/protocol.md §13.1).
  static constexpr size_t kPasteThreshold = 100;
  // srtt_trigger on above / off at or below (send_interval).
  static constexpr Millis kSrttTriggerHigh{30};
  static constexpr Millis kSrttTriggerLow{20};
  // flagging (underline) on above / off at or below (send_interval).
  static constexpr Millis kFlagTriggerHigh{80};
  static constexpr Millis kFlagTriggerLow{50};
  // A guess pending this long raises glitch_trigger to kGlitchRepairCount.
  static constexpr Millis kGlitchThreshold{250};
  // A guess pending this long raises it to 2 * kGlitchRepairCount.
  static constexpr Millis kGlitchFlagThreshold{5000};
  static constexpr int kGlitchRepairCount = 10;
  // Quick confirmations lower glitch_trigger at most this often.
  static constexpr Millis kGlitchRepairMinInterval{150};
  // Blanks in a row that end the text an insertion moves right: what lies
  // beyond (a right-hand prompt, a window border) stays where it is.
  static constexpr int kShiftGapBlanks = 8;
  // Wake-up period while a timing trigger may still change.
  static constexpr Millis kTimerPeriod{50};
  // Decoded input events remembered while blind, to be guessed once
  // blind mode ends.
  static constexpr size_t kMaxBlindLog = 4 * kPasteThreshold;
  // Contexts remembered (echoing or refuted); the oldest is forgotten first.
  static constexpr size_t kMaxContexts = 64;

  explicit PredictionEngine(DisplayMode mode = DisplayMode::kAdaptive, bool overwrite = false);

  // Changing the mode drops every prediction.
  void set_display_mode(DisplayMode mode);
  bool overwrite() const { return overwrite_; }
  void set_overwrite(bool on) { overwrite_ = on; }

  // Bytes the user typed (after escape-key handling), in one read, with the
  // newest server screen. Judges outstanding guesses first (as Cull). A
  // read longer than kPasteThreshold is a paste: everything is reset and
  // nothing is predicted for it. No-op in kNever mode.
  void NewUserBytes(std::string_view bytes, const term::Framebuffer& server_fb, TimePoint now);

  // The newest client state number sent so far (guesses made now expire
  // at n + 1).
  void SetLocalFrameSent(uint64_t n) { local_frame_sent_ = n; }
  // The newest client state number the server acknowledged.
  void SetLocalFrameAcked(uint64_t n) { local_frame_acked_ = n; }
  // The echo_ack of the newest server state. Decreases are ignored.
  void SetEchoAck(uint64_t echo_ack);
  // The transport's current send interval (docs/protocol.md §5.3).
  void SetSendInterval(Millis interval) { send_interval_ = interval; }
  // The echo hint of the newest server state; nullopt (the start) for a
  // server that sends none.
  void SetTtyHint(const std::optional<TtyHint>& hint) { hint_ = hint; }

  // Judges guesses against the newest server screen: confirms epochs,
  // kills wrong tentative epochs, drops everything on a wrong drawn guess,
  // updates the triggers and glitch bookkeeping. A screen size different
  // from the last one seen resets everything.
  void Cull(const term::Framebuffer& server_fb, TimePoint now);

  // Drops every prediction; later guesses start a new (tentative) epoch.
  void Reset();
  // The local window was resized: same as Reset().
  void OnResize() { Reset(); }

  // When the caller should call Cull again: now + kTimerPeriod while
  // guesses are outstanding and a timing trigger (display or underline)
  // could still switch on; kNever otherwise.
  TimePoint NextWakeup(TimePoint now) const;

  // Draws the displayable guesses (confirmed epochs, display trigger on)
  // onto `fb`, which must be a copy of the server screen last given to
  // Cull/NewUserBytes: predicted cells (underlined while flagging) and the
  // predicted cursor. Only rows that change are obtained through
  // MutableRow, so other rows stay shared. Nothing outside the screen is
  // written; a screen of another size is left untouched.
  void Apply(term::Framebuffer* fb) const;

  // State for tests, benchmarks and the client.
  const PredictionStats& stats() const { return stats_; }
  bool srtt_trigger() const { return srtt_trigger_; }
  bool flagging() const { return flagging_; }
  int glitch_trigger() const { return glitch_trigger_; }
  uint64_t prediction_epoch() const { return prediction_epoch_; }
  uint64_t confirmed_epoch() const { return confirmed_epoch_; }
  uint64_t local_frame_acked() const { return local_frame_acked_; }
  // True while any guess (cell or cursor) is waiting to be judged.
  bool HasOutstanding() const;
  // True when Apply would draw anything at all (mode and triggers).
  bool ShouldDisplay() const;

 private:
  struct CellGuess {
    bool active = false;
    bool unknown = false;  // contents not guessable (last column after a shift)
    bool typed = false;    // a typed character (counted in stats)
    bool shown = false;    // displayable at the end of some call
    bool echoed = false;   // echo seen on the server screen
    uint64_t epoch = 0;
    uint64_t expiration_frame = 0;
    TimePoint predicted_at;
    uint64_t context = 0;             // first key after a line end: its context
    term::Cell replacement;           // one code point, or empty (blank)
    std::vector<char32_t> originals;  // server contents seen here (keys)
  };
  struct CursorGuess {
    int row = 0;
    int col = 0;
    uint64_t epoch = 0;
    uint64_t expiration_frame = 0;
  };
  enum class Validity { kPending, kCorrect, kCorrectNoCredit, kWrong };
  // One decoded input event typed while blind.
  struct BlindEvent {
    enum Kind { kCodePoint, kEscapeFinal, kUnguessable };
    uint64_t frame = 0;  // expiration frame when typed
    Kind kind = kCodePoint;
    char32_t value = 0;  // the code point or the escape final byte
    bool has_params = false;
  };

  // Byte-level input handling.
  void HandleByte(uint8_t b, const term::Framebuffer& fb, TimePoint now);
  void HandleCodePoint(char32_t cp, const term::Framebuffer& fb, TimePoint now);
  void HandleEscapeFinal(char32_t final, bool has_params, const term::Framebuffer& fb);
  // `view_current`: everything typed before this key has been answered;
  // `after_line_end`: it is the first key since a line end.
  void PredictChar(char32_t cp, const term::Framebuffer& fb, TimePoint now, bool view_current,
                   bool after_line_end);
  // True when typed keys must not be guessed at all: nothing echoes them.
  bool Silent(const term::Framebuffer& fb) const;
  // The text of `row` left of `col` and left of the text typed since the
  // last unguessable input, with runs of digits as one '0'.
  std::string PromptText(const term::Framebuffer& fb, int row, int col) const;
  // The context of a key typed at the server cursor (see the file comment);
  // 0 when there is none (no hint, blank text left of the cursor).
  uint64_t ContextOf(const term::Framebuffer& fb) const;
  // Whether `context` is remembered as echoing, and learning a judgement.
  bool RememberedEchoing(uint64_t context) const;
  void Learn(uint64_t context, bool echoed);
  void PredictBackspace(const term::Framebuffer& fb, TimePoint now);
  // The last column an insertion at (row, col) moves text into.
  int ShiftLimit(const term::Framebuffer& fb, int row, int col) const;
  void PredictCursorMove(int delta, const term::Framebuffer& fb);
  void NewlineCarriageReturn(const term::Framebuffer& fb, TimePoint now);
  // Unguessable input: opens a new epoch (and is logged while blind).
  void InputUnguessable();
  // Remembers an event typed while blind (see kMaxBlindLog).
  void LogBlind(const BlindEvent& event);
  // Once blind mode has ended: guesses the logged events the server has not
  // answered yet from `fb` and clears the log.
  void ReplayBlindLog(const term::Framebuffer& fb, TimePoint now);

  void BecomeTentative();
  void KillEpoch(uint64_t epoch);
  void DropAll();
  bool IsTentative(uint64_t epoch) const { return epoch > confirmed_epoch_; }
  // True while typed input is unjudged and the cursor guesses are lost.
  bool Blind() const { return echo_ack_ < blind_until_; }
  // True when moving left from (row, col) stays within text typed since
  // the last unguessable input (so never into a shell prompt).
  bool AboveFloor(int row, int col) const {
    return col > 0 && floor_row_ == row && col > floor_col_;
  }
  // The cursor as currently predicted (newest guess) or the server's.
  void PredictedCursor(const term::Framebuffer& fb, int* row, int* col) const;
  void AddCursorGuess(int row, int col);
  std::vector<CellGuess>& RowGuesses(int row);
  // Sets the guess at (row, col) to `cell` (or unknown).
  void SetGuess(int row, int col, const term::Cell& cell, bool unknown, bool typed,
                const term::Framebuffer& fb, TimePoint now);
  // What the overlay says for (row, col): an active guess or the server cell.
  // *unknown is set when that guess is unknown.
  term::Cell DisplayedCell(const term::Framebuffer& fb, int row, int col, bool* unknown) const;

  Validity Judge(const CellGuess& g, const term::Framebuffer& fb, int row, int col) const;
  bool CursorAgrees(const CursorGuess& c, const term::Framebuffer& fb) const;
  void UpdateTriggers();
  // Marks every currently displayable guess as shown (for stats).
  void MarkShown();
  void CullCells(const term::Framebuffer& fb, TimePoint now, bool* reset);
  void CullCursors(const term::Framebuffer& fb);
  // Deactivates a guess judged correct, counting it.
  void RetireCell(CellGuess* g);

  DisplayMode mode_;
  bool overwrite_;

  std::map<int, std::vector<CellGuess>> rows_;  // row -> one guess per column
  std::vector<CursorGuess> cursors_;            // oldest first

  uint64_t local_frame_sent_ = 0;
  uint64_t local_frame_acked_ = 0;
  uint64_t echo_ack_ = 0;
  uint64_t prediction_epoch_ = 1;
  uint64_t confirmed_epoch_ = 0;
  // Expiration frame of the newest typed byte, and the frame echo_ack must
  // reach before guessing resumes after a drop.
  uint64_t last_input_frame_ = 0;
  uint64_t blind_until_ = 0;
  // Input typed while blind, oldest first; the flag is set when some was
  // not logged (blind_until_ then covers it).
  std::vector<BlindEvent> blind_log_;
  bool blind_log_overflow_ = false;
  // Where the text typed since the last unguessable input begins (-1: no
  // such text); backspace and left arrow are predicted only right of it.
  int floor_row_ = -1;
  int floor_col_ = 0;

  Millis send_interval_{250};
  bool srtt_trigger_ = false;
  bool flagging_ = false;
  int glitch_trigger_ = 0;
  TimePoint last_quick_confirmation_{};

  int last_width_ = 0;
  int last_height_ = 0;

  std::optional<TtyHint> hint_;
  // The next key is the first since a line end (or since the start).
  bool after_line_end_ = true;
  // Set for the first input event of a NewUserBytes call when everything
  // typed before it has been answered.
  bool view_current_ = false;
  // Remembered contexts, oldest first: (context, echoes).
  std::vector<std::pair<uint64_t, bool>> contexts_;

  // Input decoding state.
  enum class EscState { kGround, kEscape, kCsi, kSs3 };
  EscState esc_state_ = EscState::kGround;
  bool csi_has_params_ = false;
  term::Utf8Decoder utf8_;

  PredictionStats stats_;
};

}  // namespace roam::predict

#endif  // ROAM_PREDICT_PREDICTION_ENGINE_H_
