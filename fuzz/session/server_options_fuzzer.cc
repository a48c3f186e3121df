// Fuzz target: ParseServerOptions on arbitrary argument lists (the input is
// split on NUL bytes into argv words). Parsing must never abort, and what it
// accepts must satisfy the documented limits.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/check.h"
#include "session/server_options.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> args;
  std::string word;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(word);
      word.clear();
    } else {
      word.push_back(static_cast<char>(data[i]));
    }
  }
  if (!word.empty()) args.push_back(word);

  roam::Result<roam::session::ServerOptions> r = roam::session::ParseServerOptions(args);
  if (!r.ok()) {
    ROAM_CHECK(r.status().code() == roam::StatusCode::kInvalidArgument);
    ROAM_CHECK(!r.status().message().empty());
    return 0;
  }
  if (r->port && r->port->low != r->port->high) {
    ROAM_CHECK(r->port->low >= 1 && r->port->low <= r->port->high);
  }
  ROAM_CHECK(r->colors >= 0);
  for (const std::string& var : r->locale_vars) {
    ROAM_CHECK(var.find('=') != std::string::npos && var[0] != '=');
  }
  return 0;
}
