// Terminal state serialization: round trips of random states (a restored
// emulator behaves identically on further input), partial escape sequences
// and characters, and rejection of truncated or corrupted input.

#include "term/terminal_state_codec.h"

#include <gtest/gtest.h>

#include <string>

#include "base/random.h"
#include "term/emulator.h"
#include "unit/term/random_terminal_input.h"
#include "unit/term/term_test_util.h"

namespace roam::term {
namespace {

using testing::RandomTerminalInput;

std::unique_ptr<Emulator> RoundTrip(const Emulator& e) {
  std::string bytes = SerializeTerminalState(e);
  Result<std::unique_ptr<Emulator>> r = RestoreTerminalState(bytes);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return nullptr;
  EXPECT_EQ(SerializeTerminalState(**r), bytes);
  return std::move(r).value();
}

void ExpectSameScrollback(const Emulator& a, const Emulator& b, const std::string& context) {
  ASSERT_EQ(a.scrollback().size(), b.scrollback().size()) << context;
  for (size_t i = 0; i < a.scrollback().size(); ++i) {
    EXPECT_EQ(a.scrollback().LineText(i), b.scrollback().LineText(i)) << context;
    EXPECT_EQ(a.scrollback().LineWrapped(i), b.scrollback().LineWrapped(i)) << context;
  }
}

TEST(TerminalStateCodecTest, BlankEmulatorRoundTrips) {
  Emulator e(80, 24);
  auto r = RoundTrip(e);
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->fb() == e.fb());
  EXPECT_EQ(r->fb().width(), 80);
  EXPECT_EQ(r->fb().height(), 24);
}

TEST(TerminalStateCodecTest, HeaderIsMagicAndVersion) {
  Emulator e(4, 2);
  std::string bytes = SerializeTerminalState(e);
  EXPECT_EQ(bytes.substr(0, 8), "ROAMTERM");
  EXPECT_EQ(bytes.substr(8, 4), std::string("\0\0\0\2", 4));
}

TEST(TerminalStateCodecTest, KeepsEverySpecialPieceOfState) {
  EmulatorOptions opt;
  opt.scrollback_lines = 50;
  opt.default_foreground_rgb = 0x123456;
  Emulator e(12, 4, opt);
  e.Write(
      "line one\r\nline two is long enough to wrap\r\n\xe4\xb8\xad"
      "e\xcc\x81\r\n");
  e.Write("\x1b[1;3;4:3;38;2;1;2;3m\x1b]8;id=a;http://x\x1b\\link\x1b]8;;\x1b\\");
  e.Write("\x1b]1;icon\a\x1b]2;title\a\x1b]52;p;ZGF0YQ==\a\a\a");
  e.Write("\x1b[2;3r\x1b[?6h\x1b[?7l\x1b[4h\x1b[?1002h\x1b[?1006h\x1b[?2004h\x1b[5 q\x1b(0\x0e");
  e.Write(
      "\x1b[3g\x1b"
      "7\x1b[s\x1b[?1049h\x1b[?1049l\x1b[?1049h alt");
  for (int i = 0; i < 30; ++i)
    e.Write("\x1b[?1049l\r\nscroll " + std::to_string(i) + "\x1b[?1049h");
  e.Write("\x1b[12;3");  // partial CSI
  e.Write("\xe4\xb8");   // partial UTF-8
  auto r = RoundTrip(e);
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->fb() == e.fb());
  EXPECT_EQ(r->fb().icon_name(), "icon");
  EXPECT_EQ(r->fb().clipboard_selection(), "p");
  EXPECT_EQ(r->fb().links(), e.fb().links());
  EXPECT_EQ(r->options().default_foreground_rgb, 0x123456u);
  EXPECT_TRUE(r->options().keep_links);
  ExpectSameScrollback(e, *r, "special");
  // Both continue the CSI and the character identically.
  const std::string more = "\xad;1H*\x1b[?1049l\x1b[6n";
  e.Write(more);
  r->Write(more);
  EXPECT_TRUE(r->fb() == e.fb());
  EXPECT_EQ(SerializeTerminalState(*r), SerializeTerminalState(e));
  EXPECT_EQ(r->TakeReplies(), e.TakeReplies());
}

TEST(TerminalStateCodecTest, PartialOscSurvives) {
  Emulator e(20, 2);
  e.Write("\x1b]0;half a ti");
  auto r = RoundTrip(e);
  ASSERT_NE(r, nullptr);
  r->Write("tle\a");
  EXPECT_EQ(r->fb().title(), "half a title");
}

TEST(TerminalStateCodecTest, RandomStatesRoundTripAndContinueIdentically) {
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    SeededRandom rng(seed);
    RandomTerminalInput input(&rng);
    EmulatorOptions opt;
    opt.scrollback_lines = rng.Uniform(3) == 0 ? 0 : 1 + rng.Uniform(40);
    Emulator e(1 + static_cast<int>(rng.Uniform(30)), 1 + static_cast<int>(rng.Uniform(10)), opt);
    input.Apply(&e, static_cast<int>(rng.Uniform(60)), 30, 10);
    std::string context = "seed " + std::to_string(seed);
    auto r = RoundTrip(e);
    ASSERT_NE(r, nullptr) << context;
    ASSERT_TRUE(r->fb() == e.fb()) << context;
    ExpectSameScrollback(e, *r, context);
    // The same further input, chunk by chunk, in both.
    for (int i = 0; i < 30; ++i) {
      std::string chunk = input.Chunk(e.fb().width(), e.fb().height());
      e.Write(chunk);
      r->Write(chunk);
    }
    ASSERT_TRUE(r->fb() == e.fb()) << context;
    ASSERT_EQ(SerializeTerminalState(*r), SerializeTerminalState(e)) << context;
    ExpectSameScrollback(e, *r, context);
    EXPECT_EQ(r->TakeReplies(), e.TakeReplies()) << context;
  }
}

TEST(TerminalStateCodecTest, EveryTruncationIsRejected) {
  SeededRandom rng(99);
  RandomTerminalInput input(&rng);
  EmulatorOptions opt;
  opt.scrollback_lines = 5;
  Emulator e(9, 3, opt);
  input.Apply(&e, 80);
  e.Write("\x1b]2;par");
  std::string bytes = SerializeTerminalState(e);
  for (size_t n = 0; n < bytes.size(); ++n) {
    Result<std::unique_ptr<Emulator>> r =
        RestoreTerminalState(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(r.ok()) << "prefix of " << n << " bytes accepted";
    EXPECT_EQ(r.status().code(), StatusCode::kMalformed);
  }
  EXPECT_FALSE(RestoreTerminalState(bytes + "x").ok());  // trailing byte
}

TEST(TerminalStateCodecTest, KeepsTheLinkOption) {
  EmulatorOptions opt;
  opt.keep_links = false;
  Emulator e(8, 2, opt);
  e.Write("\x1b]8;;http://x\x1b\\link");
  auto r = RoundTrip(e);
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->options().keep_links);
  r->Write("\x1b]8;;http://y\x1b\\more");
  EXPECT_TRUE(r->fb().links().empty());
}

TEST(TerminalStateCodecTest, BadMagicAndVersionAreRejected) {
  Emulator e(4, 2);
  std::string bytes = SerializeTerminalState(e);
  std::string magic = bytes;
  magic[0] = 'X';
  EXPECT_EQ(RestoreTerminalState(magic).status().code(), StatusCode::kMalformed);
  std::string version = bytes;
  version[11] = 3;
  EXPECT_EQ(RestoreTerminalState(version).status().code(), StatusCode::kMalformed);
}

TEST(TerminalStateCodecTest, ControlCharactersInTextsAreRejected) {
  // A BEL in a title would end the OSC when the display sends it.
  Emulator e(4, 2);
  e.Write("\x1b]2;tiXle\a");
  std::string bytes = SerializeTerminalState(e);
  ASSERT_TRUE(RestoreTerminalState(bytes).ok());
  size_t at = bytes.find("tiXle");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 2] = '\a';
  EXPECT_EQ(RestoreTerminalState(bytes).status().code(), StatusCode::kMalformed);
}

TEST(TerminalStateCodecTest, RandomCorruptionNeverCrashes) {
  int accepted = 0;
  int rejected = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    SeededRandom rng(seed);
    RandomTerminalInput input(&rng);
    EmulatorOptions opt;
    opt.scrollback_lines = 8;
    Emulator e(1 + static_cast<int>(rng.Uniform(12)), 1 + static_cast<int>(rng.Uniform(5)), opt);
    input.Apply(&e, 40);
    std::string bytes = SerializeTerminalState(e);
    for (int k = 0; k < 20; ++k) {
      std::string bad = bytes;
      int flips = 1 + static_cast<int>(rng.Uniform(3));
      for (int i = 0; i < flips; ++i) {
        bad[rng.Uniform(bad.size())] = static_cast<char>(rng.Uniform(256));
      }
      Result<std::unique_ptr<Emulator>> r = RestoreTerminalState(bad);
      if (!r.ok()) {
        EXPECT_EQ(r.status().code(), StatusCode::kMalformed);
        ++rejected;
        continue;
      }
      ++accepted;
      // A state that decodes is a valid state: it keeps working.
      Emulator& x = **r;
      for (int i = 0; i < 10; ++i) x.Write(input.Chunk(x.fb().width(), x.fb().height()));
      auto again = RestoreTerminalState(SerializeTerminalState(x));
      EXPECT_TRUE(again.ok());
    }
  }
  // Both outcomes occur (cells' bytes accept many values; lengths do not).
  EXPECT_GT(accepted, 0);
  EXPECT_GT(rejected, 0);
}

}  // namespace
}  // namespace roam::term
