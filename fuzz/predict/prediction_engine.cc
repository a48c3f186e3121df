// Fuzz target for PredictionEngine: a script of keystrokes, host output
// (through a real emulator, so server screens are varied and small), sends,
// echo acks (in any order, even backwards), time steps, send intervals,
// resizes, resets and mode changes. After every step the predictions are
// drawn onto a copy of the server screen and checked:
//   * the copy keeps its size, every row its width, the cursor stays on it;
//   * a row whose pointer changed really differs from the server's row
//     (Apply only takes rows it changes);
//   * drawing onto a screen of another size changes nothing;
//   * the counters and epochs stay consistent;
//   * NextWakeup is kNever or 50 ms ahead.
//
// Script format (any input is a valid script; reads past the end give 0):
//   'T' len bytes   user types `bytes` (one read)
//   'H' len bytes   host writes `bytes`
//   'S'             client sends a state
//   'A' n           a server state with echo_ack n arrives (then Cull)
//   'C'             timer: Cull
//   'W' n           time advances n * 10 ms
//   'I' n           send interval n * 2 ms
//   'R' c r         host resizes to (c % 16 + 1) x (r % 8 + 1)
//   'X' / 'Z'       Reset / OnResize
//   'M' m           display mode m % 4 (adaptive, always, never, experimental)
//   'O'             toggles overwrite mode
//   'E' m f         the server's echo hint: none when m & 4, else echo = m & 1,
//                   canonical = m & 2, foreground group f
// Other opcode bytes are skipped.
//
// And the promise of the echo hints: while the hint says canonical mode
// without echo, typing makes no guess at all (so nothing can be drawn).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "predict/prediction_engine.h"
#include "term/emulator.h"
#include "term/framebuffer.h"

namespace {

using roam::predict::DisplayMode;
using roam::predict::PredictionEngine;
using roam::term::Framebuffer;

class Script {
 public:
  explicit Script(std::string_view data) : data_(data) {}
  bool empty() const { return pos_ >= data_.size(); }
  uint8_t U8() { return empty() ? 0 : static_cast<uint8_t>(data_[pos_++]); }
  // A one-byte length followed by that many bytes (fewer at the end).
  std::string_view Bytes() {
    size_t n = U8();
    if (n > data_.size() - pos_) n = data_.size() - pos_;
    std::string_view out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// Aborts (a finding) when an invariant fails, naming it.
#define REQUIRE(cond)                                        \
  do {                                                       \
    if (!(cond)) {                                           \
      std::fprintf(stderr, "invariant failed: %s\n", #cond); \
      std::abort();                                          \
    }                                                        \
  } while (0)

// `seen_width` x `seen_height`: the size of the screen last given to the
// engine (Cull / NewUserBytes).
void CheckApply(const PredictionEngine& engine, const Framebuffer& server, int seen_width,
                int seen_height, roam::TimePoint now) {
  Framebuffer shown = server;
  engine.Apply(&shown);
  REQUIRE(shown.width() == server.width() && shown.height() == server.height());
  const roam::term::DrawState& ds = shown.ds();
  REQUIRE(ds.cursor_row >= 0 && ds.cursor_row < shown.height());
  REQUIRE(ds.cursor_col >= 0 && ds.cursor_col < shown.width());
  for (int r = 0; r < shown.height(); ++r) {
    REQUIRE(shown.row(r).width() == shown.width());
    if (shown.row_ptr(r) != server.row_ptr(r)) REQUIRE(!(shown.row(r) == server.row(r)));
  }

  Framebuffer other(seen_width + 1, seen_height);
  const auto before = other.row_ptr(0);
  engine.Apply(&other);
  REQUIRE(other.row_ptr(0) == before && other.ds().cursor_row == 0 && other.ds().cursor_col == 0);

  const roam::predict::PredictionStats& s = engine.stats();
  REQUIRE(s.shown_before_echo <= s.echoes_seen);
  REQUIRE(s.echoes_seen <= s.keystrokes_predicted);
  REQUIRE(s.confirmed_correct <= s.keystrokes_predicted);
  REQUIRE(s.shown_wrong <= s.judged_wrong);
  REQUIRE(engine.confirmed_epoch() <= engine.prediction_epoch());

  roam::TimePoint wake = engine.NextWakeup(now);
  REQUIRE(wake == roam::kNever || wake == now + PredictionEngine::kTimerPeriod);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Script script(std::string_view(reinterpret_cast<const char*>(data), size));
  roam::term::Emulator host(10, 4);
  PredictionEngine engine;
  roam::TimePoint now = roam::FromMillis(1'000'000);
  uint64_t sent = 0;
  bool overwrite = false;
  std::optional<roam::predict::TtyHint> hint;
  int seen_width = host.fb().width();
  int seen_height = host.fb().height();
  int steps = 0;
  while (!script.empty() && steps++ < 2000) {
    switch (script.U8()) {
      case 'T': {
        const uint64_t guessed = engine.stats().keystrokes_predicted;
        engine.NewUserBytes(script.Bytes(), host.fb(), now);
        if (hint && hint->canonical && !hint->echo) {
          REQUIRE(engine.stats().keystrokes_predicted == guessed);
        }
        seen_width = host.fb().width();
        seen_height = host.fb().height();
        break;
      }
      case 'E': {
        const uint8_t m = script.U8();
        const uint8_t f = script.U8();
        hint.reset();
        if (!(m & 4)) hint = roam::predict::TtyHint{(m & 1) != 0, (m & 2) != 0, f};
        engine.SetTtyHint(hint);
        break;
      }
      case 'H':
        host.Write(script.Bytes());
        break;
      case 'S':
        engine.SetLocalFrameSent(++sent);
        break;
      case 'A': {
        uint64_t n = script.U8();
        engine.SetLocalFrameAcked(n);
        engine.SetEchoAck(n);
        engine.Cull(host.fb(), now);
        seen_width = host.fb().width();
        seen_height = host.fb().height();
        break;
      }
      case 'C':
        engine.Cull(host.fb(), now);
        seen_width = host.fb().width();
        seen_height = host.fb().height();
        break;
      case 'W':
        now += roam::Millis(10 * script.U8());
        break;
      case 'I':
        engine.SetSendInterval(roam::Millis(2 * script.U8()));
        break;
      case 'R': {
        int cols = script.U8() % 16 + 1;
        int rows = script.U8() % 8 + 1;
        REQUIRE(host.Resize(cols, rows));
        break;
      }
      case 'X':
        engine.Reset();
        break;
      case 'Z':
        engine.OnResize();
        break;
      case 'M':
        engine.set_display_mode(static_cast<DisplayMode>(script.U8() % 4));
        break;
      case 'O':
        overwrite = !overwrite;
        engine.set_overwrite(overwrite);
        break;
      default:
        continue;
    }
    CheckApply(engine, host.fb(), seen_width, seen_height, now);
  }
  return 0;
}
