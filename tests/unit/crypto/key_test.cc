// Key: the 22-character text form accepted exactly as mosh-client accepts it,
// generation, and copies/moves.

#include "crypto/key.h"

#include <gtest/gtest.h>

#include <string>

#include "unit/crypto/hex.h"

namespace roam::crypto {
namespace {

using testing::FromHex;
using testing::ToHex;

// The throwaway key of the captured Mosh session of docs/protocol.md §15.
constexpr char kCaptureKeyText[] = "SY36IMieR0NIt2yGTGVHrQ";
constexpr char kCaptureKeyHex[] = "498dfa20c89e474348b76c864c6547ad";

TEST(KeyTest, DecodesTheCapturedSessionKey) {
  Result<Key> key = Key::FromBase64(kCaptureKeyText);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(ToHex(std::string(reinterpret_cast<const char*>(key->data()), Key::kSize)),
            kCaptureKeyHex);
  EXPECT_EQ(key->ToBase64(), kCaptureKeyText);
}

TEST(KeyTest, EncodesRawBytes) {
  EXPECT_EQ(Key::FromBytes(FromHex(kCaptureKeyHex)).ToBase64(), kCaptureKeyText);
  EXPECT_EQ(Key::FromBytes(std::string(16, '\0')).ToBase64(), "AAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(Key::FromBytes(std::string(16, '\xff')).ToBase64(), "/////////////////////w");
}

TEST(KeyTest, AcceptsEachCanonicalLastCharacter) {
  for (char last : {'A', 'Q', 'g', 'w'}) {
    std::string text = std::string("SY36IMieR0NIt2yGTGVHr") + last;
    Result<Key> key = Key::FromBase64(text);
    ASSERT_TRUE(key.ok()) << text;
    EXPECT_EQ(key->ToBase64(), text);
  }
  EXPECT_TRUE(Key::FromBase64("ab+/09AZaz+/09AZaz+/0A").ok());
}

struct RejectCase {
  const char* text;
  const char* why;
};

TEST(KeyTest, RejectsWhatMoshClientRejects) {
  const RejectCase cases[] = {
      {"", "empty"},
      {"SY36IMieR0NIt2yGTGVHr", "21 characters"},
      {"SY36IMieR0NIt2yGTGVHrQA", "23 characters"},
      {"SY36IMieR0NIt2yGTGVHrQ==", "with the padding left on"},
      {"SY36IMieR0NIt2yGTGVH==", "padding inside the 22 characters"},
      {"SY36IMieR0NIt2yGTGVHr=", "one padding character"},
      {"SY36IMieR0NIt2yGTGVHrR", "non-zero low bits in the last character"},
      {"SY36IMieR0NIt2yGTGVHrB", "non-zero low bits (B)"},
      {"SY36IMieR0NIt2yGTGVHr/", "non-zero low bits (/)"},
      {"SY36IMie-0NIt2yGTGVHrQ", "URL-safe alphabet '-'"},
      {"SY36IMie_0NIt2yGTGVHrQ", "URL-safe alphabet '_'"},
      {"SY36IMie 0NIt2yGTGVHrQ", "a space"},
      {"SY36IMie\n0NIt2yGTGVHrQ", "a newline (23 chars)"},
      {"SY36IMieR0NIt2yGTGVH\xc3\xa9", "non-ASCII"},
  };
  for (const RejectCase& c : cases) {
    Result<Key> key = Key::FromBase64(c.text);
    ASSERT_FALSE(key.ok()) << c.why;
    EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument) << c.why;
    // The message names the problem but never echoes the key text.
    EXPECT_EQ(key.status().message().find("SY36IMie"), std::string::npos) << c.why;
  }
}

TEST(KeyTest, LengthErrorSaysWhatWasGot) {
  Result<Key> key = Key::FromBase64("SY36IMieR0NIt2yGTGVHr");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().message(), "MOSH_KEY must be 22 base64 characters, got 21");
}

TEST(KeyTest, GeneratedKeysRoundTripAndDiffer) {
  Key a = Key::Generate();
  Key b = Key::Generate();
  EXPECT_NE(a, b);  // 2^-128 chance of a false failure
  for (const Key* k : {&a, &b}) {
    const std::string text = k->ToBase64();
    ASSERT_EQ(text.size(), 22u);
    EXPECT_NE(std::string("AQgw").find(text.back()), std::string::npos);
    Result<Key> back = Key::FromBase64(text);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, *k);
  }
}

TEST(KeyTest, CopiesAreEqualAndMovesWipeTheSource) {
  Key a = Key::FromBytes(FromHex(kCaptureKeyHex));
  Key copy = a;
  EXPECT_EQ(copy, a);
  Key moved = std::move(a);
  EXPECT_EQ(moved, copy);
  // The moved-from key holds only zeros.
  EXPECT_EQ(a, Key::FromBytes(std::string(16, '\0')));  // NOLINT(bugprone-use-after-move)
  Key assigned = Key::FromBytes(std::string(16, '\x01'));
  assigned = std::move(moved);
  EXPECT_EQ(assigned, copy);
  EXPECT_EQ(moved, Key::FromBytes(std::string(16, '\0')));  // NOLINT(bugprone-use-after-move)
}

}  // namespace
}  // namespace roam::crypto
