// Fuzz target: ParseInstallReply, which reads the lines a remote host's
// install script prints (src/client/server_install.h). Any line must parse
// or be refused without aborting; a reply's detail is printable ASCII of at
// most 64 bytes, and a reply line without a CR reads the same with one.

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/check.h"
#include "client/server_install.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string line(reinterpret_cast<const char*>(data), size);
  std::optional<roam::client::InstallReply> reply = roam::client::ParseInstallReply(line);
  if (!reply) return 0;
  ROAM_CHECK(reply->detail.size() <= 64);
  for (char c : reply->detail) ROAM_CHECK(c > 0x20 && c < 0x7f);
  if (!line.empty() && line.back() == '\r') return 0;
  std::optional<roam::client::InstallReply> again = roam::client::ParseInstallReply(line + "\r");
  ROAM_CHECK(again && again->kind == reply->kind && again->detail == reply->detail);
  return 0;
}
