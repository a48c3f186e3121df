#include "base/status.h"

#include <gtest/gtest.h>

namespace roam {
namespace {

Result<int> Half(int v) {
  if (v % 2) return InvalidArgument("odd");
  return v / 2;
}

Status Chain(int v, int* out) {
  Result<int> r = Half(v);
  ROAM_RETURN_IF_ERROR(r.status());
  *out = *r;
  return Status::Ok();
}

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::Ok().ok());
  Status s = Malformed("short fragment");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kMalformed);
  EXPECT_EQ(s.ToString(), "malformed: short fragment");
}

TEST(StatusTest, ResultCarriesValueOrStatus) {
  EXPECT_EQ(*Half(8), 4);
  EXPECT_EQ(Half(3).status().message(), "odd");
  int out = 0;
  EXPECT_TRUE(Chain(10, &out).ok());
  EXPECT_EQ(out, 5);
  EXPECT_EQ(Chain(7, &out).code(), StatusCode::kInvalidArgument);
}

TEST(StatusDeathTest, ValueOfErrorAborts) {
  EXPECT_DEATH({ (void)Half(3).value(); }, "internal check failed");
}

}  // namespace
}  // namespace roam
