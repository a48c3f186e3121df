// Fuzz target: SplitShellWords and ShellQuote. Splitting arbitrary text must
// not abort; quoting the words it returns and splitting again must give the
// same words back.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/check.h"
#include "client/shell_words.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  roam::Result<std::vector<std::string>> words = roam::client::SplitShellWords(text);
  if (!words.ok()) return 0;
  std::string quoted;
  for (const std::string& w : *words) {
    if (!quoted.empty()) quoted += ' ';
    quoted += roam::client::ShellQuote(w);
  }
  roam::Result<std::vector<std::string>> again = roam::client::SplitShellWords(quoted);
  ROAM_CHECK(again.ok());
  ROAM_CHECK(*again == *words);
  return 0;
}
