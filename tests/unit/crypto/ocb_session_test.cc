// OcbSession: the two captured Mosh datagrams of docs/protocol.md §15 (decrypt to the
// exact plaintext, re-seal to the exact wire bytes), tampering, short input
// and the usage limit.

#include "crypto/ocb_session.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/nonce.h"
#include "unit/crypto/hex.h"

namespace roam::crypto {
namespace {

using testing::FromHex;
using testing::ToHex;

constexpr char kKeyText[] = "SY36IMieR0NIt2yGTGVHrQ";

// Client -> server, first datagram (78 bytes).
constexpr char kClientWire[] =
    "0000000000000000"
    "c7137e1733ae9c611ff1ba932523720a6690682a43e35a8802f61f8a7bcae577"
    "edd985f6ca5f876b2cc006c848b09094f6a00c08a9b1"
    "e2f3112da6f69f41742683075cdea768";
constexpr char kClientPlain[] =
    "403fffff"
    "00000000000000018000"
    "789ce360126090605460d06030e2e0629362d1083090b0e29a7a6b2277dbe96ce3e01e00405006c1";

// Server -> client, first datagram (67 bytes).
constexpr char kServerWire[] =
    "8000000000000000"
    "02143271806c2ea12afc77c7f92e7135bffb2fad57dd3200969f223c1f782ddb"
    "01e67e2a45461b0d2e4cea"
    "4e0a1e9c408add6a66b4b7efd0f6b335";
constexpr char kServerPlain[] =
    "4041403f"
    "00000000000000018000"
    "789ce360126090605460d4603062b0623f3337b5f5bf4b0e001d5b04f2";

Key CaptureKey() { return *Key::FromBase64(kKeyText); }

TEST(OcbSessionTest, CapturedVectorsHaveTheDocumentedLengths) {
  EXPECT_EQ(FromHex(kClientWire).size(), 78u);
  EXPECT_EQ(FromHex(kServerWire).size(), 67u);
}

TEST(OcbSessionTest, OpensCapturedClientDatagram) {
  OcbSession session(CaptureKey());
  Result<OcbSession::Opened> opened = session.Open(FromHex(kClientWire));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->nonce_word, MakeNonce(Direction::kToServer, 0));
  EXPECT_EQ(ToHex(opened->plaintext), ToHex(FromHex(kClientPlain)));
}

TEST(OcbSessionTest, OpensCapturedServerDatagram) {
  OcbSession session(CaptureKey());
  Result<OcbSession::Opened> opened = session.Open(FromHex(kServerWire));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->nonce_word, MakeNonce(Direction::kToClient, 0));
  EXPECT_EQ(ToHex(opened->plaintext), ToHex(FromHex(kServerPlain)));
}

TEST(OcbSessionTest, SealsCapturedPlaintextsToTheExactWireBytes) {
  OcbSession session(CaptureKey());
  Result<std::string> client =
      session.Seal(MakeNonce(Direction::kToServer, 0), FromHex(kClientPlain));
  ASSERT_TRUE(client.ok());
  EXPECT_EQ(ToHex(*client), ToHex(FromHex(kClientWire)));
  Result<std::string> server =
      session.Seal(MakeNonce(Direction::kToClient, 0), FromHex(kServerPlain));
  ASSERT_TRUE(server.ok());
  EXPECT_EQ(ToHex(*server), ToHex(FromHex(kServerWire)));
}

TEST(OcbSessionTest, SealThenOpenRoundTripsEmptyAndOddSizes) {
  OcbSession a(Key::Generate());
  for (size_t n : {0u, 1u, 15u, 16u, 17u, 1228u, 2024u}) {
    const std::string plain(n, static_cast<char>('a' + n % 26));
    Result<std::string> sealed = a.Seal(MakeNonce(Direction::kToClient, n), plain);
    ASSERT_TRUE(sealed.ok());
    EXPECT_EQ(sealed->size(), n + OcbSession::kOverhead);
    Result<OcbSession::Opened> opened = a.Open(*sealed);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(opened->nonce_word, MakeNonce(Direction::kToClient, n));
    EXPECT_EQ(opened->plaintext, plain);
  }
}

TEST(OcbSessionTest, TamperingWithAnyByteFailsAuthentication) {
  OcbSession session(CaptureKey());
  const std::string wire = FromHex(kClientWire);
  for (size_t i = 0; i < wire.size(); ++i) {
    for (unsigned char flip : {0x01, 0x80}) {
      std::string bad = wire;
      bad[i] = static_cast<char>(bad[i] ^ flip);
      Result<OcbSession::Opened> opened = session.Open(bad);
      ASSERT_FALSE(opened.ok()) << "byte " << i;
      EXPECT_EQ(opened.status().code(), StatusCode::kAuthFailed) << "byte " << i;
    }
  }
  EXPECT_TRUE(session.Open(wire).ok());
}

TEST(OcbSessionTest, WrongKeyFailsAuthentication) {
  OcbSession session(Key::Generate());
  EXPECT_EQ(session.Open(FromHex(kClientWire)).status().code(), StatusCode::kAuthFailed);
}

TEST(OcbSessionTest, ShortDatagramsAreMalformed) {
  OcbSession session(CaptureKey());
  const std::string wire = FromHex(kClientWire);
  for (size_t n : {0u, 1u, 8u, 23u}) {
    EXPECT_EQ(session.Open(wire.substr(0, n)).status().code(), StatusCode::kMalformed) << n;
  }
  // 24 bytes is long enough to try (an empty plaintext), and then fails auth.
  EXPECT_EQ(session.Open(wire.substr(0, 24)).status().code(), StatusCode::kAuthFailed);
  // Truncating the tag also fails auth, never a crash.
  EXPECT_EQ(session.Open(wire.substr(0, wire.size() - 1)).status().code(), StatusCode::kAuthFailed);
}

TEST(OcbSessionTest, CountsBlocksOfSealAndOpen) {
  OcbSession session(CaptureKey());
  EXPECT_EQ(session.block_limit(), uint64_t{1} << 47);
  ASSERT_TRUE(session.Seal(0, std::string(17, 'x')).ok());  // 2 blocks
  EXPECT_EQ(session.blocks_used(), 2u);
  ASSERT_TRUE(session.Open(FromHex(kClientWire)).ok());  // 54 bytes: 4 blocks
  EXPECT_EQ(session.blocks_used(), 6u);
  ASSERT_TRUE(session.Seal(1, "").ok());  // 0 blocks
  EXPECT_EQ(session.blocks_used(), 6u);
}

TEST(OcbSessionTest, UsageLimitEndsTheSession) {
  // A limit of 10 blocks: 9 blocks pass, the message that reaches 10 fails,
  // and from then on every Seal and Open fails, even an empty one.
  OcbSession session(CaptureKey(), /*block_limit=*/10);
  ASSERT_TRUE(session.Seal(0, std::string(16 * 9, 'x')).ok());
  Result<std::string> reaching = session.Seal(1, "y");
  ASSERT_FALSE(reaching.ok());
  EXPECT_EQ(reaching.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(reaching.status().message(), "key usage limit reached; the session must end");
  EXPECT_EQ(session.Seal(2, "").status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(session.Open(FromHex(kClientWire)).status().code(), StatusCode::kResourceExhausted);
}

TEST(OcbSessionTest, UsageLimitCountsOpens) {
  OcbSession session(CaptureKey(), /*block_limit=*/9);
  ASSERT_TRUE(session.Open(FromHex(kClientWire)).ok());  // 4 blocks
  ASSERT_TRUE(session.Open(FromHex(kClientWire)).ok());  // 8 blocks
  EXPECT_EQ(session.Open(FromHex(kServerWire)).status().code(), StatusCode::kResourceExhausted);
}

TEST(OcbSessionTest, ForgedDatagramsAreNotChargedAgainstTheLimit) {
  // Someone without the key sends a thousand forgeries of a 4-block datagram
  // against a 5-block budget: none is charged, so the genuine datagram that
  // follows still opens.
  OcbSession session(CaptureKey(), /*block_limit=*/5);
  std::string forged = FromHex(kClientWire);
  forged.back() ^= 0x01;  // a wrong tag
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(session.Open(forged).status().code(), StatusCode::kAuthFailed) << i;
  }
  EXPECT_EQ(session.blocks_used(), 0u);
  ASSERT_TRUE(session.Open(FromHex(kClientWire)).ok());
  EXPECT_EQ(session.blocks_used(), 4u);
}

}  // namespace
}  // namespace roam::crypto
