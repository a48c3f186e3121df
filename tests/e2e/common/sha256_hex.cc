#include "e2e/common/sha256_hex.h"

#include <openssl/evp.h>

#include <cstdio>

namespace roam::testing {

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[32];
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &n, EVP_sha256(), nullptr);
  std::string hex;
  char b[3];
  for (unsigned int i = 0; i < n; ++i) {
    std::snprintf(b, sizeof b, "%02x", digest[i]);
    hex += b;
  }
  return hex;
}

}  // namespace roam::testing
