// Shell words: splitting a command string (--ssh, --server) into words the
// way a POSIX shell would, without expansion, and quoting a word so that a
// shell reads it back literally.

#ifndef ROAM_CLIENT_SHELL_WORDS_H_
#define ROAM_CLIENT_SHELL_WORDS_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace roam::client {

// Splits `text` into words like a POSIX shell without expansion: blanks
// separate words; '...' is literal; "..." allows \" \\ \$ \` escapes;
// a backslash outside quotes escapes the next character.
// Errors: InvalidArgument on an unterminated quote or trailing backslash.
Result<std::vector<std::string>> SplitShellWords(std::string_view text);

// Wraps `word` in single quotes, an embedded ' becoming '\''.
std::string ShellQuote(std::string_view word);

}  // namespace roam::client

#endif  // ROAM_CLIENT_SHELL_WORDS_H_
