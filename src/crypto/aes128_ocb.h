// Aes128Ocb: the raw AES-128-OCB AEAD (RFC 7253, "OCB3") with a 96-bit nonce
// and a 128-bit tag.
//
// This is the primitive only: any 12-byte nonce, optional associated data, and
// output laid out as ciphertext || tag (ciphertext as long as the plaintext,
// tag 16 bytes). The datagram layout, nonce words and usage limits of the
// Mosh protocol live in OcbSession, which is what the rest of roam uses; this
// class is public so that the RFC 7253 Appendix A vectors (which use other
// nonces and associated data) can be checked against exactly the code path
// OcbSession runs.
//
// The OCB mode is implemented here (RFC 7253 §4) over the AES block cipher:
// the AES-NI instructions where the CPU has them, else OpenSSL's portable
// AES_encrypt / AES_decrypt. Going through EVP instead made OpenSSL load and
// register its whole default provider, some 2 MiB of resident memory in
// every roam-client for one cipher. The key schedules and the key-dependent
// offsets (L_*, L_$, L_i) are computed once per key; each message costs one
// extra block encryption for its nonce. Not thread-safe: one instance per
// thread.

#ifndef ROAM_CRYPTO_AES128_OCB_H_
#define ROAM_CRYPTO_AES128_OCB_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/key.h"

namespace roam::crypto {

class Aes128Ocb {
 public:
  static constexpr size_t kNonceSize = 12;  // bytes
  static constexpr size_t kTagSize = 16;    // bytes

  // Expands `key` (both AES key schedules and OCB's L values).
  explicit Aes128Ocb(const Key& key);
  Aes128Ocb(Aes128Ocb&& other) noexcept;
  Aes128Ocb& operator=(Aes128Ocb&& other) noexcept;
  Aes128Ocb(const Aes128Ocb&) = delete;
  Aes128Ocb& operator=(const Aes128Ocb&) = delete;
  // Wipes the key schedules and the L values.
  ~Aes128Ocb();

  // Appends ciphertext || tag (plaintext.size() + 16 bytes) to `*out`.
  // REQUIRES: nonce.size() == kNonceSize; plaintext and ad shorter than 2^31.
  void Encrypt(std::string_view nonce, std::string_view ad, std::string_view plaintext,
               std::string* out);

  // Verifies and decrypts `sealed` = ciphertext || tag. On success replaces
  // `*plaintext` with the plaintext and returns true; on a tag mismatch or a
  // `sealed` shorter than the tag returns false and leaves `*plaintext` empty
  // (no unauthenticated bytes are released).
  // REQUIRES: nonce.size() == kNonceSize.
  bool Decrypt(std::string_view nonce, std::string_view ad, std::string_view sealed,
               std::string* plaintext);

  // Whether this instance uses the AES-NI instructions.
  bool uses_aes_ni() const;
  // Tests: instances made while `on` use the portable AES even where AES-NI
  // is available, so both paths meet the same vectors.
  static void UsePortableAesForTesting(bool on);

 private:
  struct Schedule;  // AES key schedules and OCB's key-dependent values
  std::unique_ptr<Schedule> schedule_;
};

}  // namespace roam::crypto

#endif  // ROAM_CRYPTO_AES128_OCB_H_
