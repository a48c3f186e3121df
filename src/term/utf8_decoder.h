// Utf8Decoder: incremental UTF-8 to code point decoder whose state
// survives across Write calls (a character may be split anywhere).
//
// Invalid input becomes U+FFFD following the Unicode "maximal subpart"
// practice (docs/protocol.md §12.1): a valid but unfinished prefix followed by a byte
// that cannot continue it becomes one U+FFFD, and decoding restarts at that
// byte. A byte that cannot start a sequence (0x80-0xC1, 0xF5-0xFF) is one
// U+FFFD. Overlongs, surrogates (U+D800-U+DFFF) and values above U+10FFFF
// are excluded by the second-byte ranges, so they too come out as U+FFFD
// (one per maximal subpart).

#ifndef ROAM_TERM_UTF8_DECODER_H_
#define ROAM_TERM_UTF8_DECODER_H_

#include <cstdint>

namespace roam::term {

inline constexpr char32_t kReplacementChar = 0xFFFD;

class Utf8Decoder {
 public:
  // True when no sequence is in progress.
  bool idle() const { return need_ == 0; }

  // Consumes one byte; calls emit(char32_t) for each code point it
  // completes (0, 1 or 2 of them: an interrupted sequence's U+FFFD, then
  // possibly the byte's own result).
  template <typename Emit>
  void Feed(uint8_t b, Emit&& emit) {
    if (need_ != 0) {
      if (b >= lower_ && b <= upper_) {
        cp_ = (cp_ << 6) | (b & 0x3F);
        lower_ = 0x80;
        upper_ = 0xBF;
        if (--need_ == 0) emit(cp_);
        return;
      }
      // The sequence is cut short: one U+FFFD, then restart at `b`.
      need_ = 0;
      emit(kReplacementChar);
    }
    if (b < 0x80) {
      emit(static_cast<char32_t>(b));
    } else if (b >= 0xC2 && b <= 0xDF) {
      Start(b & 0x1F, 1, 0x80, 0xBF);
    } else if (b >= 0xE0 && b <= 0xEF) {
      Start(b & 0x0F, 2, b == 0xE0 ? 0xA0 : 0x80, b == 0xED ? 0x9F : 0xBF);
    } else if (b >= 0xF0 && b <= 0xF4) {
      Start(b & 0x07, 3, b == 0xF0 ? 0x90 : 0x80, b == 0xF4 ? 0x8F : 0xBF);
    } else {
      emit(kReplacementChar);
    }
  }

  // Plain state, for serialization.
  struct State {
    uint32_t cp = 0;
    uint8_t need = 0;
    uint8_t lower = 0x80;
    uint8_t upper = 0xBF;
  };
  State state() const { return State{cp_, need_, lower_, upper_}; }
  // REQUIRES: `s` came from state() (need <= 3, lower <= upper).
  void set_state(const State& s) {
    cp_ = s.cp;
    need_ = s.need;
    lower_ = s.lower;
    upper_ = s.upper;
  }
  void Reset() { need_ = 0; }

 private:
  void Start(uint32_t bits, uint8_t need, uint8_t lower, uint8_t upper) {
    cp_ = bits;
    need_ = need;
    lower_ = lower;
    upper_ = upper;
  }

  uint32_t cp_ = 0;
  uint8_t need_ = 0;
  uint8_t lower_ = 0x80;
  uint8_t upper_ = 0xBF;
};

}  // namespace roam::term

#endif  // ROAM_TERM_UTF8_DECODER_H_
