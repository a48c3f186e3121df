#include "base/random.h"

#include <sys/random.h>

#include <cerrno>

#include "base/check.h"

namespace roam {

uint64_t Random::Uniform(uint64_t bound) {
  ROAM_CHECK(bound > 0);
  // Rejection sampling keeps the distribution exact.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  uint64_t v;
  do {
    v = Next();
  } while (v >= limit);
  return v % bound;
}

bool Random::Chance(double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return static_cast<double>(Next() >> 11) * 0x1.0p-53 < p;
}

namespace {
uint64_t SplitMix64(uint64_t* x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

SeededRandom::SeededRandom(uint64_t seed) {
  for (auto& s : s_) s = SplitMix64(&seed);
}

uint64_t SeededRandom::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

uint64_t SystemRandom::Next() {
  if (next_ == kBuffered) {
    // One system call per kBuffered values rather than one per value (a
    // datagram's chaff takes up to 17).
    size_t filled = 0;
    while (filled < sizeof buffer_) {
      ssize_t n = getrandom(reinterpret_cast<char*>(buffer_) + filled, sizeof buffer_ - filled, 0);
      if (n < 0 && errno == EINTR) continue;
      ROAM_CHECK(n > 0);
      filled += static_cast<size_t>(n);
    }
    next_ = 0;
  }
  return buffer_[next_++];
}

}  // namespace roam
