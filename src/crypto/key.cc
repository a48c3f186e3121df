// Key: generation, base64 text form and wiping. See key.h.

#include "crypto/key.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstring>

#include "base/check.h"

namespace roam::crypto {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The 6-bit value of a standard base64 character, or -1.
int DecodeChar(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

Key::Key() { bytes_.fill(0); }

Key Key::Generate() {
  Key key;
  ROAM_CHECK(RAND_bytes(key.bytes_.data(), static_cast<int>(key.bytes_.size())) == 1);
  return key;
}

Key Key::FromBytes(std::string_view bytes) {
  ROAM_CHECK(bytes.size() == kSize);
  Key key;
  std::memcpy(key.bytes_.data(), bytes.data(), kSize);
  return key;
}

Result<Key> Key::FromBase64(std::string_view text) {
  if (text.size() != kBase64Length) {
    return InvalidArgument("MOSH_KEY must be 22 base64 characters, got " +
                           std::to_string(text.size()));
  }
  // 22 characters carry 132 bits: the 128 key bits, then 4 bits that must be
  // zero for the text to re-encode to itself.
  Key key;
  uint32_t acc = 0;
  int bits = 0;
  size_t out = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    int v = DecodeChar(text[i]);
    if (v < 0) {
      return InvalidArgument("MOSH_KEY has a character outside the base64 alphabet at position " +
                             std::to_string(i + 1));
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      key.bytes_[out++] = static_cast<uint8_t>((acc >> bits) & 0xFF);
    }
  }
  ROAM_CHECK(out == kSize && bits == 4);
  const bool trailing_zero = (acc & 0xF) == 0;
  OPENSSL_cleanse(&acc, sizeof(acc));
  if (!trailing_zero) {
    return InvalidArgument(
        "MOSH_KEY is not a canonical key encoding (its last character must be one of A Q g w)");
  }
  return key;
}

std::string Key::ToBase64() const {
  std::string text;
  text.reserve(kBase64Length);
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : bytes_) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      text.push_back(kAlphabet[(acc >> bits) & 0x3F]);
    }
  }
  // 128 bits = 21 characters + 2 bits left over, padded with 4 zero bits.
  text.push_back(kAlphabet[(acc << (6 - bits)) & 0x3F]);
  ROAM_CHECK(text.size() == kBase64Length);
  return text;
}

Key::Key(const Key& other) : bytes_(other.bytes_) {}

Key& Key::operator=(const Key& other) {
  if (this != &other) bytes_ = other.bytes_;
  return *this;
}

Key::Key(Key&& other) noexcept : bytes_(other.bytes_) { other.Wipe(); }

Key& Key::operator=(Key&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    other.Wipe();
  }
  return *this;
}

Key::~Key() { Wipe(); }

void Key::Wipe() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

bool operator==(const Key& a, const Key& b) {
  return CRYPTO_memcmp(a.bytes_.data(), b.bytes_.data(), Key::kSize) == 0;
}

}  // namespace roam::crypto
