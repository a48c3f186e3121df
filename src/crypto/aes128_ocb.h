// Aes128Ocb: the raw AES-128-OCB AEAD (RFC 7253, "OCB3") with a 96-bit nonce
// and a 128-bit tag, through OpenSSL's EVP interface.
//
// This is the primitive only: any 12-byte nonce, optional associated data, and
// output laid out as ciphertext || tag (ciphertext as long as the plaintext,
// tag 16 bytes). The datagram layout, nonce words and usage limits of the
// Mosh protocol live in OcbSession, which is what the rest of roam uses; this
// class is public so that the RFC 7253 Appendix A vectors (which use other
// nonces and associated data) can be checked against exactly the code path
// OcbSession runs.
//
// The two EVP contexts (one per direction of the cipher) are created and keyed
// once; each message only re-initialises the nonce, which keeps the expanded
// key schedule. Not thread-safe: one instance per thread.

#ifndef ROAM_CRYPTO_AES128_OCB_H_
#define ROAM_CRYPTO_AES128_OCB_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "crypto/key.h"

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;

namespace roam::crypto {

class Aes128Ocb {
 public:
  static constexpr size_t kNonceSize = 12;  // bytes
  static constexpr size_t kTagSize = 16;    // bytes

  // Expands `key` into fresh EVP contexts. Aborts (ROAM_CHECK) if OpenSSL
  // cannot provide AES-128-OCB: roam cannot run without it.
  explicit Aes128Ocb(const Key& key);
  Aes128Ocb(Aes128Ocb&& other) noexcept;
  Aes128Ocb& operator=(Aes128Ocb&& other) noexcept;
  Aes128Ocb(const Aes128Ocb&) = delete;
  Aes128Ocb& operator=(const Aes128Ocb&) = delete;
  // Frees the contexts (OpenSSL wipes the key schedule).
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

 private:
  void Free();

  EVP_CIPHER_CTX* enc_ = nullptr;
  EVP_CIPHER_CTX* dec_ = nullptr;
};

}  // namespace roam::crypto

#endif  // ROAM_CRYPTO_AES128_OCB_H_
