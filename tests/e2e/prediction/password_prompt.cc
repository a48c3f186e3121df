// password_prompt: asks for a password the way sudo and OpenSSH's
// readpassphrase do, for tests that must never see the answer drawn: turn
// the terminal's echo off (discarding typeahead), print the prompt (the
// first argument), read one line, restore the terminal, print a newline and
// "read N" (the length, never the text). No privileges, no PAM.

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  const char* prompt = argc > 1 ? argv[1] : "Password: ";
  const int tty = open("/dev/tty", O_RDWR);
  if (tty < 0) return 2;
  termios saved{};
  if (tcgetattr(tty, &saved) != 0) return 2;
  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHOE | ECHOK | ECHONL);
  if (tcsetattr(tty, TCSAFLUSH, &quiet) != 0) return 2;
  if (write(tty, prompt, std::strlen(prompt)) < 0) return 2;
  std::string line;
  char c = 0;
  while (read(tty, &c, 1) == 1 && c != '\n') line.push_back(c);
  tcsetattr(tty, TCSAFLUSH, &saved);
  const std::string done = "\nread " + std::to_string(line.size()) + "\n";
  if (write(tty, done.data(), done.size()) < 0) return 2;
  close(tty);
  return 0;
}
