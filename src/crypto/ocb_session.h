// OcbSession: seals and opens Mosh datagrams under one session key
// (docs/protocol.md §1.1-§1.4).
//
// Datagram layout (all of it is what goes in one UDP payload):
//
//   offset 0     8 bytes   nonce word, big-endian (bit 63 = direction,
//                          bits 0..62 = sender's counter; see nonce.h)
//   offset 8     N bytes   AES-128-OCB ciphertext of the N-byte plaintext
//   offset 8+N  16 bytes   OCB tag
//   total N + 24 bytes
//
// The 12-byte OCB nonce is 00 00 00 00 followed by the 8 wire bytes; there is
// no associated data (the nonce is authenticated because it feeds OCB).
//
// Usage limit: every Seal and every Open that authenticates adds ceil(N / 16)
// blocks to a per-session count (a datagram that fails authentication is not
// charged, so a sender without the key cannot exhaust it); once the count
// reaches the limit (2^47 blocks by default, as Mosh) every further call
// fails with kResourceExhausted and the session must end. Choosing nonce words, and never
// reusing one, is the caller's job (net::Connection).

#ifndef ROAM_CRYPTO_OCB_SESSION_H_
#define ROAM_CRYPTO_OCB_SESSION_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/aes128_ocb.h"
#include "crypto/key.h"

namespace roam::crypto {

class OcbSession {
 public:
  static constexpr size_t kNonceWordSize = 8;                                // bytes on the wire
  static constexpr size_t kOverhead = kNonceWordSize + Aes128Ocb::kTagSize;  // 24 bytes
  static constexpr uint64_t kDefaultBlockLimit = uint64_t{1} << 47;          // 16-byte blocks

  // `block_limit` exists so tests can show the limit firing; production code
  // uses the default.
  explicit OcbSession(const Key& key, uint64_t block_limit = kDefaultBlockLimit);
  OcbSession(OcbSession&&) noexcept = default;
  OcbSession& operator=(OcbSession&&) noexcept = default;

  struct Opened {
    uint64_t nonce_word;
    std::string plaintext;
  };

  // Returns the datagram BE64(nonce_word) || ciphertext || tag.
  // Errors: kResourceExhausted when the usage limit is reached (this call
  // included); nothing is sealed and the session must end.
  Result<std::string> Seal(uint64_t nonce_word, std::string_view plaintext);

  // Verifies and decrypts a datagram; only an authentic one is charged.
  // Errors: kMalformed if shorter than 24 bytes; kAuthFailed if the tag does
  // not match (drop it, keep going; nothing is charged); kResourceExhausted
  // when the usage limit is reached (the session must end).
  Result<Opened> Open(std::string_view datagram);

  // Blocks counted so far against the limit.
  uint64_t blocks_used() const { return blocks_used_; }
  uint64_t block_limit() const { return block_limit_; }

 private:
  // Adds the blocks of an n-byte message; false once the limit is reached.
  bool Charge(size_t n);

  Aes128Ocb cipher_;
  uint64_t block_limit_;
  uint64_t blocks_used_ = 0;
};

}  // namespace roam::crypto

#endif  // ROAM_CRYPTO_OCB_SESSION_H_
