// CharWidth: the pinned Unicode 15.0 width table, checked on known code
// points of every class.

#include "term/unicode_width.h"

#include <gtest/gtest.h>

namespace roam::term {
namespace {

TEST(UnicodeWidthTest, AsciiPrintableIsOneControlsAreUnprintable) {
  for (char32_t c = 0x20; c < 0x7F; ++c)
    EXPECT_EQ(CharWidth(c), 1) << std::hex << static_cast<uint32_t>(c);
  for (char32_t c = 0; c < 0x20; ++c)
    EXPECT_EQ(CharWidth(c), -1) << std::hex << static_cast<uint32_t>(c);
  EXPECT_EQ(CharWidth(0x7F), -1);
  for (char32_t c = 0x80; c < 0xA0; ++c)
    EXPECT_EQ(CharWidth(c), -1) << std::hex << static_cast<uint32_t>(c);
}

TEST(UnicodeWidthTest, EveryPrintableLatin1CharIsOne) {
  for (char32_t c = 0xA0; c <= 0xFF; ++c)
    EXPECT_EQ(CharWidth(c), 1) << std::hex << static_cast<uint32_t>(c);
  EXPECT_EQ(CharWidth(0xAD), 1);  // soft hyphen is Cf, but Latin-1 wins
}

TEST(UnicodeWidthTest, WideEastAsian) {
  EXPECT_EQ(CharWidth(0x4E00), 2);   // CJK ideograph
  EXPECT_EQ(CharWidth(0x3042), 2);   // Hiragana A
  EXPECT_EQ(CharWidth(0xAC00), 2);   // Hangul syllable
  EXPECT_EQ(CharWidth(0xFF21), 2);   // fullwidth A
  EXPECT_EQ(CharWidth(0x3000), 2);   // ideographic space (F)
  EXPECT_EQ(CharWidth(0x20000), 2);  // CJK extension B
  EXPECT_EQ(CharWidth(0x1100), 2);   // Hangul Jamo initial
}

TEST(UnicodeWidthTest, EmojiPresentationIsWide) {
  EXPECT_EQ(CharWidth(0x1F600), 2);  // grinning face
  EXPECT_EQ(CharWidth(0x1F680), 2);  // rocket
  EXPECT_EQ(CharWidth(0x231A), 2);   // watch
  EXPECT_EQ(CharWidth(0x1F1E6), 2);  // regional indicator A
  EXPECT_EQ(CharWidth(0x2764), 1);   // heavy black heart: text presentation
  EXPECT_EQ(CharWidth(0x263A), 1);   // white smiling face: text presentation
}

TEST(UnicodeWidthTest, CombiningAndFormatAreZero) {
  EXPECT_EQ(CharWidth(0x0301), 0);   // combining acute (Mn)
  EXPECT_EQ(CharWidth(0x20DD), 0);   // combining enclosing circle (Me)
  EXPECT_EQ(CharWidth(0x200D), 0);   // ZWJ (Cf)
  EXPECT_EQ(CharWidth(0x200B), 0);   // zero width space (Cf)
  EXPECT_EQ(CharWidth(0xFE0F), 0);   // variation selector 16
  EXPECT_EQ(CharWidth(0xE0101), 0);  // variation selector supplement
  EXPECT_EQ(CharWidth(0x1160), 0);   // Hangul Jamo medial vowel filler
  EXPECT_EQ(CharWidth(0x11A8), 0);   // Hangul Jamo final consonant
  EXPECT_EQ(CharWidth(0xD7B0), 0);   // Hangul Jamo extended-B
}

TEST(UnicodeWidthTest, NarrowNonLatin) {
  EXPECT_EQ(CharWidth(0x0100), 1);  // A macron
  EXPECT_EQ(CharWidth(0x0416), 1);  // Cyrillic Zhe
  EXPECT_EQ(CharWidth(0x2500), 1);  // box drawing
  EXPECT_EQ(CharWidth(0xFF61), 1);  // halfwidth ideographic full stop
  EXPECT_EQ(CharWidth(0xE000), 1);  // private use
  EXPECT_EQ(CharWidth(0xFFFD), 1);  // replacement character
}

TEST(UnicodeWidthTest, UnassignedSurrogatesNoncharactersAreUnprintable) {
  EXPECT_EQ(CharWidth(0x0378), -1);    // unassigned
  EXPECT_EQ(CharWidth(0xD800), -1);    // surrogate
  EXPECT_EQ(CharWidth(0xFFFF), -1);    // noncharacter
  EXPECT_EQ(CharWidth(0xFDD0), -1);    // noncharacter
  EXPECT_EQ(CharWidth(0x10FFFF), -1);  // noncharacter
  EXPECT_EQ(CharWidth(0x110000), -1);  // beyond Unicode
  EXPECT_EQ(CharWidth(0xFFFFFFFF), -1);
}

}  // namespace
}  // namespace roam::term
