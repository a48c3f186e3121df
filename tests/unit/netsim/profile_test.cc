// Profiles: each named profile has its promised RTT, loss and shape, and the
// command-line overrides parse, apply to both directions and reject bad values.

#include "netsim/profile.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace roam::netsim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

Profile Named(const std::string& name) {
  Result<Profile> p = ProfileByName(name);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : Profile{};
}

Duration Rtt(const Profile& p) { return p.up.delay + p.down.delay; }

TEST(ProfileTest, EveryNamedProfileParsesFromTheCommandLine) {
  for (const std::string& name : ProfileNames()) {
    Result<ProfileArgs> args = ParseProfileArgs({"--profile", name});
    ASSERT_TRUE(args.ok()) << name << ": " << args.status().ToString();
    EXPECT_EQ(args->profile.name, name);
    EXPECT_TRUE(args->rest.empty());
  }
  EXPECT_EQ(ProfileNames().size(), 7u);
}

TEST(ProfileTest, RoundTripTimesAndLossAreAsPromised) {
  EXPECT_EQ(Rtt(Named("lan")), microseconds(500));
  EXPECT_EQ(Rtt(Named("wifi")), milliseconds(5));
  EXPECT_EQ(Rtt(Named("lte")), milliseconds(60));
  EXPECT_EQ(Rtt(Named("3g")), milliseconds(500));
  EXPECT_EQ(Rtt(Named("intercontinental")), milliseconds(300));
  EXPECT_EQ(Named("intercontinental").up.delay, milliseconds(150));
  EXPECT_EQ(Rtt(Named("lossy")), milliseconds(100));
  EXPECT_EQ(Rtt(Named("outage")), milliseconds(60));

  const Profile lossy = Named("lossy");
  EXPECT_DOUBLE_EQ(lossy.up.loss, 0.29);
  EXPECT_DOUBLE_EQ(lossy.down.loss, 0.29);
  EXPECT_EQ(Named("lan").up.loss, 0.0);
  EXPECT_GT(Named("wifi").down.loss, 0.0);
  EXPECT_GT(Named("wifi").down.jitter, Duration::zero());
  EXPECT_GT(Named("lte").down.jitter, Duration::zero());
}

TEST(ProfileTest, ThreeGIsRateCappedAroundOneToTwoMegabits) {
  const Profile p = Named("3g");
  EXPECT_GE(p.down.rate_bytes_per_sec * 8, 1'000'000u);
  EXPECT_LE(p.down.rate_bytes_per_sec * 8, 2'000'000u);
  EXPECT_GE(p.up.rate_bytes_per_sec * 8, 1'000'000u);
  EXPECT_GT(p.down.queue_bytes, 0u);
}

TEST(ProfileTest, OutageProfileHasATenSecondOutageAtAConfigurableTime) {
  const Profile p = Named("outage");
  ASSERT_EQ(p.up.outages.size(), 1u);
  ASSERT_EQ(p.down.outages.size(), 1u);
  EXPECT_EQ(p.up.outages[0].start, seconds(5));
  EXPECT_EQ(p.down.outages[0].duration, seconds(10));

  Result<ProfileArgs> args = ParseProfileArgs({"--profile", "outage", "--outage-start", "2.5"});
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(args->profile.down.outages[0].start, milliseconds(2500));
  EXPECT_TRUE(Named("lte").up.outages.empty());
}

TEST(ProfileTest, UnknownProfileIsAnError) {
  Result<Profile> p = ProfileByName("dialup");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(p.status().message().find("lossy"), std::string::npos);
  EXPECT_FALSE(ParseProfileArgs({"--profile", "dialup"}).ok());
}

TEST(ProfileTest, DefaultIsLanWithSeedOne) {
  Result<ProfileArgs> args = ParseProfileArgs({});
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(args->profile.name, "lan");
  EXPECT_EQ(args->seed, 1u);
}

TEST(ProfileTest, OverridesApplyToBothDirectionsWhateverTheirOrder) {
  Result<ProfileArgs> args = ParseProfileArgs(
      {"--listen", "127.0.0.1:0", "--delay-ms",   "12.5",        "--jitter-ms=3", "--loss",
       "0.1",      "--burst",     "0.01,0.3,0.9", "--reorder",   "0.02",          "--reorder-ms",
       "7",        "--duplicate", "0.03",         "--rate-kbit", "1000",          "--queue-bytes",
       "5000",     "--outage",    "2:3",          "--outage",    "10:0.5",        "--seed",
       "7",        "--profile",   "3g",           "--to",        "127.0.0.1:9"});
  ASSERT_TRUE(args.ok()) << args.status().ToString();
  EXPECT_EQ(args->seed, 7u);
  EXPECT_EQ(args->rest,
            (std::vector<std::string>{"--listen", "127.0.0.1:0", "--to", "127.0.0.1:9"}));
  for (const LinkConfig* c : {&args->profile.up, &args->profile.down}) {
    EXPECT_EQ(c->delay, microseconds(12500));
    EXPECT_EQ(c->jitter, milliseconds(3));
    EXPECT_DOUBLE_EQ(c->loss, 0.1);
    EXPECT_DOUBLE_EQ(c->burst.p_good_to_bad, 0.01);
    EXPECT_DOUBLE_EQ(c->burst.p_bad_to_good, 0.3);
    EXPECT_DOUBLE_EQ(c->burst.loss_bad, 0.9);
    EXPECT_DOUBLE_EQ(c->reorder, 0.02);
    EXPECT_EQ(c->reorder_extra, milliseconds(7));
    EXPECT_DOUBLE_EQ(c->duplicate, 0.03);
    EXPECT_EQ(c->rate_bytes_per_sec, 125'000u);
    EXPECT_EQ(c->queue_bytes, 5000u);
    ASSERT_EQ(c->outages.size(), 2u);
    EXPECT_EQ(c->outages[0].start, seconds(2));
    EXPECT_EQ(c->outages[0].duration, seconds(3));
    EXPECT_EQ(c->outages[1].duration, milliseconds(500));
  }
}

TEST(ProfileTest, RateZeroRemovesTheCap) {
  Result<ProfileArgs> args = ParseProfileArgs({"--profile", "3g", "--rate-kbit", "0"});
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(args->profile.down.rate_bytes_per_sec, 0u);
}

TEST(ProfileTest, BadValuesAreRejectedNamingTheFlag) {
  const std::vector<std::vector<std::string>> bad = {
      {"--loss", "1.5"},          {"--loss", "abc"},
      {"--loss", "-0.1"},         {"--loss"},
      {"--delay-ms", "-1"},       {"--delay-ms", "nan"},
      {"--burst", "0.1,0.2"},     {"--burst", "0.1,2,0.5"},
      {"--outage", "5"},          {"--outage", "x:1"},
      {"--rate-kbit", "1.5"},     {"--queue-bytes", "0"},
      {"--seed", "-3"},           {"--reorder", ""},
      {"--jitter-ms", "4000000"},
  };
  for (const std::vector<std::string>& args : bad) {
    Result<ProfileArgs> r = ParseProfileArgs(args);
    ASSERT_FALSE(r.ok()) << args[0];
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(args[0]), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace roam::netsim
