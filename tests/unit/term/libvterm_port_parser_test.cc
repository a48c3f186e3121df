// Cases ported from libvterm's parser and UTF-8 conformance tests
// (t/02parser, t/03encoding_utf8): the same input, checked against roam's
// parser actions (a recording handler on term::Parser), against the
// emulator's screen, and against the UTF-8 decoder.
//
// roam's parser is the DEC/ANSI state machine that Mosh uses (docs/protocol.md §12.1)
// and always decodes UTF-8 before parsing, so some libvterm expectations
// differ on purpose:
//   * Raw 8-bit C1 bytes and raw high bytes (libvterm's "UTF8 0" mode) are
//     invalid UTF-8 here; the C1 cases are fed as code points instead.
//   * ESC Fe (7-bit C1) reaches the handler as an ESC dispatch; the
//     emulator then runs it as the C1 control. Checked at both levels.
//   * CAN and SUB are executed (they abort the sequence, as in libvterm);
//     NUL is executed as an unknown control, not dropped.
//   * A CSI with ':' is dispatched only for SGR (final 'm'); "ESC [ 1:2 c"
//     is dropped (Mosh drops every CSI with a colon).
//   * Leaving an OSC string in any way (ESC, CAN, BEL, ST) dispatches it
//     (Mosh's OSC exit action); libvterm discards a cancelled OSC.
//   * C0 controls inside an OSC string are ignored; libvterm executes them.
//   * DCS, SOS, PM and APC contents are consumed without dispatch and end
//     only at ST, ESC, CAN or SUB: BEL does not terminate them.
//   * UTF-8: invalid input follows the Unicode "maximal subpart" rule, so
//     overlongs and surrogates give one U+FFFD per byte that cannot
//     continue, and F7 BF BF BF (beyond U+10FFFF) is four U+FFFD rather
//     than U+1FFFFF.

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "term/parser.h"
#include "term/utf8_decoder.h"
#include "term_test_util.h"

namespace roam::term {
namespace {

using testing::Term;
using V = std::vector<std::string>;

// Records each parser action as one line of text.
struct ActionLog {
  std::vector<std::string> lines;

  static std::string Hex(char32_t c) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02X", static_cast<unsigned>(c));
    return buf;
  }
  static std::string Args(const ParserState& s) {
    std::string out;
    for (int i = 0; i < s.num_params; ++i) {
      if (i > 0) out += s.IsSubParam(i) ? ":" : ";";
      if (s.RawParam(i) >= 0) out += std::to_string(s.RawParam(i));
    }
    return out;
  }
  static std::string Marks(const ParserState& s) {
    return std::string(s.intermediates, static_cast<size_t>(s.num_intermediates));
  }
  void Print(char32_t c) { lines.push_back("text " + Hex(c)); }
  void Execute(char32_t c) { lines.push_back("control " + Hex(c)); }
  void EscDispatch(const ParserState& s, char32_t f) {
    lines.push_back("escape " + Marks(s) + Hex(f));
  }
  void CsiDispatch(const ParserState& s, char32_t f) {
    lines.push_back("csi " + Hex(f) + " [" + Marks(s) + "] " + Args(s));
  }
  void OscDispatch(const ParserState& s) { lines.push_back("osc " + s.osc); }
};

class LibvtermParserPortTest : public ::testing::Test {
 protected:
  // Feeds UTF-8 bytes; returns the actions they caused.
  V Push(const std::string& bytes) {
    log_.lines.clear();
    for (char b : bytes) {
      decoder_.Feed(static_cast<uint8_t>(b), [&](char32_t c) { parser_.Step(c, log_); });
    }
    return log_.lines;
  }
  // Feeds code points directly (C1 controls, high code points).
  V PushCodePoints(const std::u32string& cps) {
    log_.lines.clear();
    for (char32_t c : cps) parser_.Step(c, log_);
    return log_.lines;
  }

  Parser parser_;
  Utf8Decoder decoder_;
  ActionLog log_;
};

TEST_F(LibvtermParserPortTest, BasicTextAndMixedControls) {
  EXPECT_EQ(Push("hello"), (V{"text 68", "text 65", "text 6C", "text 6C", "text 6F"}));
  EXPECT_EQ(Push("1\n2"), (V{"text 31", "control 0A", "text 32"}));
}

TEST_F(LibvtermParserPortTest, C0Controls) {
  EXPECT_EQ(Push("\x03"), V{"control 03"});
  EXPECT_EQ(Push("\x1f"), V{"control 1F"});
}

TEST_F(LibvtermParserPortTest, C1ControlsAsCodePoints) {
  EXPECT_EQ(PushCodePoints(U"\u0083"), V{"control 83"});
  EXPECT_EQ(PushCodePoints(U"\u0099"), V{"control 99"});
  // The same controls in UTF-8 form.
  EXPECT_EQ(Push("\xC2\x83\xC2\x99"), (V{"control 83", "control 99"}));
}

TEST_F(LibvtermParserPortTest, SevenBitC1IsAnEscapeDispatch) {
  EXPECT_EQ(Push("\x1b\x43"), V{"escape 43"});
  EXPECT_EQ(Push("\x1b\x59"), V{"escape 59"});
}

TEST_F(LibvtermParserPortTest, HighCodePointsAreText) {
  EXPECT_EQ(PushCodePoints(U"\u00A0\u00CC\u00FE"), (V{"text A0", "text CC", "text FE"}));
  // As raw bytes they are not UTF-8: each becomes U+FFFD text.
  EXPECT_EQ(Push("\xa0\xcc\xfe"), (V{"text FFFD", "text FFFD", "text FFFD"}));
}

TEST_F(LibvtermParserPortTest, EscapeSequences) {
  EXPECT_EQ(Push("\x1b="), V{"escape 3D"});
  EXPECT_EQ(Push("\x1b(X"), V{"escape (58"});
  EXPECT_EQ(Push("\x1b("), V{});
  EXPECT_EQ(Push("Y"), V{"escape (59"});
}

TEST_F(LibvtermParserPortTest, EscapeCancelsEscapeAndStartsAnother) {
  EXPECT_EQ(Push("\x1b(\x1b)Z"), V{"escape )5A"});
}

TEST_F(LibvtermParserPortTest, CanCancelsEscape) {
  EXPECT_EQ(Push("\x1b(\x18"
                 "AB"),
            (V{"control 18", "text 41", "text 42"}));
  EXPECT_EQ(Push("\x1b(\x1a"
                 "AB"),
            (V{"control 1A", "text 41", "text 42"}));
}

TEST_F(LibvtermParserPortTest, C0InEscapeInterruptsAndContinues) {
  EXPECT_EQ(Push("\x1b(\nX"), (V{"control 0A", "escape (58"}));
}

TEST_F(LibvtermParserPortTest, CsiArguments) {
  EXPECT_EQ(Push("\x1b[a"), V{"csi 61 [] "});
  EXPECT_EQ(Push("\x1b[9b"), V{"csi 62 [] 9"});
  EXPECT_EQ(Push("\x1b[3;4c"), V{"csi 63 [] 3;4"});
  EXPECT_EQ(Push("\x1b[678d"), V{"csi 64 [] 678"});
  EXPECT_EQ(Push("\x1b[007e"), V{"csi 65 [] 7"});
  EXPECT_EQ(Push("\x1b[;5H"), V{"csi 48 [] ;5"});
}

TEST_F(LibvtermParserPortTest, CsiSubParameters) {
  // SGR keeps the colon form; any other final drops the sequence.
  EXPECT_EQ(Push("\x1b[1:2m"), V{"csi 6D [] 1:2"});
  EXPECT_EQ(Push("\x1b[38:2::10:20:30;1m"), V{"csi 6D [] 38:2::10:20:30;1"});
  EXPECT_EQ(Push("\x1b[1:2c"), V{});
  EXPECT_EQ(Push("x"), V{"text 78"});  // back in ground state
}

TEST_F(LibvtermParserPortTest, CsiPrivateMarkersAndIntermediates) {
  EXPECT_EQ(Push("\x1b[?2;7f"), V{"csi 66 [?] 2;7"});
  EXPECT_EQ(Push("\x1b[>c"), V{"csi 63 [>] "});
  EXPECT_EQ(Push("\x1b[12 q"), V{"csi 71 [ ] 12"});
  EXPECT_EQ(Push("\x1b[?1$p"), V{"csi 70 [?$] 1"});
}

TEST_F(LibvtermParserPortTest, MixedCsiAndText) {
  EXPECT_EQ(Push("A\x1b[8mB"), (V{"text 41", "csi 6D [] 8", "text 42"}));
}

TEST_F(LibvtermParserPortTest, CsiSplitAcrossWrites) {
  EXPECT_EQ(Push("\x1b"), V{});
  EXPECT_EQ(Push("[a"), V{"csi 61 [] "});
  EXPECT_EQ(Push("foo\x1b["), (V{"text 66", "text 6F", "text 6F"}));
  EXPECT_EQ(Push("4b"), V{"csi 62 [] 4"});
  EXPECT_EQ(Push("\x1b[12;"), V{});
  EXPECT_EQ(Push("3c"), V{"csi 63 [] 12;3"});
}

TEST_F(LibvtermParserPortTest, EscapeCancelsCsi) {
  EXPECT_EQ(Push("\x1b[123\x1b"
                 "9"),
            V{"escape 39"});
}

TEST_F(LibvtermParserPortTest, CanCancelsCsi) {
  EXPECT_EQ(Push("\x1b[12\x18"
                 "AB"),
            (V{"control 18", "text 41", "text 42"}));
}

TEST_F(LibvtermParserPortTest, C0InCsiInterruptsAndContinues) {
  EXPECT_EQ(Push("\x1b[12\n;3X"), (V{"control 0A", "csi 58 [] 12;3"}));
}

TEST_F(LibvtermParserPortTest, NulAndDelInsideCsi) {
  // NUL executes (Mosh: an unknown control); the parameters continue.
  EXPECT_EQ(Push(std::string("\x1b[12\x00"
                             "3m",
                             7)),
            (V{"control 00", "csi 6D [] 123"}));
  // DEL is ignored inside a sequence.
  EXPECT_EQ(Push("\x1b[12\x7f"
                 "3m"),
            V{"csi 6D [] 123"});
}

TEST_F(LibvtermParserPortTest, OscTerminators) {
  EXPECT_EQ(Push("\x1b]1;Hello\x07"), V{"osc 1;Hello"});
  // ESC ends the string; the "\" then completes an ESC dispatch (ST).
  EXPECT_EQ(Push("\x1b]1;Hello\x1b\\"), (V{"osc 1;Hello", "escape 5C"}));
  EXPECT_EQ(PushCodePoints(U"\u009D1;Hello\u009C"), V{"osc 1;Hello"});
}

TEST_F(LibvtermParserPortTest, OscInParts) {
  EXPECT_EQ(Push("\x1b]52;abc"), V{});
  EXPECT_EQ(Push("def"), V{});
  EXPECT_EQ(Push("ghi\x1b\\"), (V{"osc 52;abcdefghi", "escape 5C"}));
}

TEST_F(LibvtermParserPortTest, OscWithoutSemicolon) {
  EXPECT_EQ(Push("\x1b]1234\x07"), V{"osc 1234"});
  EXPECT_EQ(Push("\x1b]1234\x1b\\"), (V{"osc 1234", "escape 5C"}));
}

TEST_F(LibvtermParserPortTest, EscapeAndCanEndOsc) {
  // Leaving the string dispatches it (Mosh); libvterm drops it.
  EXPECT_EQ(Push("\x1b]Something\x1b"
                 "9"),
            (V{"osc Something", "escape 39"}));
  EXPECT_EQ(Push("\x1b]12\x18"
                 "AB"),
            (V{"osc 12", "control 18", "text 41", "text 42"}));
}

TEST_F(LibvtermParserPortTest, C0InsideOscIsIgnored) {
  EXPECT_EQ(Push("\x1b]2;\nBye\x07"), V{"osc 2;Bye"});
}

TEST_F(LibvtermParserPortTest, DcsIsConsumedUntilStringTerminator) {
  EXPECT_EQ(Push("\x1bPHello\x1b\\"), V{"escape 5C"});
  EXPECT_EQ(PushCodePoints(U"\u0090Hello\u009C"), V{});
  EXPECT_EQ(Push("after"), (V{"text 61", "text 66", "text 74", "text 65", "text 72"}));
  // BEL does not end a DCS: the text after it is still swallowed.
  EXPECT_EQ(Push("\x1bPHello\x07World\x1b\\!"), (V{"escape 5C", "text 21"}));
  // Neither does a C0 control inside it.
  EXPECT_EQ(Push("\x1bPBy\ne\x1b\\"), V{"escape 5C"});
}

TEST_F(LibvtermParserPortTest, EscapeAndCanCancelDcs) {
  EXPECT_EQ(Push("\x1bPSomething\x1b"
                 "9"),
            V{"escape 39"});
  EXPECT_EQ(Push("\x1bP12\x18"
                 "AB"),
            (V{"control 18", "text 41", "text 42"}));
}

TEST_F(LibvtermParserPortTest, SosPmApcStringsAreConsumed) {
  for (const char* intro : {"\x1b_", "\x1b^", "\x1bX"}) {
    EXPECT_EQ(Push(std::string(intro) + "Hello\x1b\\Z"), (V{"escape 5C", "text 5A"})) << intro;
    EXPECT_EQ(Push(std::string(intro) + "Hello\x07"
                                        "Z\x1b\\"),
              V{"escape 5C"})
        << intro;
  }
  for (char32_t intro : {U'\u009F', U'\u009E', U'\u0098'}) {
    EXPECT_EQ(PushCodePoints(std::u32string(1, intro) + U"Hello\u009CZ"), V{"text 5A"});
  }
}

TEST_F(LibvtermParserPortTest, NulAndDelInText) {
  EXPECT_EQ(Push(std::string("\x00", 1)), V{"control 00"});
  // The state machine passes DEL to Print; the emulator ignores it (below).
  EXPECT_EQ(Push("AB\x7f"
                 "C"),
            (V{"text 41", "text 42", "text 7F", "text 43"}));
}

// ---- The same inputs through the emulator ----

// Writes `bytes` whole to one terminal and byte by byte to another; both
// must end identical (the emulator's fast paths and the parser agree).
Term WriteBothWays(const std::string& bytes) {
  Term whole(80, 25);
  Term split(80, 25);
  whole.Write(bytes);
  for (char b : bytes) split.Write(std::string(1, b));
  EXPECT_TRUE(whole.fb() == split.fb()) << "split writes differ for input of size " << bytes.size();
  return whole;
}

TEST(LibvtermParserEmulatorPortTest, DelInsideTextIsIgnored) {
  Term t = WriteBothWays(
      "AB\x7f"
      "C");
  EXPECT_EQ(t.Line(0), "ABC");
  EXPECT_EQ(t.Cursor(), std::make_pair(0, 3));
}

TEST(LibvtermParserEmulatorPortTest, NulIsIgnoredOnScreen) {
  Term t =
      WriteBothWays(std::string("A\x00"
                                "B\x1b[12\x00"
                                "3G*",
                                11));
  // CHA 123 (the NUL does not split the parameter) clamps to column 79.
  EXPECT_EQ(t.Line(0), "AB" + std::string(77, ' ') + "*");
}

TEST(LibvtermParserEmulatorPortTest, SevenAndEightBitC1AreEquivalent) {
  // IND, NEL, RI, HTS: ESC Fe and the UTF-8 encoded C1 code point.
  const char* const pairs[][2] = {{"\x1b"
                                   "D",
                                   "\xC2\x84"},
                                  {"\x1b"
                                   "E",
                                   "\xC2\x85"},
                                  {"\x1bM", "\xC2\x8D"},
                                  {"\x1bH", "\xC2\x88"}};
  for (const auto& pair : pairs) {
    const std::string prefix = "\x1b[5;10Hab";
    const std::string suffix = "c\x1b[G\tX";
    Term seven = WriteBothWays(prefix + pair[0] + suffix);
    Term eight = WriteBothWays(prefix + pair[1] + suffix);
    EXPECT_TRUE(seven.fb() == eight.fb()) << pair[0];
  }
  Term t = WriteBothWays(
      "\x1b[5;10Hab\x1b"
      "Ec");
  EXPECT_EQ(t.Line(5), "c");
  EXPECT_EQ(t.Cursor(), std::make_pair(5, 1));
}

TEST(LibvtermParserEmulatorPortTest, CancelledSequencesPrintTheRest) {
  Term t = WriteBothWays(
      "\x1b(\x18"
      "AB\x1b[12\x18"
      "CD\x1bP12\x18"
      "EF");
  EXPECT_EQ(t.Line(0), "ABCDEF");
}

TEST(LibvtermParserEmulatorPortTest, ControlInsideCsiRunsFirst) {
  // "ESC [ 12 LF ; 3 H": the LF moves down, then CUP 12;3 applies.
  Term t = WriteBothWays("x\x1b[12\n;3H");
  EXPECT_EQ(t.Cursor(), std::make_pair(11, 2));
  Term u = WriteBothWays(
      "\x1b[5;5H\x1b[2\r"
      "C");
  EXPECT_EQ(u.Cursor(), std::make_pair(4, 2));
}

TEST(LibvtermParserEmulatorPortTest, OscTitleSplitAcrossWrites) {
  Term t(80, 25);
  t.Write("\x1b]2;Here is");
  t.Write(" my ti");
  t.Write(
      "tle\x07"
      "after");
  EXPECT_EQ(t.fb().title(), "Here is my title");
  EXPECT_EQ(t.Line(0), "after");
  // An OSC ended by ESC still takes effect (Mosh's OSC exit action).
  t.Write(
      "\x1b]2;Other\x1b"
      "9");
  EXPECT_EQ(t.fb().title(), "Other");
}

TEST(LibvtermParserEmulatorPortTest, StringsAreInvisible) {
  Term t = WriteBothWays("a\x1bPq#0;1;2\x1b\\b\x1b_apc\x1b\\c\x1b^pm\x07pm\x1b\\d\x1bXsos\x1b\\e");
  EXPECT_EQ(t.Line(0), "abcde");
  EXPECT_EQ(t.Cursor(), std::make_pair(0, 5));
}

// ---- t/03encoding_utf8 through the decoder ----

std::vector<char32_t> Decode(const std::string& bytes) {
  Utf8Decoder d;
  std::vector<char32_t> out;
  for (char b : bytes) d.Feed(static_cast<uint8_t>(b), [&](char32_t c) { out.push_back(c); });
  return out;
}

using C = std::vector<char32_t>;

TEST(LibvtermUtf8PortTest, ValidBoundaries) {
  EXPECT_EQ(Decode("123"), (C{0x31, 0x32, 0x33}));
  EXPECT_EQ(Decode("\xC2\x80\xDF\xBF"), (C{0x80, 0x7FF}));
  EXPECT_EQ(Decode("\xE0\xA0\x80\xEF\xBF\xBD"), (C{0x800, 0xFFFD}));
  EXPECT_EQ(Decode("\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"), (C{0x10000, 0x10FFFF}));
  // libvterm decodes F7 BF BF BF to U+1FFFFF; beyond U+10FFFF it is not
  // Unicode, so each byte is one U+FFFD.
  EXPECT_EQ(Decode("\xF7\xBF\xBF\xBF"), (C{0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD}));
}

TEST(LibvtermUtf8PortTest, EarlyTermination) {
  EXPECT_EQ(Decode("\xC2!"), (C{0xFFFD, 0x21}));
  EXPECT_EQ(Decode("\xE0!\xE0\xA0!"), (C{0xFFFD, 0x21, 0xFFFD, 0x21}));
  EXPECT_EQ(Decode("\xF0!\xF0\x90!\xF0\x90\x80!"), (C{0xFFFD, 0x21, 0xFFFD, 0x21, 0xFFFD, 0x21}));
}

TEST(LibvtermUtf8PortTest, EarlyRestart) {
  EXPECT_EQ(Decode("\xC2\xC2\x90"), (C{0xFFFD, 0x90}));
  EXPECT_EQ(Decode("\xE0\xC2\x90\xE0\xA0\xC2\x90"), (C{0xFFFD, 0x90, 0xFFFD, 0x90}));
  EXPECT_EQ(Decode("\xF0\xC2\x90\xF0\x90\xC2\x90\xF0\x90\x80\xC2\x90"),
            (C{0xFFFD, 0x90, 0xFFFD, 0x90, 0xFFFD, 0x90}));
}

TEST(LibvtermUtf8PortTest, OverlongsAreRejectedPerMaximalSubpart) {
  // C0 and C1 never start a sequence; the continuation bytes stand alone.
  EXPECT_EQ(Decode("\xC0\x80\xC1\xBF"), (C{0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD}));
  // E0 needs A0..BF next, F0 needs 90..BF.
  EXPECT_EQ(Decode("\xE0\x80\x80\xE0\x9F\xBF"), C(6, 0xFFFD));
  EXPECT_EQ(Decode("\xF0\x80\x80\x80\xF0\x8F\xBF\xBF"), C(8, 0xFFFD));
}

TEST(LibvtermUtf8PortTest, SurrogatesAreRejected) {
  EXPECT_EQ(Decode("\xED\xA0\x80\xED\xBF\xBF"), C(6, 0xFFFD));
  EXPECT_EQ(Decode("\xED\x9F\xBF"), C{0xD7FF});
}

TEST(LibvtermUtf8PortTest, SplitAcrossWritesOnScreen) {
  Term t(80, 25);
  t.Write("\xE2");
  t.Write("\x82");
  t.Write("\xAC\xC2");
  t.Write("!");
  EXPECT_EQ(t.Line(0), "\xE2\x82\xAC\xEF\xBF\xBD!");
  EXPECT_EQ(t.Cursor(), std::make_pair(0, 3));
}

}  // namespace
}  // namespace roam::term
