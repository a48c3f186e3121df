// The escape-key state machine.

#include "client/escape_key.h"

namespace roam::client {

namespace {

void AddSend(std::vector<EscapeEvent>* events, std::string_view bytes) {
  if (!events->empty() && events->back().kind == EscapeEvent::Kind::kSend) {
    events->back().bytes.append(bytes);
  } else {
    events->push_back(EscapeEvent{EscapeEvent::Kind::kSend, std::string(bytes)});
  }
}

void Add(std::vector<EscapeEvent>* events, EscapeEvent::Kind kind) {
  events->push_back(EscapeEvent{kind, ""});
}

}  // namespace

EscapeKeyConfig EscapeKeyConfig::FromEnv(std::optional<std::string_view> value) {
  EscapeKeyConfig config;  // the default: Ctrl-^
  if (!value) return config;
  if (value->empty()) {
    config.enabled = false;
    config.name.clear();
    return config;
  }
  if (value->size() != 1) return config;
  const unsigned char k = static_cast<unsigned char>((*value)[0]);
  if (k < 1 || k > 127) return config;
  if (k == 0x03 || k == 0x04 || k == '\n' || k == 0x0C || k == '\r') return config;

  config.key = static_cast<char>(k);
  if (k < 0x20 || k == 0x7F) {
    config.pass_key = static_cast<char>(k ^ 0x40);  // k + 0x40 for k < 0x20; '?' for DEL
    config.pass_key_alt = config.pass_key;
    if (config.pass_key >= 'A' && config.pass_key <= 'Z') {
      config.pass_key_alt = static_cast<char>(config.pass_key - 'A' + 'a');
    }
    config.needs_newline = false;
    config.name = std::string("Ctrl-") + config.pass_key;
  } else {
    config.pass_key = static_cast<char>(k);
    config.pass_key_alt = static_cast<char>(k);
    config.needs_newline = true;
    config.name = std::string("\"") + static_cast<char>(k) + "\"";
  }
  return config;
}

std::string EscapeKeyConfig::HelpText() const {
  if (!enabled) return "";
  return std::string("Commands: Ctrl-Z suspends, \".\" quits, \"") + pass_key +
         "\" gives literal " + name;
}

std::string EscapeKeyConfig::QuitHint() const {
  if (!enabled) return "";
  return " [To quit: " + name + " .]";
}

std::vector<EscapeEvent> EscapeKey::Feed(std::string_view typed) {
  std::vector<EscapeEvent> events;
  for (char c : typed) {
    if (!config_.enabled) {
      AddSend(&events, std::string_view(&c, 1));
      continue;
    }
    if (waiting_) {
      waiting_ = false;
      Add(&events, EscapeEvent::Kind::kClearHelp);
      if (c == '.') {
        Add(&events, EscapeEvent::Kind::kQuit);
      } else if (c == 0x1A) {
        Add(&events, EscapeEvent::Kind::kSuspend);
      } else if (c == config_.pass_key || c == config_.pass_key_alt) {
        AddSend(&events, std::string_view(&config_.key, 1));
      } else {
        AddSend(&events, std::string_view(&config_.key, 1));
        AddSend(&events, std::string_view(&c, 1));
      }
      after_newline_ = (c == '\r' || c == '\n');
      continue;
    }
    if (c == config_.key && (!config_.needs_newline || after_newline_)) {
      waiting_ = true;
      Add(&events, EscapeEvent::Kind::kShowHelp);
      continue;
    }
    AddSend(&events, std::string_view(&c, 1));
    after_newline_ = (c == '\r' || c == '\n');
  }
  return events;
}

}  // namespace roam::client
