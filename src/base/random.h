// Randomness as a parameter.
//
// Chaff, port hopping and similar non-secret choices take a Random&, so tests
// and fuzzers can seed it. Secret material (keys) comes from the crypto layer's
// own generator, never from here.

#ifndef ROAM_BASE_RANDOM_H_
#define ROAM_BASE_RANDOM_H_

#include <cstddef>
#include <cstdint>

namespace roam {

class Random {
 public:
  virtual ~Random() = default;
  virtual uint64_t Next() = 0;
  // Uniform in [0, bound). REQUIRES: bound > 0.
  uint64_t Uniform(uint64_t bound);
  // True with probability `p` (0..1).
  bool Chance(double p);
};

// Deterministic generator (xoshiro256**), seeded from one 64-bit value.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed);
  uint64_t Next() override;

 private:
  uint64_t s_[4];
};

// The operating system's generator (getrandom), for production use. It
// draws kBuffered values per system call.
class SystemRandom final : public Random {
 public:
  uint64_t Next() override;

 private:
  static constexpr size_t kBuffered = 32;
  uint64_t buffer_[kBuffered] = {};
  size_t next_ = kBuffered;  // kBuffered: the buffer is used up
};

}  // namespace roam

#endif  // ROAM_BASE_RANDOM_H_
