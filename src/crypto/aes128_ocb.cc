// Aes128Ocb: AES-128-OCB (RFC 7253 §4) over OpenSSL's AES block cipher. See
// aes128_ocb.h.

// The AES block functions are marked deprecated in OpenSSL 3 in favour of
// EVP, which is exactly what this file avoids (see the header).
#define OPENSSL_SUPPRESS_DEPRECATED

#include "crypto/aes128_ocb.h"

#include <openssl/aes.h>
#include <openssl/crypto.h>

#include <atomic>
#include <climits>
#include <cstring>
#include <utility>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "base/check.h"

namespace roam::crypto {
namespace {

using Block = std::array<uint8_t, 16>;

std::atomic<bool> g_portable_only{false};

#if defined(__x86_64__)
// AES-128 with the AES-NI instructions (when the CPU has them): OpenSSL's
// AES_encrypt is its portable table code, about twenty times slower.
// Compiled for the instructions through the target attribute, called only
// after the CPU was checked.
#define ROAM_AESNI __attribute__((target("aes,sse2")))

struct NiKeys {
  __m128i enc[11];
  __m128i dec[11];
};

ROAM_AESNI inline __m128i NiExpandStep(__m128i key, __m128i assist) {
  assist = _mm_shuffle_epi32(assist, 0xFF);
  key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
  key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
  key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
  return _mm_xor_si128(key, assist);
}

ROAM_AESNI void NiExpand(const uint8_t* key, NiKeys* k) {
  __m128i* e = k->enc;
  e[0] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(key));
  e[1] = NiExpandStep(e[0], _mm_aeskeygenassist_si128(e[0], 0x01));
  e[2] = NiExpandStep(e[1], _mm_aeskeygenassist_si128(e[1], 0x02));
  e[3] = NiExpandStep(e[2], _mm_aeskeygenassist_si128(e[2], 0x04));
  e[4] = NiExpandStep(e[3], _mm_aeskeygenassist_si128(e[3], 0x08));
  e[5] = NiExpandStep(e[4], _mm_aeskeygenassist_si128(e[4], 0x10));
  e[6] = NiExpandStep(e[5], _mm_aeskeygenassist_si128(e[5], 0x20));
  e[7] = NiExpandStep(e[6], _mm_aeskeygenassist_si128(e[6], 0x40));
  e[8] = NiExpandStep(e[7], _mm_aeskeygenassist_si128(e[7], 0x80));
  e[9] = NiExpandStep(e[8], _mm_aeskeygenassist_si128(e[8], 0x1B));
  e[10] = NiExpandStep(e[9], _mm_aeskeygenassist_si128(e[9], 0x36));
  k->dec[0] = e[10];
  for (int i = 1; i < 10; ++i) k->dec[i] = _mm_aesimc_si128(e[10 - i]);
  k->dec[10] = e[0];
}

ROAM_AESNI void NiEncrypt(const NiKeys& k, const uint8_t* in, uint8_t* out) {
  __m128i b = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in)), k.enc[0]);
  for (int r = 1; r < 10; ++r) b = _mm_aesenc_si128(b, k.enc[r]);
  b = _mm_aesenclast_si128(b, k.enc[10]);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), b);
}

ROAM_AESNI void NiDecrypt(const NiKeys& k, const uint8_t* in, uint8_t* out) {
  __m128i b = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in)), k.dec[0]);
  for (int r = 1; r < 10; ++r) b = _mm_aesdec_si128(b, k.dec[r]);
  b = _mm_aesdeclast_si128(b, k.dec[10]);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), b);
}

bool CpuHasAesNi() { return __builtin_cpu_supports("aes") && __builtin_cpu_supports("sse2"); }
#endif

// Enough L_i for messages of up to 2^32 blocks (ntz of a block index).
constexpr int kMaxL = 32;

void XorInto(Block* a, const Block& b) {
  for (size_t i = 0; i < 16; ++i) (*a)[i] ^= b[i];
}

void XorInto(Block* a, const uint8_t* b) {
  for (size_t i = 0; i < 16; ++i) (*a)[i] ^= b[i];
}

// double(S) of RFC 7253 §2: a left shift, reduced by x^128 + x^7 + x^2 + x + 1.
Block Double(const Block& s) {
  Block out;
  const uint8_t carry = s[0] >> 7;
  for (size_t i = 0; i < 15; ++i) out[i] = static_cast<uint8_t>((s[i] << 1) | (s[i + 1] >> 7));
  out[15] = static_cast<uint8_t>((s[15] << 1) ^ (carry ? 0x87 : 0));
  return out;
}

// Number of trailing zero bits of i (i >= 1).
int Ntz(uint64_t i) { return __builtin_ctzll(i); }

}  // namespace

struct Aes128Ocb::Schedule {
#if defined(__x86_64__)
  NiKeys ni;
#endif
  bool use_ni = false;
  AES_KEY enc;
  AES_KEY dec;
  Block l_star;  // ENCIPHER(K, zeros)
  Block l_dollar;
  Block l[kMaxL];

  Block Encipher(const Block& in) const {
    Block out;
#if defined(__x86_64__)
    if (use_ni) {
      NiEncrypt(ni, in.data(), out.data());
      return out;
    }
#endif
    AES_encrypt(in.data(), out.data(), &enc);
    return out;
  }
  Block Decipher(const Block& in) const {
    Block out;
#if defined(__x86_64__)
    if (use_ni) {
      NiDecrypt(ni, in.data(), out.data());
      return out;
    }
#endif
    AES_decrypt(in.data(), out.data(), &dec);
    return out;
  }

  // Offset_0 for a 96-bit nonce and a 128-bit tag (RFC 7253 §4.2).
  Block InitialOffset(std::string_view nonce) const {
    Block n{};
    // num2str(TAGLEN mod 128, 7) || zeros(120 - 96) || 1 || N
    n[3] = 0x01;
    std::memcpy(n.data() + 4, nonce.data(), kNonceSize);
    const int bottom = n[15] & 0x3F;
    n[15] &= 0xC0;
    const Block ktop = Encipher(n);
    uint8_t stretch[24];
    std::memcpy(stretch, ktop.data(), 16);
    for (size_t i = 0; i < 8; ++i) stretch[16 + i] = ktop[i] ^ ktop[i + 1];
    Block offset;
    const int bytes = bottom / 8;
    const int bits = bottom % 8;
    for (int i = 0; i < 16; ++i) {
      const uint8_t hi = stretch[i + bytes];
      const uint8_t lo = stretch[i + bytes + 1];
      offset[static_cast<size_t>(i)] =
          bits == 0 ? hi : static_cast<uint8_t>((hi << bits) | (lo >> (8 - bits)));
    }
    return offset;
  }

  // HASH(K, A) of RFC 7253 §4.1.
  Block Hash(std::string_view ad) const {
    Block sum{};
    Block offset{};
    const size_t full = ad.size() / 16;
    for (size_t i = 1; i <= full; ++i) {
      XorInto(&offset, l[Ntz(i)]);
      Block in = offset;
      XorInto(&in, reinterpret_cast<const uint8_t*>(ad.data()) + 16 * (i - 1));
      XorInto(&sum, Encipher(in));
    }
    const size_t rest = ad.size() % 16;
    if (rest != 0) {
      XorInto(&offset, l_star);
      Block in{};
      std::memcpy(in.data(), ad.data() + 16 * full, rest);
      in[rest] = 0x80;
      XorInto(&in, offset);
      XorInto(&sum, Encipher(in));
    }
    return sum;
  }
};

Aes128Ocb::Aes128Ocb(const Key& key) : schedule_(std::make_unique<Schedule>()) {
  Schedule& s = *schedule_;
  ROAM_CHECK(AES_set_encrypt_key(key.data(), 128, &s.enc) == 0);
  ROAM_CHECK(AES_set_decrypt_key(key.data(), 128, &s.dec) == 0);
#if defined(__x86_64__)
  s.use_ni = !g_portable_only.load() && CpuHasAesNi();
  if (s.use_ni) NiExpand(key.data(), &s.ni);
#endif
  s.l_star = s.Encipher(Block{});
  s.l_dollar = Double(s.l_star);
  s.l[0] = Double(s.l_dollar);
  for (int i = 1; i < kMaxL; ++i) s.l[i] = Double(s.l[i - 1]);
}

void Aes128Ocb::UsePortableAesForTesting(bool on) { g_portable_only = on; }

bool Aes128Ocb::uses_aes_ni() const { return schedule_ && schedule_->use_ni; }

Aes128Ocb::Aes128Ocb(Aes128Ocb&& other) noexcept = default;
Aes128Ocb& Aes128Ocb::operator=(Aes128Ocb&& other) noexcept {
  if (this != &other) {
    if (schedule_) OPENSSL_cleanse(schedule_.get(), sizeof(Schedule));
    schedule_ = std::move(other.schedule_);
  }
  return *this;
}

Aes128Ocb::~Aes128Ocb() {
  if (schedule_) OPENSSL_cleanse(schedule_.get(), sizeof(Schedule));
}

void Aes128Ocb::Encrypt(std::string_view nonce, std::string_view ad, std::string_view plaintext,
                        std::string* out) {
  ROAM_CHECK(schedule_ != nullptr);
  ROAM_CHECK(nonce.size() == kNonceSize);
  ROAM_CHECK(plaintext.size() < INT_MAX && ad.size() < INT_MAX);
  const Schedule& s = *schedule_;
  const size_t start = out->size();
  out->resize(start + plaintext.size() + kTagSize);
  auto* dst = reinterpret_cast<uint8_t*>(out->data() + start);
  const auto* src = reinterpret_cast<const uint8_t*>(plaintext.data());

  Block offset = s.InitialOffset(nonce);
  Block checksum{};
  const size_t full = plaintext.size() / 16;
  for (size_t i = 1; i <= full; ++i) {
    const uint8_t* p = src + 16 * (i - 1);
    XorInto(&offset, s.l[Ntz(i)]);
    Block in = offset;
    XorInto(&in, p);
    Block c = s.Encipher(in);
    XorInto(&c, offset);
    std::memcpy(dst + 16 * (i - 1), c.data(), 16);
    XorInto(&checksum, p);
  }
  const size_t rest = plaintext.size() % 16;
  if (rest != 0) {
    XorInto(&offset, s.l_star);
    const Block pad = s.Encipher(offset);
    const uint8_t* p = src + 16 * full;
    for (size_t k = 0; k < rest; ++k) dst[16 * full + k] = p[k] ^ pad[k];
    Block last{};
    std::memcpy(last.data(), p, rest);
    last[rest] = 0x80;
    XorInto(&checksum, last);
  }
  XorInto(&checksum, offset);
  XorInto(&checksum, s.l_dollar);
  Block tag = s.Encipher(checksum);
  XorInto(&tag, s.Hash(ad));
  std::memcpy(dst + plaintext.size(), tag.data(), kTagSize);
}

bool Aes128Ocb::Decrypt(std::string_view nonce, std::string_view ad, std::string_view sealed,
                        std::string* plaintext) {
  ROAM_CHECK(schedule_ != nullptr);
  ROAM_CHECK(nonce.size() == kNonceSize);
  plaintext->clear();
  if (sealed.size() < kTagSize || sealed.size() >= INT_MAX || ad.size() >= INT_MAX) return false;
  const Schedule& s = *schedule_;
  const size_t length = sealed.size() - kTagSize;
  const auto* src = reinterpret_cast<const uint8_t*>(sealed.data());
  std::string buf(length, '\0');
  auto* dst = reinterpret_cast<uint8_t*>(buf.data());

  Block offset = s.InitialOffset(nonce);
  Block checksum{};
  const size_t full = length / 16;
  for (size_t i = 1; i <= full; ++i) {
    XorInto(&offset, s.l[Ntz(i)]);
    Block in = offset;
    XorInto(&in, src + 16 * (i - 1));
    Block p = s.Decipher(in);
    XorInto(&p, offset);
    std::memcpy(dst + 16 * (i - 1), p.data(), 16);
    XorInto(&checksum, p);
  }
  const size_t rest = length % 16;
  if (rest != 0) {
    XorInto(&offset, s.l_star);
    const Block pad = s.Encipher(offset);
    Block last{};
    for (size_t k = 0; k < rest; ++k) {
      dst[16 * full + k] = src[16 * full + k] ^ pad[k];
      last[k] = dst[16 * full + k];
    }
    last[rest] = 0x80;
    XorInto(&checksum, last);
  }
  XorInto(&checksum, offset);
  XorInto(&checksum, s.l_dollar);
  Block tag = s.Encipher(checksum);
  XorInto(&tag, s.Hash(ad));
  // Constant-time comparison; no byte of an unauthentic message is released.
  if (CRYPTO_memcmp(tag.data(), src + length, kTagSize) != 0) {
    OPENSSL_cleanse(buf.data(), buf.size());
    return false;
  }
  *plaintext = std::move(buf);
  return true;
}

}  // namespace roam::crypto
