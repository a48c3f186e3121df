// PredictionEngine under a scripted workload: a deterministic shell behind a
// 300 ms round-trip link, typed at human speed, all on a simulated clock
// with 1 ms steps. Measures the share of keystrokes shown before the
// server's echo and the share of wrong predictions, both from the engine's
// own counters and independently: every drawn prediction is compared with
// an oracle, the same shell fed each key the instant it is typed (what a
// zero-latency terminal would show).
//
// The model follows the protocol: the client sends a state at most once per
// send interval (150 ms = SRTT / 2), it arrives 150 ms later, the host
// echoes at once, echo_ack covers a state 50 ms after its arrival (docs/protocol.md
// §7.3), and the server sends a frame at most once per send interval.

#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "predict/prediction_engine.h"
#include "term/emulator.h"
#include "term/framebuffer.h"

namespace roam::predict {
namespace {

using std::chrono::milliseconds;
using term::Framebuffer;

constexpr int kCols = 80;
constexpr int kRows = 24;
constexpr Millis kOneWay{150};
constexpr Millis kSendInterval{150};
constexpr Millis kEchoAckDelay{50};
constexpr Millis kServerMinDelay{8};

// Where a host application echoed a typed character.
struct Echo {
  int row;
  int col;
  char32_t ch;
};

// A small line-editing shell. Echoes printable characters (inserting at
// the cursor), erases on DEL, moves on the left/right arrows, completes
// "ec" to "echo " on TAB, runs a few commands on CR, and reads a password
// without echo after "secret". Its tty is in raw mode while it edits a line
// (as under readline) and in canonical mode without echo while it reads
// the password: Modes() is what a roam server would read from the pty.
class Shell {
 public:
  explicit Shell(term::Emulator* emu) : emu_(emu) { emu_->Write("$ "); }

  // Feeds typed bytes; returns the echo positions of printable characters.
  std::vector<Echo> Input(std::string_view bytes) {
    std::vector<Echo> echoes;
    for (char ch : bytes) {
      if (reading_password_) {
        if (ch == '\r') {
          reading_password_ = false;
          emu_->Write("\r\nAuthenticated.\r\n$ ");
        }
        continue;
      }
      if (esc_ == 1) {
        esc_ = (ch == '[' || ch == 'O') ? 2 : 0;
        continue;
      }
      if (esc_ == 2) {
        esc_ = 0;
        if (ch == 'D' && pos_ > 0) {
          --pos_;
          emu_->Write("\b");
        } else if (ch == 'C' && pos_ < line_.size()) {
          emu_->Write(line_.substr(pos_, 1));
          ++pos_;
        }
        continue;
      }
      if (ch == 0x1B) {
        esc_ = 1;
      } else if (ch == '\r') {
        emu_->Write("\r\n");
        Run(line_);
        line_.clear();
        pos_ = 0;
      } else if (ch == 0x7F) {
        if (pos_ == 0) {
          emu_->Write("\a");
        } else {
          --pos_;
          line_.erase(pos_, 1);
          std::string tail = line_.substr(pos_);
          emu_->Write("\b" + tail + " " + Left(tail.size() + 1));
        }
      } else if (ch == '\t') {
        if (line_ == "ec" && pos_ == 2) {
          line_ += "ho ";
          pos_ = line_.size();
          emu_->Write("ho ");
        } else {
          emu_->Write("\a");
        }
      } else if (ch >= 0x20 && ch < 0x7F) {
        const term::DrawState& ds = emu_->fb().ds();
        echoes.push_back(Echo{ds.cursor_row, ds.cursor_col, static_cast<char32_t>(ch)});
        line_.insert(pos_, 1, ch);
        ++pos_;
        std::string tail = line_.substr(pos_);
        emu_->Write(std::string(1, ch) + tail + Left(tail.size()));
      }
    }
    return echoes;
  }

  TtyHint Modes() const {
    return reading_password_ ? TtyHint{false, true, 1} : TtyHint{false, false, 1};
  }

 private:
  static std::string Left(size_t n) {
    return n == 0 ? std::string() : "\x1b[" + std::to_string(n) + "D";
  }

  void Run(const std::string& cmd) {
    if (cmd == "secret") {
      emu_->Write("Password: ");
      reading_password_ = true;
      return;
    }
    if (cmd == "ls") {
      emu_->Write("a.txt  b.txt  notes\r\n");
    } else if (cmd.rfind("echo ", 0) == 0) {
      emu_->Write(cmd.substr(5) + "\r\n");
    } else if (cmd == "cat big") {
      for (int i = 0; i < 40; ++i) emu_->Write("line " + std::to_string(i) + "\r\n");
    } else if (!cmd.empty()) {
      emu_->Write("sh: " + cmd + ": not found\r\n");
    }
    emu_->Write("$ ");
  }

  term::Emulator* emu_;
  std::string line_;
  size_t pos_ = 0;
  int esc_ = 0;
  bool reading_password_ = false;
};

// Blank, space and NBSP compare equal; other cells by their text.
std::string CellKey(const Framebuffer& fb, int row, int col) {
  std::string t = fb.row(row).CellText(col);
  if (t.empty() || t == "\xC2\xA0") return " ";
  return t;
}

struct Keystroke {
  TimePoint typed;
  Echo echo;
  std::optional<TimePoint> displayed;
  bool resolved = false;
};

struct Result {
  // Independent (oracle) measurements.
  int tracked = 0;
  int resolved = 0;
  int shown_early = 0;
  int wrong_cells = 0;         // distinct (row, col, text) drawn that the oracle never showed there
  double mean_latency_ms = 0;  // typing to first display of the character
  // Engine counters.
  PredictionStats stats;
};

class Simulation {
 public:
  // With `hints`, every server frame carries the shell's tty modes (a roam
  // server's EchoHint); without, the client knows nothing (a stock server).
  explicit Simulation(uint64_t seed, DisplayMode mode = DisplayMode::kAdaptive, bool hints = false)
      : random_(seed), hints_(hints), engine_(mode), server_(kCols, kRows), oracle_(kCols, kRows) {
    server_shell_.emplace(&server_);
    oracle_shell_.emplace(&oracle_);
    oracle_snapshots_.emplace_back(0, oracle_.fb());
    client_fb_ = server_.fb();
    engine_.SetSendInterval(kSendInterval);
  }

  // Types `script` at human speed (`gap_min`..`gap_max` between keys, a
  // pause after each CR) and runs until everything has settled.
  Result Run(const std::vector<std::string>& script, int gap_min_ms, int gap_max_ms) {
    TimePoint t = start_;
    std::vector<std::pair<TimePoint, std::string>> keys;
    for (const std::string& line : script) {
      size_t i = 0;
      while (i < line.size()) {
        size_t n = 1;
        if (line[i] == 0x1B) n = 3;  // an arrow key arrives in one read
        keys.emplace_back(t, line.substr(i, n));
        t += milliseconds(gap_min_ms +
                          static_cast<int>(random_.Uniform(gap_max_ms - gap_min_ms + 1)));
        i += n;
      }
      t += milliseconds(800 + static_cast<int>(random_.Uniform(1200)));
    }
    const TimePoint end = t + milliseconds(3000);
    size_t next_key = 0;
    for (TimePoint now = start_; now <= end; now += milliseconds(1)) {
      Step(now, keys, &next_key);
    }
    Result r;
    double latency_sum = 0;
    int latency_n = 0;
    for (const Keystroke& k : keystrokes_) {
      ++r.tracked;
      if (k.displayed) {
        latency_sum += static_cast<double>((*k.displayed - k.typed) / milliseconds(1));
        ++latency_n;
      }
      if (!k.resolved) continue;
      ++r.resolved;
      if (early_.count(&k - keystrokes_.data())) ++r.shown_early;
    }
    r.mean_latency_ms = latency_n ? latency_sum / latency_n : 0;
    r.wrong_cells = static_cast<int>(wrong_.size());
    r.stats = engine_.stats();
    return r;
  }

 private:
  struct ClientState {
    TimePoint arrive;
    uint64_t num;
    std::string bytes;
  };
  struct ServerFrame {
    TimePoint arrive;
    Framebuffer fb;
    uint64_t received;
    uint64_t echo_ack;
    TtyHint modes;
  };

  void Step(TimePoint now, const std::vector<std::pair<TimePoint, std::string>>& keys,
            size_t* next_key) {
    // 1. The user types.
    while (*next_key < keys.size() && keys[*next_key].first <= now) {
      const std::string& k = keys[*next_key].second;
      ++*next_key;
      engine_.NewUserBytes(k, client_fb_, now);
      unsent_ += k;
      std::vector<Echo> echoes = oracle_shell_->Input(k);
      oracle_snapshots_.emplace_back(sent_ + 1, oracle_.fb());
      for (const Echo& e : echoes) {
        // A character the screen already shows there cannot be told apart.
        if (CellKey(client_fb_, e.row, e.col) == Utf8(e.ch)) continue;
        keystrokes_.push_back(Keystroke{now, e, std::nullopt, false});
      }
      Observe(now);
    }
    // 2. The client sends, paced by the send interval.
    if (!unsent_.empty() && (!last_client_send_ || now >= *last_client_send_ + kSendInterval)) {
      ++sent_;
      engine_.SetLocalFrameSent(sent_);
      to_server_.push_back(ClientState{now + kOneWay, sent_, unsent_});
      unsent_.clear();
      last_client_send_ = now;
    }
    // 3. The server receives and the host echoes at once.
    while (!to_server_.empty() && to_server_.front().arrive <= now) {
      server_shell_->Input(to_server_.front().bytes);
      arrivals_.emplace_back(to_server_.front().num, now);
      received_ = to_server_.front().num;
      to_server_.pop_front();
      MarkDirty(now);
    }
    // 4. echo_ack: the newest state that arrived at least 50 ms ago.
    while (!arrivals_.empty() && arrivals_.front().second + kEchoAckDelay <= now) {
      echo_ack_ = arrivals_.front().first;
      arrivals_.pop_front();
      MarkDirty(now);
    }
    // 5. The server sends a frame, paced.
    if (dirty_since_ && now >= *dirty_since_ + kServerMinDelay &&
        (!last_server_send_ || now >= *last_server_send_ + kSendInterval)) {
      to_client_.push_back(
          ServerFrame{now + kOneWay, server_.fb(), received_, echo_ack_, server_shell_->Modes()});
      dirty_since_.reset();
      last_server_send_ = now;
    }
    // 6. The client receives a frame.
    bool culled = false;
    while (!to_client_.empty() && to_client_.front().arrive <= now) {
      client_fb_ = to_client_.front().fb;
      engine_.SetLocalFrameAcked(to_client_.front().received);
      engine_.SetEchoAck(to_client_.front().echo_ack);
      client_echo_ack_ = to_client_.front().echo_ack;
      if (hints_) engine_.SetTtyHint(to_client_.front().modes);
      to_client_.pop_front();
      engine_.Cull(client_fb_, now);
      culled = true;
    }
    // 7. The engine's timer.
    if (!culled && now >= wakeup_) {
      engine_.Cull(client_fb_, now);
      culled = true;
    }
    if (culled) Observe(now);
    wakeup_ = engine_.NextWakeup(now);
  }

  void MarkDirty(TimePoint now) {
    if (!dirty_since_) dirty_since_ = now;
  }

  static std::string Utf8(char32_t ch) {
    std::string s;
    term::AppendUtf8(ch, &s);
    return s;
  }

  // What the user sees now: check keystrokes and wrong cells.
  void Observe(TimePoint now) {
    Framebuffer shown = client_fb_;
    engine_.Apply(&shown);
    for (size_t i = 0; i < keystrokes_.size(); ++i) {
      Keystroke& k = keystrokes_[i];
      if (k.resolved || now - k.typed > milliseconds(5000)) continue;
      const std::string want = Utf8(k.echo.ch);
      if (!k.displayed && CellKey(shown, k.echo.row, k.echo.col) == want) k.displayed = now;
      if (CellKey(client_fb_, k.echo.row, k.echo.col) == want) {
        k.resolved = true;
        if (k.displayed && *k.displayed < now) early_.insert(static_cast<long>(i));
      }
    }
    // A drawn cell is right if the oracle shows it there after some key the
    // server has not yet answered (later keys, e.g. a CR, may have moved
    // on: those are not guessed).
    while (oracle_snapshots_.size() >= 2 && oracle_snapshots_[1].first <= client_echo_ack_) {
      oracle_snapshots_.pop_front();
    }
    for (int r = 0; r < kRows; ++r) {
      if (shown.row_ptr(r) == client_fb_.row_ptr(r)) continue;  // nothing drawn on this row
      for (int c = 0; c < kCols; ++c) {
        std::string drawn = CellKey(shown, r, c);
        if (drawn == CellKey(client_fb_, r, c)) continue;
        bool seen = false;
        for (const auto& snap : oracle_snapshots_)
          seen = seen || CellKey(snap.second, r, c) == drawn;
        if (!seen) {
          if (!wrong_.count({r, c, drawn})) {
            std::printf("wrong cell at %lld ms (%d,%d): drawn '%s', server '%s'\n",
                        static_cast<long long>((now - start_) / milliseconds(1)), r, c,
                        drawn.c_str(), CellKey(client_fb_, r, c).c_str());
          }
          wrong_.insert({r, c, drawn});
        }
      }
    }
  }

  SeededRandom random_;
  const bool hints_;
  const TimePoint start_ = FromMillis(1'000'000);
  PredictionEngine engine_;
  term::Emulator server_;
  term::Emulator oracle_;
  std::optional<Shell> server_shell_;
  std::optional<Shell> oracle_shell_;
  Framebuffer client_fb_{kCols, kRows};

  std::string unsent_;
  uint64_t sent_ = 0;
  std::optional<TimePoint> last_client_send_;
  std::deque<ClientState> to_server_;
  std::deque<std::pair<uint64_t, TimePoint>> arrivals_;
  uint64_t received_ = 0;
  uint64_t echo_ack_ = 0;
  std::optional<TimePoint> dirty_since_;
  std::optional<TimePoint> last_server_send_;
  std::deque<ServerFrame> to_client_;
  TimePoint wakeup_ = kNever;

  // The oracle's screen after each key, with the state that carries it.
  std::deque<std::pair<uint64_t, Framebuffer>> oracle_snapshots_;
  uint64_t client_echo_ack_ = 0;

  std::vector<Keystroke> keystrokes_;
  std::set<long> early_;
  std::set<std::tuple<int, int, std::string>> wrong_;
};

void Report(const char* name, const Result& r) {
  std::printf(
      "%s: tracked %d resolved %d shown-early %d (%.1f%%), wrong cells %d, mean latency %.0f ms; "
      "engine: predicted %llu echoes %llu shown-before-echo %llu correct %llu wrong %llu "
      "shown-wrong %llu killed %llu resets %llu\n",
      name, r.tracked, r.resolved, r.shown_early,
      r.resolved ? 100.0 * r.shown_early / r.resolved : 0.0, r.wrong_cells, r.mean_latency_ms,
      static_cast<unsigned long long>(r.stats.keystrokes_predicted),
      static_cast<unsigned long long>(r.stats.echoes_seen),
      static_cast<unsigned long long>(r.stats.shown_before_echo),
      static_cast<unsigned long long>(r.stats.confirmed_correct),
      static_cast<unsigned long long>(r.stats.judged_wrong),
      static_cast<unsigned long long>(r.stats.shown_wrong),
      static_cast<unsigned long long>(r.stats.epochs_killed),
      static_cast<unsigned long long>(r.stats.resets));
}

double Share(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

TEST(PredictionWorkloadTest, PlainTypingIsShownBeforeTheEcho) {
  Simulation sim(1);
  Result r =
      sim.Run({"echo the quick brown fox jumps over the lazy dog and keeps running\r"}, 120, 280);
  Report("plain", r);
  ASSERT_GE(r.resolved, 50);
  // Only the keys typed before the first confirmation (one round trip plus
  // the echo_ack delay, about two keys) can be late.
  EXPECT_GT(Share(r.shown_early, r.resolved), 0.90);
  EXPECT_GT(Share(r.stats.shown_before_echo, r.stats.echoes_seen), 0.90);
  EXPECT_EQ(r.wrong_cells, 0);
  EXPECT_EQ(r.stats.shown_wrong, 0u);
  EXPECT_LT(r.mean_latency_ms, 120) << "most keys appear at once instead of after ~350 ms";
}

TEST(PredictionWorkloadTest, MixedSessionStaysMostlyEarlyAndRarelyWrong) {
  const std::vector<std::string> script = {
      "ls\r",
      "echo hello world\r",
      "lss\x7f -a\r",  // a typo fixed with backspace
      "secret\r",
      "hunter2\r",      // a password read without echo
      "ec\tfoo bar\r",  // tab completion inserts text
      "cat big\r",      // output scrolls the screen
      "echo typing at the bottom row now\r",
      "echo abc\x1b[D\x1b[DX\r",  // editing with the arrows
      "xy\x7f\x7f\x7f\x7fls\r",   // backspace held past the typed text
      "echo one more line of ordinary typing\r",
  };
  for (uint64_t seed : {1u, 2u, 3u}) {
    Simulation sim(seed);
    Result r = sim.Run(script, 100, 300);
    Report("mixed", r);
    ASSERT_GT(r.stats.keystrokes_predicted, 100u);
    EXPECT_GT(Share(r.shown_early, r.resolved), 0.70) << "seed " << seed;
    EXPECT_GT(Share(r.stats.shown_before_echo, r.stats.echoes_seen), 0.70) << "seed " << seed;
    EXPECT_LT(Share(r.stats.shown_wrong, r.stats.keystrokes_predicted), 0.05) << "seed " << seed;
    // Includes the password: any drawn character of it is a wrong cell.
    EXPECT_LE(r.wrong_cells, 3) << "seed " << seed;
    EXPECT_GT(r.stats.epochs_killed, 0u) << "the password and the completion were guessed wrong";
  }
}

TEST(PredictionWorkloadTest, WithEchoHintsTheFirstKeysAfterEnterAreEarlyAndThePasswordNeverShows) {
  // The mixed session again, against a roam server that says what its pty
  // does. The same prompt after each Enter is remembered once confirmed,
  // and the password line is never guessed.
  const std::vector<std::string> script = {
      "ls\r",
      "echo hello world\r",
      "lss\x7f -a\r",
      "secret\r",
      "hunter2\r",
      "ec\tfoo bar\r",
      "cat big\r",
      "echo typing at the bottom row now\r",
      "echo abc\x1b[D\x1b[DX\r",
      "xy\x7f\x7f\x7f\x7fls\r",
      "echo one more line of ordinary typing\r",
  };
  for (uint64_t seed : {1u, 2u, 3u}) {
    Simulation plain(seed);
    Simulation hinted(seed, DisplayMode::kAdaptive, /*hints=*/true);
    Result without = plain.Run(script, 100, 300);
    Result with = hinted.Run(script, 100, 300);
    Report("mixed, no hints", without);
    Report("mixed, hints", with);
    EXPECT_GT(Share(with.shown_early, with.resolved), Share(without.shown_early, without.resolved))
        << "seed " << seed;
    EXPECT_GT(Share(with.shown_early, with.resolved), 0.90) << "seed " << seed;
    EXPECT_GT(with.stats.remembered_epochs, 0u) << "seed " << seed;
    EXPECT_EQ(with.wrong_cells, 0) << "seed " << seed;
    EXPECT_EQ(with.stats.shown_wrong, 0u) << "seed " << seed;
    EXPECT_EQ(with.stats.silent_keys, 7u) << "the password's keys were never guessed";
  }
}

TEST(PredictionWorkloadTest, NeverModeShowsNothingEarly) {
  // The same harness with prediction off: the measurement itself tells
  // early from late, and the echo takes a full round trip and more.
  Simulation sim(1, DisplayMode::kNever);
  Result r = sim.Run({"echo plain typing\r"}, 120, 280);
  Report("never", r);
  ASSERT_GE(r.resolved, 15);
  EXPECT_EQ(r.shown_early, 0);
  EXPECT_GT(r.mean_latency_ms, 300);
}

}  // namespace
}  // namespace roam::predict
