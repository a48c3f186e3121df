// Key: the 16-byte AES-128 session key and its 22-character text form.
//
// mosh-server prints the key on its CONNECT line and mosh-client reads it from
// MOSH_KEY (docs/protocol.md §0.3): standard base64 (RFC 4648 §4 alphabet A-Z a-z 0-9 + /)
// of the 16 bytes with the trailing "==" removed, so exactly 22 characters
// whose last one carries 2 data bits and 4 zero bits (one of A Q g w).
//
// The bytes are wiped (OPENSSL_cleanse) when a Key is destroyed, moved from or
// assigned over. Copies are allowed (each copy is wiped in turn). There is
// deliberately no operator<< so that a key cannot end up in a log by accident.

#ifndef ROAM_CRYPTO_KEY_H_
#define ROAM_CRYPTO_KEY_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace roam::crypto {

class Key {
 public:
  static constexpr size_t kSize = 16;          // bytes (AES-128)
  static constexpr size_t kBase64Length = 22;  // characters, no padding

  // 16 bytes from OpenSSL's CSPRNG (RAND_bytes). Aborts (ROAM_CHECK) if the
  // generator fails: there is no safe way to continue without a key.
  static Key Generate();

  // Parses the 22-character text form, accepting exactly what mosh-client
  // accepts: 22 characters of the standard base64 alphabet (no '=', no
  // whitespace) that decode to 16 bytes and re-encode to the same text (the
  // last character is one of A Q g w). Errors: kInvalidArgument with a message
  // fit for the user; the message never contains the key text.
  static Result<Key> FromBase64(std::string_view text);

  // The key from raw bytes (tests, known-answer vectors).
  // REQUIRES: bytes.size() == kSize.
  static Key FromBytes(std::string_view bytes);

  Key(const Key& other);
  Key& operator=(const Key& other);
  // The moved-from key is left all zero.
  Key(Key&& other) noexcept;
  Key& operator=(Key&& other) noexcept;
  ~Key();

  // The 22-character text form (inverse of FromBase64).
  std::string ToBase64() const;

  // The raw bytes, for the cipher. Valid while this Key lives.
  const uint8_t* data() const { return bytes_.data(); }

  friend bool operator==(const Key& a, const Key& b);  // constant time
  friend bool operator!=(const Key& a, const Key& b) { return !(a == b); }

 private:
  Key();
  void Wipe();

  std::array<uint8_t, kSize> bytes_;
};

}  // namespace roam::crypto

#endif  // ROAM_CRYPTO_KEY_H_
