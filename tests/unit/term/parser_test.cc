// Parser: the DEC ANSI state machine of docs/protocol.md §12.1, observed through a
// handler that records every action as text.

#include "term/parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "term/utf8_decoder.h"

namespace roam::term {
namespace {

struct Recorder {
  std::vector<std::string> log;

  static std::string Hex(char32_t c) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%X", static_cast<unsigned>(c));
    return buf;
  }
  static std::string Params(const ParserState& s) {
    std::string out;
    for (int i = 0; i < s.ParamCount(); ++i) {
      if (i > 0) out += s.IsSubParam(i) ? ":" : ";";
      int v = s.RawParam(i);
      if (v >= 0) out += std::to_string(v);
    }
    return out;
  }
  void Print(char32_t c) { log.push_back("print " + Hex(c)); }
  void Execute(char32_t c) { log.push_back("exec " + Hex(c)); }
  void EscDispatch(const ParserState& s, char32_t f) {
    log.push_back("esc " + std::string(s.intermediates, s.num_intermediates) + Hex(f));
  }
  void CsiDispatch(const ParserState& s, char32_t f) {
    log.push_back("csi " + std::string(s.intermediates, s.num_intermediates) + Params(s) + " " +
                  Hex(f));
  }
  void OscDispatch(const ParserState& s) {
    log.push_back("osc " + s.osc + (s.osc_bel ? " bel" : ""));
  }
};

class ParserTest : public ::testing::Test {
 protected:
  std::vector<std::string> Feed(const std::string& bytes) {
    rec_.log.clear();
    for (char b : bytes) {
      decoder_.Feed(static_cast<uint8_t>(b), [&](char32_t c) { parser_.Step(c, rec_); });
    }
    return rec_.log;
  }
  std::vector<std::string> FeedCodePoints(const std::u32string& cps) {
    rec_.log.clear();
    for (char32_t c : cps) parser_.Step(c, rec_);
    return rec_.log;
  }

  Parser parser_;
  Utf8Decoder decoder_;
  Recorder rec_;
};

using V = std::vector<std::string>;

TEST_F(ParserTest, PrintsAndExecutes) {
  EXPECT_EQ(Feed("a\r\n\x7f"), (V{"print 61", "exec D", "exec A", "print 7F"}));
}

TEST_F(ParserTest, CsiParametersAndDefaults) {
  EXPECT_EQ(Feed("\x1b[1;22H"), V{"csi 1;22 48"});
  EXPECT_EQ(Feed("\x1b[H"), V{"csi  48"});
  EXPECT_EQ(Feed("\x1b[;5H"), V{"csi ;5 48"});
  EXPECT_EQ(Feed("\x1b[?25l"), V{"csi ?25 6C"});
  EXPECT_EQ(Feed("\x1b[>c"), V{"csi > 63"});
  EXPECT_EQ(Feed("\x1b[!p"), V{"csi ! 70"});
  EXPECT_EQ(Feed("\x1b[2 q"), V{"csi  2 71"});
}

TEST_F(ParserTest, ValuesAbove65535AreMissing) {
  Feed("\x1b[65535;65536;99999999X");
  // Check the dispatched state directly.
  EXPECT_EQ(parser_.state().RawParam(0), 65535);
  EXPECT_EQ(parser_.state().RawParam(1), -1);
  EXPECT_EQ(parser_.state().RawParam(2), -1);
  EXPECT_EQ(parser_.state().Param(1, 7), 7);
}

TEST_F(ParserTest, OnlyFirstHundredParameterCharactersAreKept) {
  std::string seq = "\x1b[";
  for (int i = 0; i < 60; ++i) seq += "1;";  // 120 characters
  seq += "m";
  Feed(seq);
  EXPECT_EQ(parser_.state().param_chars, 100);
  EXPECT_EQ(parser_.state().ParamCount(), 51);
}

TEST_F(ParserTest, ColonIsKeptForSgrAndIgnoredOtherwise) {
  EXPECT_EQ(Feed("\x1b[38:2::1:2:3m"), V{"csi 38:2::1:2:3 6D"});
  EXPECT_EQ(Feed("\x1b[1:2H"), V{});   // csi-ignore: no dispatch
  EXPECT_EQ(Feed("\x1b[?4:3m"), V{});  // private + colon
  EXPECT_EQ(Feed("\x1b[4:3 m"), V{});  // intermediate + colon
}

TEST_F(ParserTest, PrivateMarkerAfterParameterIgnoresSequence) {
  EXPECT_EQ(Feed("\x1b[1?h"), V{});
  EXPECT_EQ(Feed("x"), V{"print 78"});
}

TEST_F(ParserTest, ControlsExecuteInsideCsi) {
  EXPECT_EQ(Feed("\x1b[1\n;2H"), (V{"exec A", "csi 1;2 48"}));
}

TEST_F(ParserTest, CanAndSubAbortSequence) {
  EXPECT_EQ(Feed("\x1b[12\x18"
                 "A"),
            (V{"exec 18", "print 41"}));
  EXPECT_EQ(Feed("\x1b[12\x1a"
                 "A"),
            (V{"exec 1A", "print 41"}));
}

TEST_F(ParserTest, EscapeSequences) {
  EXPECT_EQ(Feed("\x1b"
                 "7"),
            V{"esc 37"});
  EXPECT_EQ(Feed("\x1b(0"), V{"esc (30"});
  EXPECT_EQ(Feed("\x1b#8"), V{"esc #38"});
  EXPECT_EQ(Feed("\x1b"
                 "D"),
            V{"esc 44"});
}

TEST_F(ParserTest, C1ControlsAsCodePoints) {
  EXPECT_EQ(FeedCodePoints(U"\u009B5A"), V{"csi 5 41"});
  EXPECT_EQ(FeedCodePoints(U"\u0084"), V{"exec 84"});
  EXPECT_EQ(FeedCodePoints(U"\u009Dx\u009C"), V{"osc x"});
  EXPECT_EQ(FeedCodePoints(U"\u0090qabc\u009Cz"), V{"print 7A"});
  EXPECT_EQ(FeedCodePoints(U"\u009Eignored\u009Cz"), V{"print 7A"});
}

TEST_F(ParserTest, HighCodePointsActLikeLetterA) {
  // As an ESC final: dispatched with the real character.
  EXPECT_EQ(Feed("\x1b\xC3\xA9"), V{"esc E9"});
  // As a CSI final.
  EXPECT_EQ(Feed("\x1b[1\xC3\xA9"), V{"csi 1 E9"});
}

TEST_F(ParserTest, OscTerminatorsAndContents) {
  EXPECT_EQ(Feed("\x1b]0;title\x07"), V{"osc 0;title bel"});
  EXPECT_EQ(Feed("\x1b]2;t\xC3\xA9\x1b\\"), (V{"osc 2;t\xC3\xA9", "esc 5C"}));
  // Other C0 characters inside are dropped.
  EXPECT_EQ(Feed("\x1b]2;a\x01"
                 "b\x07"),
            V{"osc 2;ab bel"});
  // CAN leaves the string: it is dispatched, then CAN executes.
  EXPECT_EQ(Feed("\x1b]2;x\x18"), (V{"osc 2;x", "exec 18"}));
}

TEST_F(ParserTest, OscSurvivesSplitsAcrossManyWrites) {
  std::string seq = "\x1b]2;";
  seq += std::string(1000, 'x');
  seq += "\x07";
  std::vector<std::string> all;
  for (char c : seq) {
    for (auto& e : Feed(std::string(1, c))) all.push_back(e);
  }
  EXPECT_EQ(all, V{"osc 2;" + std::string(1000, 'x') + " bel"});
}

TEST_F(ParserTest, OscIsCappedAt16384Characters) {
  Feed("\x1b]2;" + std::string(20000, 'y') + "\x07");
  EXPECT_EQ(rec_.log.size(), 1u);
  EXPECT_EQ(rec_.log[0].size(), std::string("osc ").size() + 16384 + std::string(" bel").size());
}

TEST_F(ParserTest, DcsContentsAreConsumed) {
  EXPECT_EQ(Feed("\x1bP1$qm\x1b\\z"), (V{"esc 5C", "print 7A"}));
  EXPECT_EQ(Feed("\x1b_apc\x07z"), V{});  // BEL does not end APC
  EXPECT_EQ(Feed("\x1b\\"), V{"esc 5C"});
}

TEST_F(ParserTest, IntermediatesCappedAtEight) {
  Feed("\x1b[??????????h");
  EXPECT_EQ(parser_.state().num_intermediates, 1);  // second '?' goes to csi-ignore
  Feed("\x1b[          q");
  EXPECT_EQ(parser_.state().num_intermediates, 8);
}

}  // namespace
}  // namespace roam::term
