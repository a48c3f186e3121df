// Fuzz target: ConnectLineScanner on arbitrary ssh output (the remote host
// controls it). The first byte picks a split point; the result must not
// depend on how the bytes are chunked, and a found CONNECT line must hold a
// valid port and a 22-character base64 key.

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/check.h"
#include "bootstrap/connect_line.h"

namespace {

struct Outcome {
  std::string shown;
  std::optional<roam::bootstrap::ConnectInfo> connect;
  std::optional<std::string> ip;
};

Outcome ScanInChunks(std::string_view input, size_t chunk) {
  roam::bootstrap::ConnectLineScanner scanner;
  Outcome out;
  while (!input.empty()) {
    size_t n = std::min(chunk, input.size());
    out.shown += scanner.Feed(input.substr(0, n));
    input.remove_prefix(n);
  }
  out.shown += scanner.Finish();
  out.connect = scanner.connect();
  out.ip = scanner.ip();
  return out;
}

bool IsKeyChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
         c == '+';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = 1 + data[0] % 17;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  Outcome whole = ScanInChunks(input, input.size() + 1);
  Outcome pieces = ScanInChunks(input, chunk);
  // Overlong lines are flushed at a size that depends on chunking only when a
  // line exceeds the limit; inputs here are far below it in practice, but
  // compare only when no line is that long.
  if (input.size() <= roam::bootstrap::ConnectLineScanner::kMaxLineBytes) {
    ROAM_CHECK(whole.shown == pieces.shown);
    ROAM_CHECK(whole.connect == pieces.connect);
    ROAM_CHECK(whole.ip == pieces.ip);
  }
  // Nothing is invented: shown text is never longer than the input.
  ROAM_CHECK(whole.shown.size() <= input.size());
  if (whole.connect) {
    ROAM_CHECK(whole.connect->port >= 1);
    ROAM_CHECK(whole.connect->key.size() == roam::bootstrap::kConnectKeyLength);
    for (char c : whole.connect->key) ROAM_CHECK(IsKeyChar(c));
  }
  return 0;
}
