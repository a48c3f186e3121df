// Hex conversion for the crypto tests' known-answer vectors.

#ifndef ROAM_TESTS_UNIT_CRYPTO_HEX_H_
#define ROAM_TESTS_UNIT_CRYPTO_HEX_H_

#include <cctype>
#include <string>
#include <string_view>

namespace roam::crypto::testing {

// Decodes hex digits, skipping spaces. REQUIRES: an even number of digits.
inline std::string FromHex(std::string_view hex) {
  std::string out;
  int high = -1;
  for (char c : hex) {
    if (c == ' ') continue;
    int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<char>(high * 16 + v));
      high = -1;
    }
  }
  return out;
}

inline std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

}  // namespace roam::crypto::testing

#endif  // ROAM_TESTS_UNIT_CRYPTO_HEX_H_
