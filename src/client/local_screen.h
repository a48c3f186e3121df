// LocalScreen: how roam-client uses the user's terminal — the alternate
// screen as Mosh does, or the normal screen with native scrollback
// (docs/protocol.md §8.5).
//
// Mosh draws in the alternate screen, so nothing a session shows ever
// reaches the terminal's own scrollback. When the server's Welcome agrees to
// native scrollback, the client draws in the normal screen instead and
// writes every line that leaves the remote primary screen into the
// terminal's history: HistorySync decides which lines, and PushToScrollback
// writes them before the frame that follows them is drawn. The choice needs
// the server's first state, so nothing is drawn before it, unless the
// notification bar has something to say first: then the alternate screen is
// entered as Mosh does, and left again should a Welcome for native
// scrollback come after all. Entering the normal screen scrolls what the
// terminal showed above the cursor into its history, so nothing of the
// user's is overwritten.
//
// The normal screen follows the terminal's own resizing the way tmux (and
// VTE, kitty) resize: a terminal that shrinks scrolls rows off its top into
// its history — the server's emulator does the same and names those lines,
// which are then not written again — and one that grows brings its newest
// history lines back onto the screen, which the client scrolls off again
// (as many as it knows the history holds). Until the server's screen has
// the new size, the frame drawn is the old one resized by the same rule.

#ifndef ROAM_CLIENT_LOCAL_SCREEN_H_
#define ROAM_CLIENT_LOCAL_SCREEN_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "base/clock.h"
#include "channel/mux.h"
#include "client/history_sync.h"
#include "state/screen_state.h"
#include "term/display.h"
#include "term/framebuffer.h"

namespace roam::client {

struct LocalScreenConfig {
  // Ask for native scrollback, catching up on at most this many lines;
  // 0: never (the alternate screen, as Mosh).
  size_t scrollback_lines = 10000;
  std::string alternate_enter;  // smcup ("" when there is none, or none wanted)
  std::string alternate_exit;   // rmcup
  term::DisplayCapabilities display;
};

class LocalScreen {
 public:
  enum class Mode { kUndecided, kAlternate, kNormal };

  // `cols` x `rows`: the terminal's size.
  LocalScreen(LocalScreenConfig config, int cols, int rows);

  Mode mode() const { return mode_; }
  bool normal() const { return mode_ == Mode::kNormal; }
  bool alternate() const { return mode_ == Mode::kAlternate; }
  // The display for frames in the normal screen.
  const term::Display& normal_display() const { return normal_display_; }
  const HistorySync& history() const { return sync_; }

  // ---- events ----

  // A new server state (its Welcome and its history).
  void OnRemoteState(const state::ScreenState& remote, TimePoint now);
  // The terminal is now `cols` x `rows`; `drawn` is what it showed before.
  void OnWindowSize(int cols, int rows, const std::optional<term::Framebuffer>& drawn);
  // The terminal was given back and taken again (suspend).
  void OnResumed();
  // Runs the history channel (`mux` may be null). `settle`: how long a flood
  // of output must have paused before missed lines are fetched.
  void Run(channel::Mux* mux, TimePoint now, Duration settle);
  TimePoint NextWakeup(TimePoint now, Duration settle) const;

  // ---- drawing ----

  // Appends what must precede the next frame (entering or leaving the
  // alternate screen, taking the normal one, scrolling off lines a grown
  // terminal brought back) and returns whether a frame may be drawn (not
  // until the mode is known). `bar`: the notification bar wants to show.
  // Sets *repaint when the terminal's contents are no longer known.
  bool BeginFrame(bool have_remote_state, bool bar, bool* repaint, std::string* out);
  // The frame to draw for `remote`: in the normal screen always the
  // terminal's size.
  term::Framebuffer Frame(const term::Framebuffer& remote) const;
  // Normal screen: appends the bytes that write the history lines that are
  // ready into the terminal's scrollback, and updates *drawn (what the
  // terminal shows; nullopt or `repaint`: not known).
  void WriteHistory(std::optional<term::Framebuffer>* drawn, bool repaint, std::string* out);
  // After the session's last frame: what puts the cursor at the start of a
  // line below it (normal screen), so that what follows does not overwrite
  // the session's last line.
  std::string LeaveText(const std::optional<term::Framebuffer>& drawn) const;

  // Lines the client believes the terminal's history holds (for growing).
  uint64_t local_history_lines() const { return local_history_; }

 private:
  LocalScreenConfig config_;
  term::Display normal_display_;
  HistorySync sync_;
  Mode mode_ = Mode::kUndecided;
  bool welcome_history_ = false;  // the server agreed to native scrollback
  bool take_screen_ = false;      // scroll the terminal's screen away first
  uint64_t uncover_ = 0;          // lines a grown terminal brought back
  uint64_t local_history_ = 0;
  int cols_;
  int rows_;
};

}  // namespace roam::client

#endif  // ROAM_CLIENT_LOCAL_SCREEN_H_
