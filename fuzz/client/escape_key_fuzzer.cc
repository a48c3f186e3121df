// Fuzz target: the escape-key state machine. The first byte is the
// MOSH_ESCAPE_KEY value (0 = unset, 0xFF = empty string); the rest is typed.
// Feeding byte by byte must give the same events as feeding all at once, and
// with the escape key disabled every byte must be sent unchanged.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/check.h"
#include "client/escape_key.h"

namespace {

using roam::client::EscapeEvent;

void Append(std::vector<EscapeEvent>* all, const std::vector<EscapeEvent>& more) {
  for (const EscapeEvent& e : more) {
    if (e.kind == EscapeEvent::Kind::kSend && !all->empty() &&
        all->back().kind == EscapeEvent::Kind::kSend) {
      all->back().bytes += e.bytes;
    } else {
      all->push_back(e);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::optional<std::string> env;
  if (data[0] == 0xFF) {
    env = "";
  } else if (data[0] != 0) {
    env = std::string(1, static_cast<char>(data[0]));
  }
  roam::client::EscapeKeyConfig config = roam::client::EscapeKeyConfig::FromEnv(env);
  std::string_view typed(reinterpret_cast<const char*>(data + 1), size - 1);

  roam::client::EscapeKey whole(config);
  std::vector<EscapeEvent> at_once = whole.Feed(typed);

  roam::client::EscapeKey bytewise(config);
  std::vector<EscapeEvent> one_by_one;
  for (char c : typed) Append(&one_by_one, bytewise.Feed(std::string_view(&c, 1)));
  ROAM_CHECK(at_once == one_by_one);

  size_t sent = 0;
  int shown = 0;
  for (const EscapeEvent& e : at_once) {
    if (e.kind == EscapeEvent::Kind::kSend) sent += e.bytes.size();
    if (e.kind == EscapeEvent::Kind::kShowHelp) ++shown;
    if (e.kind == EscapeEvent::Kind::kClearHelp) --shown;
    ROAM_CHECK(shown == 0 || shown == 1);
  }
  // An escape sequence sends at most as many bytes as were typed.
  ROAM_CHECK(sent <= typed.size());
  if (!config.enabled) {
    ROAM_CHECK(typed.empty() || (at_once.size() == 1 && at_once[0].bytes == typed));
  }
  return 0;
}
