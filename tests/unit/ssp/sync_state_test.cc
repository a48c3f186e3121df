// SyncState: which types the concept admits. The checks are compile-time;
// the one runtime test exercises a generic round trip through the concept.

#include "ssp/sync_state.h"

#include <gtest/gtest.h>

#include <string>

#include "unit/ssp/test_states.h"

namespace roam::ssp {
// Types that miss one requirement each (outside the anonymous namespace so
// that their unused members are not internal declarations).
namespace concept_probes {

struct NoApply {
  friend bool operator==(const NoApply&, const NoApply&) = default;
  void Subtract(const NoApply&) {}
  std::string DiffFrom(const NoApply&) const { return ""; }
  std::string InitDiff() const { return ""; }
};

struct ApplyReturnsBool {
  friend bool operator==(const ApplyReturnsBool&, const ApplyReturnsBool&) = default;
  void Subtract(const ApplyReturnsBool&) {}
  std::string DiffFrom(const ApplyReturnsBool&) const { return ""; }
  std::string InitDiff() const { return ""; }
  bool Apply(std::string_view) { return true; }
};

struct NotComparable {
  void Subtract(const NotComparable&) {}
  std::string DiffFrom(const NotComparable&) const { return ""; }
  std::string InitDiff() const { return ""; }
  Status Apply(std::string_view) { return Status::Ok(); }
};

}  // namespace concept_probes

namespace {

using testing::AppendState;

static_assert(SyncState<AppendState>);
static_assert(!SyncState<int>);
static_assert(!SyncState<concept_probes::NoApply>);
static_assert(!SyncState<concept_probes::ApplyReturnsBool>);
static_assert(!SyncState<concept_probes::NotComparable>);

// What SSP does with any SyncState: diff against an old copy, apply remotely.
template <SyncState T>
bool RoundTrips(const T& old, const T& now) {
  T remote = old;
  return remote.Apply(now.DiffFrom(old)).ok() && remote == now;
}

TEST(SyncStateTest, GenericDiffApplyRoundTrip) {
  AppendState old("abc");
  AppendState now = old;
  now.Append("def");
  EXPECT_TRUE(RoundTrips(old, now));
  EXPECT_TRUE(RoundTrips(now, now));
  EXPECT_EQ(now.DiffFrom(now), "");
}

}  // namespace
}  // namespace roam::ssp
