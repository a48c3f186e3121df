// The channel header codec (docs/protocol.md §9.8): requests and answers
// round-trip, incomplete headers wait for more bytes at every cut, and
// over-long or malformed headers are errors.

#include "channel/open_header.h"

#include <gtest/gtest.h>

#include <string>

namespace roam::channel {
namespace {

TEST(OpenHeaderTest, ARequestRoundTripsAndReportsItsLength) {
  const std::string wire = EncodeOpenRequest("hello") + "data after";
  EXPECT_EQ(wire.substr(0, 6), std::string("\x05hello"));
  Result<std::optional<ParsedRequest>> parsed = ParseOpenRequest(wire);
  ASSERT_TRUE(parsed.ok());
  ASSERT_TRUE(parsed->has_value());
  EXPECT_EQ((*parsed)->request, "hello");
  EXPECT_EQ((*parsed)->consumed, 6u);
}

TEST(OpenHeaderTest, AnIncompleteRequestWaitsAtEveryCut) {
  const std::string wire = EncodeOpenRequest(std::string(300, 'r'));  // two-byte length
  for (size_t cut = 0; cut < wire.size(); ++cut) {
    Result<std::optional<ParsedRequest>> parsed = ParseOpenRequest(wire.substr(0, cut));
    ASSERT_TRUE(parsed.ok()) << cut;
    EXPECT_FALSE(parsed->has_value()) << cut;
  }
  EXPECT_TRUE(ParseOpenRequest(wire)->has_value());
}

TEST(OpenHeaderTest, ARequestOverTheLimitIsAnErrorBeforeItsBytesArrive) {
  const std::string wire = EncodeOpenRequest(std::string(kMaxOpenRequestBytes + 1, 'x'));
  Result<std::optional<ParsedRequest>> parsed = ParseOpenRequest(wire.substr(0, 4));
  EXPECT_EQ(parsed.status().code(), StatusCode::kOutOfRange);
  EXPECT_TRUE(ParseOpenRequest(EncodeOpenRequest(std::string(kMaxOpenRequestBytes, 'x'))).ok());
}

TEST(OpenHeaderTest, AnswersRoundTrip) {
  EXPECT_EQ(EncodeAcceptAnswer(), std::string("\x00\x00", 2));
  Result<std::optional<ParsedAnswer>> accepted = ParseOpenAnswer(EncodeAcceptAnswer() + "xyz");
  ASSERT_TRUE(accepted.ok() && accepted->has_value());
  EXPECT_TRUE((*accepted)->accepted);
  EXPECT_EQ((*accepted)->consumed, 2u);

  const std::string refused = EncodeRefuseAnswer("exec is disabled");
  EXPECT_EQ(refused.substr(0, 2), std::string("\x01\x10", 2));
  Result<std::optional<ParsedAnswer>> parsed = ParseOpenAnswer(refused);
  ASSERT_TRUE(parsed.ok() && parsed->has_value());
  EXPECT_FALSE((*parsed)->accepted);
  EXPECT_EQ((*parsed)->reason, "exec is disabled");
  EXPECT_EQ((*parsed)->consumed, refused.size());
  for (size_t cut = 0; cut < refused.size(); ++cut) {
    EXPECT_FALSE(ParseOpenAnswer(refused.substr(0, cut))->has_value()) << cut;
  }
}

TEST(OpenHeaderTest, ALongReasonIsCutAndABadAnswerIsAnError) {
  const std::string refused = EncodeRefuseAnswer(std::string(5000, 'r'));
  EXPECT_EQ((*ParseOpenAnswer(refused))->reason.size(), kMaxReasonBytes);
  EXPECT_FALSE(ParseOpenAnswer(std::string("\x02\x00", 2)).ok());
  EXPECT_FALSE(ParseOpenAnswer(std::string("\x01\x44\x01", 3)).ok());  // 1025 bytes of reason
}

}  // namespace
}  // namespace roam::channel
