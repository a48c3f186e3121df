// Fuzz target: the SOCKS5 handshake of -D fed a client's bytes in pieces
// whose sizes the input chooses. Checks that nothing crashes, that the held
// bytes stay within the handshake's bound, and that a finished handshake
// names a target.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "service/socks5.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.empty()) return 0;
  // The first byte picks the piece size (1..64).
  const size_t piece = 1 + static_cast<uint8_t>(input[0]) % 64;
  input.remove_prefix(1);
  roam::service::Socks5Server socks;
  for (size_t i = 0; i < input.size(); i += piece) {
    const std::string reply = socks.Feed(input.substr(i, piece));
    ROAM_CHECK(reply.size() <= 12);
    if (socks.state() == roam::service::Socks5Server::State::kFailed) break;
  }
  if (socks.state() == roam::service::Socks5Server::State::kDone) {
    ROAM_CHECK(!socks.target().host.empty());
  }
  return 0;
}
