// Aes128Ocb: AES-128-OCB through OpenSSL EVP. See aes128_ocb.h.

#include "crypto/aes128_ocb.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <climits>
#include <utility>

#include "base/check.h"

namespace roam::crypto {
namespace {

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Creates a context for one direction of the cipher, with the nonce and tag
// lengths fixed and the key expanded.
EVP_CIPHER_CTX* NewContext(const Key& key, bool encrypt) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  ROAM_CHECK(ctx != nullptr);
  const int enc = encrypt ? 1 : 0;
  ROAM_CHECK(EVP_CipherInit_ex(ctx, EVP_aes_128_ocb(), nullptr, nullptr, nullptr, enc) == 1);
  ROAM_CHECK(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN,
                                 static_cast<int>(Aes128Ocb::kNonceSize), nullptr) == 1);
  // With a null pointer this only sets the tag length (OCB needs it before
  // the key is set).
  ROAM_CHECK(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(Aes128Ocb::kTagSize),
                                 nullptr) == 1);
  ROAM_CHECK(EVP_CipherInit_ex(ctx, nullptr, nullptr, key.data(), nullptr, enc) == 1);
  return ctx;
}

}  // namespace

Aes128Ocb::Aes128Ocb(const Key& key)
    : enc_(NewContext(key, /*encrypt=*/true)), dec_(NewContext(key, /*encrypt=*/false)) {}

Aes128Ocb::Aes128Ocb(Aes128Ocb&& other) noexcept
    : enc_(std::exchange(other.enc_, nullptr)), dec_(std::exchange(other.dec_, nullptr)) {}

Aes128Ocb& Aes128Ocb::operator=(Aes128Ocb&& other) noexcept {
  if (this != &other) {
    Free();
    enc_ = std::exchange(other.enc_, nullptr);
    dec_ = std::exchange(other.dec_, nullptr);
  }
  return *this;
}

Aes128Ocb::~Aes128Ocb() { Free(); }

void Aes128Ocb::Free() {
  EVP_CIPHER_CTX_free(enc_);  // also cleanses the key schedule
  EVP_CIPHER_CTX_free(dec_);
  enc_ = nullptr;
  dec_ = nullptr;
}

void Aes128Ocb::Encrypt(std::string_view nonce, std::string_view ad, std::string_view plaintext,
                        std::string* out) {
  ROAM_CHECK(enc_ != nullptr);
  ROAM_CHECK(nonce.size() == kNonceSize);
  ROAM_CHECK(plaintext.size() < INT_MAX && ad.size() < INT_MAX);
  // Re-initialising with only a nonce keeps the expanded key.
  ROAM_CHECK(EVP_EncryptInit_ex(enc_, nullptr, nullptr, nullptr, Bytes(nonce)) == 1);
  int len = 0;
  if (!ad.empty()) {
    ROAM_CHECK(EVP_EncryptUpdate(enc_, nullptr, &len, Bytes(ad), static_cast<int>(ad.size())) == 1);
  }
  const size_t start = out->size();
  // OpenSSL may hold back a partial block until Final; the total is exactly
  // plaintext.size(). One spare block keeps every write inside the buffer.
  out->resize(start + plaintext.size() + kTagSize + 16);
  auto* dst = reinterpret_cast<unsigned char*>(out->data() + start);
  size_t written = 0;
  if (!plaintext.empty()) {
    ROAM_CHECK(EVP_EncryptUpdate(enc_, dst, &len, Bytes(plaintext),
                                 static_cast<int>(plaintext.size())) == 1);
    written += static_cast<size_t>(len);
  }
  ROAM_CHECK(EVP_EncryptFinal_ex(enc_, dst + written, &len) == 1);
  written += static_cast<size_t>(len);
  ROAM_CHECK(written == plaintext.size());
  ROAM_CHECK(EVP_CIPHER_CTX_ctrl(enc_, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kTagSize),
                                 dst + written) == 1);
  out->resize(start + plaintext.size() + kTagSize);
}

bool Aes128Ocb::Decrypt(std::string_view nonce, std::string_view ad, std::string_view sealed,
                        std::string* plaintext) {
  ROAM_CHECK(dec_ != nullptr);
  ROAM_CHECK(nonce.size() == kNonceSize);
  plaintext->clear();
  if (sealed.size() < kTagSize || sealed.size() >= INT_MAX || ad.size() >= INT_MAX) return false;
  const std::string_view ciphertext = sealed.substr(0, sealed.size() - kTagSize);
  const std::string_view tag = sealed.substr(ciphertext.size());
  ROAM_CHECK(EVP_DecryptInit_ex(dec_, nullptr, nullptr, nullptr, Bytes(nonce)) == 1);
  // EVP takes the expected tag through a non-const pointer but only reads it.
  unsigned char expected_tag[kTagSize];
  std::copy(tag.begin(), tag.end(), expected_tag);
  ROAM_CHECK(EVP_CIPHER_CTX_ctrl(dec_, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kTagSize),
                                 expected_tag) == 1);
  int len = 0;
  if (!ad.empty()) {
    ROAM_CHECK(EVP_DecryptUpdate(dec_, nullptr, &len, Bytes(ad), static_cast<int>(ad.size())) == 1);
  }
  std::string buf(ciphertext.size() + 16, '\0');
  auto* dst = reinterpret_cast<unsigned char*>(buf.data());
  size_t written = 0;
  if (!ciphertext.empty()) {
    ROAM_CHECK(EVP_DecryptUpdate(dec_, dst, &len, Bytes(ciphertext),
                                 static_cast<int>(ciphertext.size())) == 1);
    written += static_cast<size_t>(len);
  }
  const bool authentic = EVP_DecryptFinal_ex(dec_, dst + written, &len) == 1;
  if (!authentic) {
    OPENSSL_cleanse(buf.data(), buf.size());
    return false;
  }
  written += static_cast<size_t>(len);
  ROAM_CHECK(written == ciphertext.size());
  buf.resize(written);
  *plaintext = std::move(buf);
  return true;
}

}  // namespace roam::crypto
