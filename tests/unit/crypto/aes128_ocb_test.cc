// Aes128Ocb against the RFC 7253 Appendix A sample results for
// AEAD_AES_128_OCB_TAGLEN128: all sixteen (N, A, P) examples under
// K = 000102...0F, including the ones with associated data, and the iterated
// check that runs 128 lengths of empty-to-127-byte strings.

#include "crypto/aes128_ocb.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "crypto/key.h"
#include "unit/crypto/hex.h"

namespace roam::crypto {
namespace {

using testing::FromHex;
using testing::ToHex;

struct Vector {
  const char* nonce;
  const char* ad;
  const char* plaintext;
  const char* sealed;  // ciphertext || tag
};

constexpr char k8[] = "0001020304050607";
constexpr char k16[] = "000102030405060708090A0B0C0D0E0F";
constexpr char k24[] = "000102030405060708090A0B0C0D0E0F1011121314151617";
constexpr char k32[] = "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F";
constexpr char k40[] =
    "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F2021222324252627";

const Vector kRfc7253Vectors[] = {
    {"BBAA99887766554433221100", "", "", "785407BFFFC8AD9EDCC5520AC9111EE6"},
    {"BBAA99887766554433221101", k8, k8, "6820B3657B6F615A5725BDA0D3B4EB3A257C9AF1F8F03009"},
    {"BBAA99887766554433221102", k8, "", "81017F8203F081277152FADE694A0A00"},
    {"BBAA99887766554433221103", "", k8, "45DD69F8F5AAE72414054CD1F35D82760B2CD00D2F99BFA9"},
    {"BBAA99887766554433221104", k16, k16,
     "571D535B60B277188BE5147170A9A22C3AD7A4FF3835B8C5701C1CCEC8FC3358"},
    {"BBAA99887766554433221105", k16, "", "8CF761B6902EF764462AD86498CA6B97"},
    {"BBAA99887766554433221106", "", k16,
     "5CE88EC2E0692706A915C00AEB8B2396F40E1C743F52436BDF06D8FA1ECA343D"},
    {"BBAA99887766554433221107", k24, k24,
     "1CA2207308C87C010756104D8840CE1952F09673A448A122C92C62241051F57356D7F3C90BB0E07F"},
    {"BBAA99887766554433221108", k24, "", "6DC225A071FC1B9F7C69F93B0F1E10DE"},
    {"BBAA99887766554433221109", "", k24,
     "221BD0DE7FA6FE993ECCD769460A0AF2D6CDED0C395B1C3CE725F32494B9F914D85C0B1EB38357FF"},
    {"BBAA9988776655443322110A", k32, k32,
     "BD6F6C496201C69296C11EFD138A467ABD3C707924B964DEAFFC40319AF5A48540FBBA186C5553C68AD9F592A79A"
     "4240"},
    {"BBAA9988776655443322110B", k32, "", "FE80690BEE8A485D11F32965BC9D2A32"},
    {"BBAA9988776655443322110C", "", k32,
     "2942BFC773BDA23CABC6ACFD9BFD5835BD300F0973792EF46040C53F1432BCDFB5E1DDE3BC18A5F840B52E653444"
     "D5DF"},
    {"BBAA9988776655443322110D", k40, k40,
     "D5CA91748410C1751FF8A2F618255B68A0A12E093FF454606E59F9C1D0DDC54B65E8628E568BAD7AED07BA06A4A6"
     "9483A7035490C5769E60"},
    {"BBAA9988776655443322110E", k40, "", "C5CD9D1850C141E358649994EE701B68"},
    {"BBAA9988776655443322110F", "", k40,
     "4412923493C57D5DE0D700F753CCE0D1D2D95060122E9F15A5DDBFC5787E50B5CC55EE507BCB084E479AD363AC36"
     "6B95A98CA5F3000B1479"},
};

Key RfcKey() { return Key::FromBytes(FromHex("000102030405060708090A0B0C0D0E0F")); }

// All vectors through one instance, in order: this also shows that re-keying
// only the nonce between messages leaves no state behind.
// Every test runs twice: with the AES-NI instructions (where the CPU has
// them) and with the portable AES.
class Aes128OcbTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { Aes128Ocb::UsePortableAesForTesting(GetParam()); }
  void TearDown() override { Aes128Ocb::UsePortableAesForTesting(false); }
};

TEST_P(Aes128OcbTest, Rfc7253AppendixAEncrypts) {
  Aes128Ocb ocb(RfcKey());
  for (const Vector& v : kRfc7253Vectors) {
    SCOPED_TRACE(v.nonce);
    std::string out;
    ocb.Encrypt(FromHex(v.nonce), FromHex(v.ad), FromHex(v.plaintext), &out);
    EXPECT_EQ(ToHex(out), ToHex(FromHex(v.sealed)));
  }
}

TEST_P(Aes128OcbTest, Rfc7253AppendixADecrypts) {
  Aes128Ocb ocb(RfcKey());
  for (const Vector& v : kRfc7253Vectors) {
    SCOPED_TRACE(v.nonce);
    std::string plaintext = "junk";
    ASSERT_TRUE(ocb.Decrypt(FromHex(v.nonce), FromHex(v.ad), FromHex(v.sealed), &plaintext));
    EXPECT_EQ(ToHex(plaintext), ToHex(FromHex(v.plaintext)));
  }
}

TEST_P(Aes128OcbTest, WrongAssociatedDataFailsAndReleasesNothing) {
  Aes128Ocb ocb(RfcKey());
  const Vector& v = kRfc7253Vectors[1];
  std::string plaintext = "junk";
  EXPECT_FALSE(ocb.Decrypt(FromHex(v.nonce), FromHex(k16), FromHex(v.sealed), &plaintext));
  EXPECT_TRUE(plaintext.empty());
  // The same instance still works afterwards.
  EXPECT_TRUE(ocb.Decrypt(FromHex(v.nonce), FromHex(v.ad), FromHex(v.sealed), &plaintext));
}

TEST_P(Aes128OcbTest, SealedShorterThanTagFails) {
  Aes128Ocb ocb(RfcKey());
  std::string plaintext;
  EXPECT_FALSE(
      ocb.Decrypt(FromHex(kRfc7253Vectors[0].nonce), "", std::string(15, 'x'), &plaintext));
}

// RFC 7253 Appendix A, second part: K = 15 zero bytes || TAGLEN (128), then
// for i = 0..127 with S = i zero bytes, C accumulates
// OCB(N=3i+1, A=S, P=S) || OCB(N=3i+2, A="", P=S) || OCB(N=3i+3, A=S, P="");
// the result is OCB(N=385, A=C, P="").
TEST_P(Aes128OcbTest, Rfc7253IteratedCheckTaglen128) {
  std::string key_bytes(15, '\0');
  key_bytes.push_back(static_cast<char>(128));
  Aes128Ocb ocb(Key::FromBytes(key_bytes));
  auto nonce = [](uint64_t n) {
    std::string out(12, '\0');
    for (int i = 0; i < 8; ++i) out[11 - i] = static_cast<char>((n >> (8 * i)) & 0xFF);
    return out;
  };
  std::string c;
  for (uint64_t i = 0; i < 128; ++i) {
    const std::string s(i, '\0');
    ocb.Encrypt(nonce(3 * i + 1), s, s, &c);
    ocb.Encrypt(nonce(3 * i + 2), "", s, &c);
    ocb.Encrypt(nonce(3 * i + 3), s, "", &c);
  }
  std::string result;
  ocb.Encrypt(nonce(385), c, "", &result);
  EXPECT_EQ(ToHex(result), "67e944d23256c5e0b6c61fa22fdf1ea2");
}

TEST_P(Aes128OcbTest, UsesTheRequestedAesImplementation) {
  Aes128Ocb ocb(Key::FromBytes(std::string(16, 'k')));
  if (GetParam()) {
    EXPECT_FALSE(ocb.uses_aes_ni());
  } else if (__builtin_cpu_supports("aes")) {
    EXPECT_TRUE(ocb.uses_aes_ni());
  }
}

// Resident memory (VmRSS, KiB) of this process.
long ResidentKib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// Using the cipher costs memory for its key schedule only. Through OpenSSL's
// EVP it made OpenSSL load its default provider, over 2 MiB resident in
// every roam-client. Measured in a fresh process (a threadsafe death test
// re-runs this binary for just this test), so nothing else loaded it first.
TEST(Aes128OcbMemoryTest, TheCipherDoesNotLoadOpenSslProviders) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        const long before = ResidentKib();
        Aes128Ocb ocb(Key::FromBytes(std::string(16, 'k')));
        std::string sealed;
        ocb.Encrypt(std::string(12, 'n'), "", "hello", &sealed);
        std::string plain;
        const bool ok = ocb.Decrypt(std::string(12, 'n'), "", sealed, &plain);
        const long grown = ResidentKib() - before;
        std::fprintf(stderr, "grew by %ld KiB\n", grown);
        std::exit(ok && before > 0 && grown < 1024 ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "grew by");
}

INSTANTIATE_TEST_SUITE_P(AesImplementations, Aes128OcbTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "Portable" : "AesNiIfAvailable";
                         });

}  // namespace
}  // namespace roam::crypto
