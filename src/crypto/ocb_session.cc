// OcbSession: the Mosh datagram layout over Aes128Ocb. See ocb_session.h.

#include "crypto/ocb_session.h"

#include "base/byte_reader.h"
#include "base/byte_writer.h"

namespace roam::crypto {
namespace {

// The 12-byte OCB nonce: four zero bytes, then the 8 wire bytes.
std::string OcbNonce(uint64_t nonce_word) {
  std::string nonce(4, '\0');
  ByteWriter(&nonce).WriteU64(nonce_word);
  return nonce;
}

Status Exhausted() {
  return Status(StatusCode::kResourceExhausted, "key usage limit reached; the session must end");
}

}  // namespace

OcbSession::OcbSession(const Key& key, uint64_t block_limit)
    : cipher_(key), block_limit_(block_limit) {}

bool OcbSession::Charge(size_t n) {
  if (blocks_used_ >= block_limit_) return false;
  const uint64_t blocks = (static_cast<uint64_t>(n) + 15) / 16;
  if (blocks >= block_limit_ - blocks_used_) {
    blocks_used_ = block_limit_;
    return false;
  }
  blocks_used_ += blocks;
  return true;
}

Result<std::string> OcbSession::Seal(uint64_t nonce_word, std::string_view plaintext) {
  if (!Charge(plaintext.size())) return Exhausted();
  std::string datagram;
  datagram.reserve(plaintext.size() + kOverhead);
  ByteWriter(&datagram).WriteU64(nonce_word);
  cipher_.Encrypt(OcbNonce(nonce_word), /*ad=*/{}, plaintext, &datagram);
  return datagram;
}

Result<OcbSession::Opened> OcbSession::Open(std::string_view datagram) {
  if (datagram.size() < kOverhead) {
    return Malformed("datagram of " + std::to_string(datagram.size()) +
                     " bytes is shorter than 24");
  }
  // An exhausted key opens nothing; otherwise only an authentic datagram is
  // charged, so a sender without the key cannot use up the key's budget.
  if (blocks_used_ >= block_limit_) return Exhausted();
  ByteReader reader(datagram);
  Opened opened{};
  ROAM_CHECK(reader.ReadU64(&opened.nonce_word));
  if (!cipher_.Decrypt(OcbNonce(opened.nonce_word), /*ad=*/{}, reader.ReadRest(),
                       &opened.plaintext)) {
    return Status(StatusCode::kAuthFailed, "packet failed integrity check");
  }
  if (!Charge(datagram.size() - kOverhead)) return Exhausted();
  return opened;
}

}  // namespace roam::crypto
