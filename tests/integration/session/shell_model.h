// ShellModel: the program on the pty in the core integration tests, with
// the line discipline's echo state a real pty would have.
//
// It answers typed bytes with what a shell on a real terminal would print,
// and Modes() says what roam-server would read from the pty's master at
// that moment (tcgetattr's ECHO and ICANON, tcgetpgrp). Two styles:
//   * kCanonical (dash): the line is read in canonical mode with ECHO, so
//     the "kernel" echoes each printable key;
//   * kReadline (bash): the line is read in raw mode without ECHO and the
//     shell echoes each key itself; the prompt carries a command counter
//     ("1 $ "), as `PS1='\# $ '` does.
// Commands, run at Enter:
//   * `read -s`: reads a line in canonical mode without ECHO (a builtin:
//     the shell's process group), then prints a newline and the prompt;
//   * `sudo true`: another program (group kSudoGroup) turns ECHO off, then
//     prints "[sudo] password for ann: " and reads a line;
//   * `less`: a pager (group kPagerGroup) in raw mode without ECHO that
//     ignores every key but `q`, which quits;
//   * any other command prints nothing.
// Everything happens the instant the input arrives, except what a test
// does through SetModes (a program changing modes silently, later).

#ifndef ROAM_TESTS_INTEGRATION_SESSION_SHELL_MODEL_H_
#define ROAM_TESTS_INTEGRATION_SESSION_SHELL_MODEL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "state/echo_hint.h"

namespace roam::testing {

class ShellModel {
 public:
  enum class Style { kCanonical, kReadline };
  static constexpr std::string_view kPrompt = "$ ";
  static constexpr uint64_t kShellGroup = 100;
  static constexpr uint64_t kSudoGroup = 200;
  static constexpr uint64_t kPagerGroup = 300;

  explicit ShellModel(Style style = Style::kCanonical) : style_(style) { EnterShell(); }

  std::string Start() { return Prompt(); }

  std::string OnInput(std::string_view bytes) {
    std::string out;
    for (char c : bytes) {
      switch (reading_) {
        case Reading::kSecret:
          if (c == '\r') {
            out += "\r\n";
            EnterShell();
            out += Prompt();
          }
          break;
        case Reading::kPager:
          if (c == 'q') {
            out += "\x1b[?1049l";
            EnterShell();
            out += Prompt();
          }
          break;
        case Reading::kLine:
          if (c == '\r') {
            out += "\r\n";
            out += Run(line_);
            line_.clear();
          } else if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) {
            // Echoed by the kernel (canonical) or by the shell (readline):
            // the same bytes.
            line_.push_back(c);
            out.push_back(c);
          }
          break;
      }
    }
    return out;
  }

  // What tcgetattr and tcgetpgrp on the pty's master would report now.
  const state::EchoHint& Modes() const { return modes_; }
  // A program changing the modes without printing anything.
  void SetModes(const state::EchoHint& modes) { modes_ = modes; }

 private:
  enum class Reading { kLine, kSecret, kPager };

  void EnterShell() {
    reading_ = Reading::kLine;
    modes_ = style_ == Style::kCanonical ? state::EchoHint{true, true, kShellGroup}
                                         : state::EchoHint{false, false, kShellGroup};
  }

  std::string Prompt() {
    ++commands_;
    if (style_ == Style::kCanonical) return std::string(kPrompt);
    return std::to_string(commands_) + " " + std::string(kPrompt);
  }

  std::string Run(const std::string& command) {
    if (command == "read -s") {
      reading_ = Reading::kSecret;
      modes_ = state::EchoHint{false, true, kShellGroup};
      return "";
    }
    if (command == "sudo true") {
      reading_ = Reading::kSecret;
      modes_ = state::EchoHint{false, true, kSudoGroup};
      return "[sudo] password for ann: ";
    }
    if (command == "less") {
      reading_ = Reading::kPager;
      modes_ = state::EchoHint{false, false, kPagerGroup};
      std::string screen = "\x1b[?1049h\x1b[H\x1b[2J";
      for (int i = 1; i <= 5; ++i) screen += "line " + std::to_string(i) + "\r\n";
      return screen + ":";
    }
    return Prompt();
  }

  Style style_;
  Reading reading_ = Reading::kLine;
  state::EchoHint modes_;
  std::string line_;
  int commands_ = 0;
};

}  // namespace roam::testing

#endif  // ROAM_TESTS_INTEGRATION_SESSION_SHELL_MODEL_H_
