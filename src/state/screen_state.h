// ScreenState: the server → client synced object of docs/protocol.md §7.1 — a
// terminal screen plus the echo-ack counter (Mosh calls it CompleteTerminal;
// it holds no emulator on either side, only the screen it synchronizes).
//
// On the server the live emulator runs elsewhere (it owns scrollback, the
// parser and the pty's query replies); each frame its framebuffer is copied
// in here with SetFramebuffer, which is cheap because rows are shared
// copy-on-write. DiffFrom encodes the change as a HostMessage: EchoAck (if it
// changed), ResizeMessage (if the size changed), then HostBytes made by the
// display diff in server mode, i.e. only sequences a stock mosh-client
// understands. On the client, Apply runs those bytes through roam's own
// emulator, so a roam client renders a stock mosh-server's output exactly as
// Mosh's client would.
//
// Peer input is never trusted: a malformed message, a decreasing echo-ack, a
// resize outside the emulator's limits, or host bytes that make the
// emulator answer a query (Mosh's client aborts on those) are rejected with a
// Status and the object is left unchanged.

#ifndef ROAM_STATE_SCREEN_STATE_H_
#define ROAM_STATE_SCREEN_STATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "base/status.h"
#include "state/echo_hint.h"
#include "state/history_state.h"
#include "state/roam_hello.h"
#include "term/framebuffer.h"

namespace roam::state {

class ScreenState {
 public:
  // A blank screen of the given size, echo-ack 0 (state 0 of either side).
  // REQUIRES: 1 <= cols, rows <= term::Emulator::kMaxDimension.
  ScreenState(int cols, int rows);
  // 80x24, the size Mosh assumes when it knows no better.
  ScreenState() : ScreenState(80, 24) {}

  const term::Framebuffer& fb() const { return fb_; }
  uint64_t echo_ack() const { return echo_ack_; }

  // Server: the screen to synchronize next.
  void SetFramebuffer(const term::Framebuffer& fb) { fb_ = fb; }
  // Server: REQUIRES: echo_ack >= echo_ack() (it never decreases; docs/protocol.md §7.3).
  void SetEchoAck(uint64_t echo_ack);

  // roam extensions (docs/protocol.md §8): the server's Welcome, sent only
  // to a client that said Hello. Invalid (version 0) until set.
  const RoamHello& welcome() const { return welcome_; }
  void SetWelcome(const RoamHello& welcome) { welcome_ = welcome; }
  // How the server's program ended (docs/protocol.md §8.3); nullopt while
  // it runs, and always for a stock server.
  const std::optional<int>& program_exit() const { return program_exit_; }
  void SetProgramExit(int status) { program_exit_ = status; }
  // The server pty's line discipline (docs/protocol.md §8.4); nullopt until
  // a roam server sent one, and always for a stock server.
  const std::optional<EchoHint>& echo_hint() const { return echo_hint_; }
  void SetEchoHint(const EchoHint& hint) { echo_hint_ = hint; }

  // How far the session's history has grown (docs/protocol.md §8.5); all
  // zero for a client without the history feature, and for a stock server.
  const HistoryState& history() const { return history_; }
  void SetHistory(HistoryState history) { history_ = std::move(history); }

  // SyncState interface (src/ssp/sync_state.h).
  friend bool operator==(const ScreenState& a, const ScreenState& b) {
    return a.echo_ack_ == b.echo_ack_ && a.welcome_ == b.welcome_ &&
           a.program_exit_ == b.program_exit_ && a.echo_hint_ == b.echo_hint_ &&
           a.history_ == b.history_ && a.fb_ == b.fb_;
  }
  void Subtract(const ScreenState& /*prefix*/) {}
  std::string DiffFrom(const ScreenState& old) const;
  std::string InitDiff() const;
  Status Apply(std::string_view diff);

 private:
  term::Framebuffer fb_;
  uint64_t echo_ack_ = 0;
  RoamHello welcome_;
  std::optional<int> program_exit_;
  std::optional<EchoHint> echo_hint_;
  HistoryState history_;
};

}  // namespace roam::state

#endif  // ROAM_STATE_SCREEN_STATE_H_
