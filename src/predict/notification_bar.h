// NotificationBar: the one-line status bar on the client's top row.
//
// It appears when a message is set (the escape-key help, "Exiting on user
// request...", a network error) or when the connection looks stale:
//   * server late: more than 6500 ms since the newest server state arrived
//     (the server's 3 s heartbeats keep this fresh on a healthy link);
//   * reply late: more than 10000 ms since the send time of the newest client
//     state the server has acknowledged.
// Texts, with <prefix> "roam: " by default and %s the quit hint:
//   stale, no message:   "<prefix>Last contact <T> ago.%s" ("reply" instead
//                        of "contact" when only the reply is late)
//   message, not stale:  "<prefix><message>%s"
//   message and stale:   "<prefix><message> (<T'> without contact.)%s"
// <T> is "N seconds" below a minute, "M:SS" below an hour, else "H:MM:SS";
// <T'> says "N s" instead of "N seconds". The texts and timings are Mosh's
// (docs/protocol.md §13.3); only the prefix differs, because this is roam's own client:
// pass "mosh: " to look exactly like mosh-client.
//
// Timing: ordinary messages expire after 1 s unless permanent; network
// errors stay 3.1 s and go within 1 s after a successful send; while stale
// the bar is redrawn every 1 s, every 3 s once contact is more than 60 s old.
// Render() returns the text (or none) and when to call it again. Pure logic
// on injected time; drawing it onto a framebuffer is the client's job, in the
// colours of kBarColors.

#ifndef ROAM_PREDICT_NOTIFICATION_BAR_H_
#define ROAM_PREDICT_NOTIFICATION_BAR_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace roam::predict {

inline constexpr auto kServerLate =
    std::chrono::milliseconds(6500);  // no server state for longer: stale
inline constexpr auto kReplyLate =
    std::chrono::seconds(10);  // no ack of our states for longer: stale
inline constexpr auto kMessageLifetime = std::chrono::seconds(1);  // ordinary messages
inline constexpr auto kNetworkErrorLifetime = std::chrono::milliseconds(3100);
inline constexpr auto kNetworkErrorClearWithin =
    std::chrono::seconds(1);  // after a successful send
inline constexpr auto kStaleRefresh = std::chrono::seconds(1);
inline constexpr auto kLongStaleRefresh = std::chrono::seconds(3);
inline constexpr auto kLongStaleAfter = std::chrono::seconds(60);

inline constexpr std::string_view kDefaultBarPrefix = "roam: ";

// How the bar is drawn. The bar takes row 0: the whole row white on blue,
// the text bold white on blue, and the cursor hidden if it is on row 0.
struct BarColors {
  int foreground = 7;  // ANSI colour index: white (SGR 37)
  int background = 4;  // ANSI colour index: blue (SGR 44)
  bool text_bold = true;
  int row = 0;
};
inline constexpr BarColors kBarColors{};

// "N seconds" (< 60 s), "M:SS" (< 1 h), else "H:MM:SS". Whole seconds,
// rounded down; negative durations count as 0.
std::string FormatElapsed(Duration elapsed);
// As FormatElapsed but "N s" below a minute.
std::string FormatElapsedShort(Duration elapsed);

struct BarRender {
  std::optional<std::string> text;  // nullopt: no bar
  TimePoint next_update = kNever;   // when the text may change by itself
};

class NotificationBar {
 public:
  // Both "last heard" times start at `now`, so a session that never hears
  // from the server turns stale 6.5 s after it starts.
  explicit NotificationBar(TimePoint now, std::string prefix = std::string(kDefaultBarPrefix));

  // The text appended to most messages, e.g. " [To quit: Ctrl-^ .]"; empty
  // when there is no escape key.
  void SetQuitHint(std::string hint) { quit_hint_ = std::move(hint); }

  // Shows `message` from `now` for kMessageLifetime, or until replaced or
  // cleared if `permanent`. `with_quit_hint` false leaves the hint out (the
  // escape-key help text carries its own).
  void SetMessage(std::string message, TimePoint now, bool permanent = false,
                  bool with_quit_hint = true);
  void ClearMessage();

  // A network send error ("sendto: Network is unreachable"), for
  // kNetworkErrorLifetime.
  void SetNetworkError(std::string message, TimePoint now);
  // A send succeeded at `now`: a showing network error goes within
  // kNetworkErrorClearWithin.
  void NoteSendSucceeded(TimePoint now);

  // A new server state arrived at `when`.
  void ServerHeard(TimePoint when);
  // The server acknowledged a client state that was sent at `sent_at`.
  void ServerAcked(TimePoint sent_at);

  bool ServerLate(TimePoint now) const { return now - last_state_at_ > kServerLate; }
  bool ReplyLate(TimePoint now) const { return now - last_acked_ > kReplyLate; }

  // The bar's text at `now` and when to render again.
  BarRender Render(TimePoint now) const;

 private:
  bool MessageShowing(TimePoint now) const;

  std::string prefix_;
  std::string quit_hint_;
  std::string message_;
  bool message_is_network_error_ = false;
  bool message_permanent_ = false;
  bool message_with_hint_ = true;
  TimePoint message_expiry_{};
  TimePoint last_state_at_;
  TimePoint last_acked_;
};

}  // namespace roam::predict

#endif  // ROAM_PREDICT_NOTIFICATION_BAR_H_
