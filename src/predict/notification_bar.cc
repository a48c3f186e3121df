// Texts and timing of the client's notification bar.

#include "predict/notification_bar.h"

#include <algorithm>
#include <cstdio>

namespace roam::predict {

using namespace std::chrono_literals;

namespace {

long long WholeSeconds(Duration d) {
  if (d < Duration::zero()) return 0;
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

std::string Clock(long long s) {
  char buf[64];
  if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
  }
  return buf;
}

}  // namespace

std::string FormatElapsed(Duration elapsed) {
  long long s = WholeSeconds(elapsed);
  if (s < 60) return std::to_string(s) + " seconds";
  return Clock(s);
}

std::string FormatElapsedShort(Duration elapsed) {
  long long s = WholeSeconds(elapsed);
  if (s < 60) return std::to_string(s) + " s";
  return Clock(s);
}

NotificationBar::NotificationBar(TimePoint now, std::string prefix)
    : prefix_(std::move(prefix)), last_state_at_(now), last_acked_(now) {}

void NotificationBar::SetMessage(std::string message, TimePoint now, bool permanent,
                                 bool with_quit_hint) {
  message_ = std::move(message);
  message_is_network_error_ = false;
  message_permanent_ = permanent;
  message_with_hint_ = with_quit_hint;
  message_expiry_ = now + kMessageLifetime;
}

void NotificationBar::ClearMessage() {
  message_.clear();
  message_permanent_ = false;
  message_is_network_error_ = false;
  message_expiry_ = TimePoint{};
}

void NotificationBar::SetNetworkError(std::string message, TimePoint now) {
  SetMessage(std::move(message), now);
  message_is_network_error_ = true;
  message_expiry_ = now + kNetworkErrorLifetime;
}

void NotificationBar::NoteSendSucceeded(TimePoint now) {
  if (message_is_network_error_ && MessageShowing(now)) {
    message_expiry_ = std::min(message_expiry_, now + kNetworkErrorClearWithin);
  }
}

void NotificationBar::ServerHeard(TimePoint when) {
  last_state_at_ = std::max(last_state_at_, when);
}

void NotificationBar::ServerAcked(TimePoint sent_at) {
  last_acked_ = std::max(last_acked_, sent_at);
}

bool NotificationBar::MessageShowing(TimePoint now) const {
  return !message_.empty() && (message_permanent_ || now < message_expiry_);
}

BarRender NotificationBar::Render(TimePoint now) const {
  BarRender out;
  const bool server_late = ServerLate(now);
  const bool reply_late = ReplyLate(now);
  const bool stale = server_late || reply_late;
  const bool showing = MessageShowing(now);

  // When the bar can next change without any event.
  TimePoint next = kNever;
  if (showing && !message_permanent_) next = message_expiry_;
  if (stale) {
    Duration since_contact = now - last_state_at_;
    next = std::min(next, now + (since_contact > kLongStaleAfter ? Duration(kLongStaleRefresh)
                                                                 : Duration(kStaleRefresh)));
  } else {
    // Turns stale just after these (the thresholds are "more than").
    next = std::min(next, last_state_at_ + kServerLate + 1ms);
    next = std::min(next, last_acked_ + kReplyLate + 1ms);
  }
  out.next_update = next;

  if (!showing && !stale) return out;

  const std::string_view what = server_late ? "contact" : "reply";
  const Duration since = server_late ? now - last_state_at_ : now - last_acked_;
  std::string text = prefix_;
  if (!showing) {
    text += "Last " + std::string(what) + " " + FormatElapsed(since) + " ago.";
    text += quit_hint_;
  } else {
    text += message_;
    if (stale) text += " (" + FormatElapsedShort(since) + " without " + std::string(what) + ".)";
    if (message_with_hint_) text += quit_hint_;
  }
  out.text = std::move(text);
  return out;
}

}  // namespace roam::predict
