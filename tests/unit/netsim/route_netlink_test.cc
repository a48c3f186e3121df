// ParseNetlinkAck: the kernel's answers to rtnetlink requests, read through
// bounds checks. Messages are built here byte by byte as the kernel lays
// them out (struct nlmsghdr, then struct nlmsgerr for NLMSG_ERROR).

#include "netsim/route_netlink.h"

#include <gtest/gtest.h>
#include <linux/netlink.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <string>

namespace roam::netsim {
namespace {

// One netlink message: header, then `body`, padded to 4 bytes. `len`
// overrides the header's length field when non-zero.
std::string Message(uint16_t type, uint32_t seq, const std::string& body, uint32_t len = 0) {
  nlmsghdr h{};
  h.nlmsg_type = type;
  h.nlmsg_seq = seq;
  h.nlmsg_len = len != 0 ? len : static_cast<uint32_t>(sizeof h + body.size());
  std::string m(reinterpret_cast<const char*>(&h), sizeof h);
  m += body;
  m.resize(NLMSG_ALIGN(m.size()), '\0');
  return m;
}

// An acknowledgement carrying `error` (0 or -errno) for request `seq`.
std::string Ack(uint32_t seq, int error) {
  nlmsgerr e{};
  e.error = error;
  return Message(NLMSG_ERROR, seq, std::string(reinterpret_cast<const char*>(&e), sizeof e));
}

TEST(ParseNetlinkAckTest, SuccessIsErrnoZero) {
  Result<std::optional<int>> r = ParseNetlinkAck(Ack(7, 0), 7);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(**r, 0);
}

TEST(ParseNetlinkAckTest, FailureCarriesTheErrno) {
  Result<std::optional<int>> r = ParseNetlinkAck(Ack(3, -EEXIST), 3);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->value_or(0), EEXIST);
}

TEST(ParseNetlinkAckTest, AnswersToOtherRequestsAndOtherMessagesAreSkipped) {
  const std::string reply = Message(20 /* RTM_NEWADDR */, 5, "abcd") + Ack(4, -EPERM) + Ack(5, 0);
  Result<std::optional<int>> r = ParseNetlinkAck(reply, 5);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->value_or(-1), 0);
  r = ParseNetlinkAck(Message(NLMSG_DONE, 5, ""), 5);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
}

TEST(ParseNetlinkAckTest, LengthsOutsideTheDatagramAreMalformed) {
  const std::string ack = Ack(1, 0);
  // Claims more bytes than arrived.
  EXPECT_EQ(ParseNetlinkAck(Message(NLMSG_ERROR, 1, "", 4096), 1).status().code(),
            StatusCode::kMalformed);
  // Claims less than its own header.
  EXPECT_EQ(ParseNetlinkAck(Message(NLMSG_ERROR, 1, "", 3), 1).status().code(),
            StatusCode::kMalformed);
  // An error message too short to hold the error code.
  EXPECT_EQ(ParseNetlinkAck(Message(NLMSG_ERROR, 1, "ab"), 1).status().code(),
            StatusCode::kMalformed);
  // A datagram shorter than a header holds nothing.
  Result<std::optional<int>> r = ParseNetlinkAck(ack.substr(0, 10), 1);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
}

TEST(ParseNetlinkAckTest, AnErrorThatIsNotAnErrnoIsNotFromTheKernel) {
  EXPECT_EQ(ParseNetlinkAck(Ack(2, 5), 2).status().code(), StatusCode::kMalformed);
  EXPECT_EQ(ParseNetlinkAck(Ack(2, -4096), 2).status().code(), StatusCode::kMalformed);
  // Found by fuzz_netlink_ack: INT_MIN cannot be negated.
  EXPECT_EQ(ParseNetlinkAck(Ack(2, std::numeric_limits<int>::min()), 2).status().code(),
            StatusCode::kMalformed);
  Result<std::optional<int>> r = ParseNetlinkAck(Ack(2, -4095), 2);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->value_or(0), 4095);
}

}  // namespace
}  // namespace roam::netsim
