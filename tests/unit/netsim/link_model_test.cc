// LinkModel on a fake timeline: loss rates, bursts, delay bounds, reordering,
// duplication, the bottleneck queue, outages, determinism and stream mode.

#include "netsim/link_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace roam::netsim {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const TimePoint kStart = FromMillis(1'000'000);

// One delivered copy, tagged with the sequence number of the packet it came from.
struct Arrival {
  uint64_t seq;
  TimePoint sent;
  TimePoint at;
  std::string bytes;
};

// A packet whose first 8 characters are its sequence number, padded to `size`.
std::string Packet(uint64_t seq, size_t size) {
  std::string s = std::to_string(seq);
  s.insert(0, 8 - std::min<size_t>(8, s.size()), '0');
  if (s.size() < size) s.resize(size, 'x');
  return s;
}

// Sends `count` packets of `size` bytes, one every `interval` from kStart,
// and returns every delivery in send order.
std::vector<Arrival> SendEvery(LinkModel& link, uint64_t count, Duration interval,
                               size_t size = 100) {
  std::vector<Arrival> out;
  for (uint64_t i = 0; i < count; ++i) {
    const TimePoint now = kStart + i * interval;
    for (Delivery& d : link.Send(Packet(i, size), now)) {
      out.push_back({i, now, d.at, std::move(d.bytes)});
    }
  }
  return out;
}

double Ms(Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Number of deliveries that some later-sent packet overtakes (arrives strictly earlier).
uint64_t Overtaken(const std::vector<Arrival>& arrivals) {
  uint64_t n = 0;
  TimePoint earliest_later = kNever;
  for (auto it = arrivals.rbegin(); it != arrivals.rend(); ++it) {
    if (earliest_later < it->at) ++n;
    earliest_later = std::min(earliest_later, it->at);
  }
  return n;
}

TEST(LinkModelTest, PerfectLinkPassesEverythingAfterTheDelay) {
  LinkConfig c;
  c.delay = milliseconds(30);
  LinkModel link(c, 1, kStart);
  const std::vector<Arrival> a = SendEvery(link, 100, milliseconds(5));
  ASSERT_EQ(a.size(), 100u);
  for (const Arrival& x : a) {
    EXPECT_EQ(x.at - x.sent, milliseconds(30));
    EXPECT_EQ(x.bytes, Packet(x.seq, 100));
  }
  EXPECT_EQ(link.counters().passed, 100u);
  EXPECT_EQ(link.counters().bytes_passed, 10'000u);
}

TEST(LinkModelTest, RandomLossRateIsTwentyNinePercentAndReproducible) {
  LinkConfig c;
  c.loss = 0.29;
  LinkModel a(c, 1, kStart);
  LinkModel b(c, 1, kStart);
  const std::vector<Arrival> ra = SendEvery(a, 100'000, milliseconds(1));
  const std::vector<Arrival> rb = SendEvery(b, 100'000, milliseconds(1));

  const double rate = static_cast<double>(a.counters().lost_random) / 100'000;
  // Standard deviation is ~0.0014; 0.006 is over four of them.
  EXPECT_NEAR(rate, 0.29, 0.006);
  EXPECT_EQ(a.counters().lost_random + a.counters().passed, 100'000u);
  EXPECT_EQ(a.counters().lost_burst, 0u);

  // Run to run: the same packets survive.
  ASSERT_EQ(ra.size(), rb.size());
  for (size_t i = 0; i < ra.size(); ++i) ASSERT_EQ(ra[i].seq, rb[i].seq);
  EXPECT_EQ(a.counters().lost_random, b.counters().lost_random);
}

TEST(LinkModelTest, DifferentSeedsLoseDifferentPackets) {
  LinkConfig c;
  c.loss = 0.29;
  LinkModel a(c, 1, kStart);
  LinkModel b(c, 2, kStart);
  const std::vector<Arrival> ra = SendEvery(a, 1000, milliseconds(1));
  const std::vector<Arrival> rb = SendEvery(b, 1000, milliseconds(1));
  bool differ = ra.size() != rb.size();
  for (size_t i = 0; !differ && i < ra.size(); ++i) differ = ra[i].seq != rb[i].seq;
  EXPECT_TRUE(differ);
}

// Mean length of runs of consecutive lost packets, given who arrived.
double MeanLossRun(const std::vector<Arrival>& arrivals, uint64_t count, uint64_t* runs_out) {
  std::vector<bool> got(count, false);
  for (const Arrival& a : arrivals) got[a.seq] = true;
  uint64_t runs = 0;
  uint64_t lost = 0;
  for (uint64_t i = 0; i < count; ++i) {
    if (got[i]) continue;
    ++lost;
    if (i == 0 || got[i - 1]) ++runs;
  }
  *runs_out = runs;
  return runs == 0 ? 0 : static_cast<double>(lost) / static_cast<double>(runs);
}

TEST(LinkModelTest, GilbertElliottLosesInBurstsOfTheConfiguredMeanLength) {
  LinkConfig c;
  c.burst = {.p_good_to_bad = 0.01, .p_bad_to_good = 0.25, .loss_good = 0, .loss_bad = 1};
  LinkModel link(c, 7, kStart);
  constexpr uint64_t kCount = 200'000;
  const std::vector<Arrival> a = SendEvery(link, kCount, milliseconds(1));
  uint64_t runs = 0;
  const double mean_run = MeanLossRun(a, kCount, &runs);
  // Mean stay in the bad state is 1 / p_bad_to_good = 4 packets.
  EXPECT_NEAR(mean_run, 4.0, 0.3);
  EXPECT_GT(runs, 1000u);
  // Long-run loss is the bad state's share: 0.01 / (0.01 + 0.25).
  EXPECT_NEAR(static_cast<double>(link.counters().lost_burst) / kCount, 0.01 / 0.26, 0.004);
  EXPECT_EQ(link.counters().lost_random, 0u);

  // Independent loss at the same average rate does not burst.
  LinkConfig flat;
  flat.loss = 0.01 / 0.26;
  LinkModel flat_link(flat, 7, kStart);
  const std::vector<Arrival> b = SendEvery(flat_link, kCount, milliseconds(1));
  EXPECT_LT(MeanLossRun(b, kCount, &runs), 1.1);
}

TEST(LinkModelTest, DelayAndJitterStayWithinBounds) {
  LinkConfig c;
  c.delay = milliseconds(50);
  c.jitter = milliseconds(10);
  LinkModel link(c, 3, kStart);
  // Packets 25 ms apart: more than the jitter span, so FIFO never interferes.
  const std::vector<Arrival> a = SendEvery(link, 10'000, milliseconds(25));
  ASSERT_EQ(a.size(), 10'000u);
  double sum = 0;
  double lo = 1e9;
  double hi = 0;
  for (const Arrival& x : a) {
    const double ms = Ms(x.at - x.sent);
    ASSERT_GE(ms, 40.0);
    ASSERT_LE(ms, 60.0);
    sum += ms;
    lo = std::min(lo, ms);
    hi = std::max(hi, ms);
  }
  EXPECT_NEAR(sum / 10'000, 50.0, 0.5);
  // The whole jitter range is used.
  EXPECT_LT(lo, 41.0);
  EXPECT_GT(hi, 59.0);
}

TEST(LinkModelTest, JitterNeverReordersAndKeepsTheUpperBound) {
  LinkConfig c;
  c.delay = milliseconds(50);
  c.jitter = milliseconds(10);
  LinkModel link(c, 3, kStart);
  // 1 ms apart: jitter alone would swap packets on a non-FIFO path.
  const std::vector<Arrival> a = SendEvery(link, 20'000, milliseconds(1));
  EXPECT_EQ(Overtaken(a), 0u);
  EXPECT_EQ(link.counters().reordered, 0u);
  for (const Arrival& x : a) {
    ASSERT_GE(x.at - x.sent, milliseconds(40));
    ASSERT_LE(x.at - x.sent, milliseconds(60));
  }
}

TEST(LinkModelTest, ReorderingHappensAtTheConfiguredRate) {
  LinkConfig c;
  c.delay = milliseconds(10);
  c.reorder = 0.05;
  c.reorder_extra = milliseconds(20);
  LinkModel link(c, 11, kStart);
  constexpr uint64_t kCount = 50'000;
  const std::vector<Arrival> a = SendEvery(link, kCount, milliseconds(1));
  const uint64_t held = link.counters().reordered;
  EXPECT_NEAR(static_cast<double>(held) / kCount, 0.05, 0.006);
  // Every held packet is overtaken by the packets sent after it, and no
  // other packet is.
  EXPECT_EQ(Overtaken(a), held);
  for (const Arrival& x : a) {
    const Duration latency = x.at - x.sent;
    ASSERT_TRUE(latency == milliseconds(10) || latency == milliseconds(30));
  }
}

TEST(LinkModelTest, DuplicationDeliversIdenticalCopiesAtTheConfiguredRate) {
  LinkConfig c;
  c.delay = milliseconds(5);
  c.duplicate = 0.1;
  LinkModel link(c, 5, kStart);
  constexpr uint64_t kCount = 50'000;
  const std::vector<Arrival> a = SendEvery(link, kCount, milliseconds(1));
  const uint64_t dups = link.counters().duplicated;
  EXPECT_NEAR(static_cast<double>(dups) / kCount, 0.1, 0.008);
  EXPECT_EQ(a.size(), kCount + dups);
  uint64_t seen_pairs = 0;
  for (size_t i = 1; i < a.size(); ++i) {
    if (a[i].seq == a[i - 1].seq) {
      ++seen_pairs;
      EXPECT_EQ(a[i].bytes, a[i - 1].bytes);
      EXPECT_EQ(a[i].at, a[i - 1].at);
    }
  }
  EXPECT_EQ(seen_pairs, dups);
}

TEST(LinkModelTest, NoKnobsMeansNoLossReorderOrDuplicates) {
  LinkConfig c;
  c.delay = milliseconds(20);
  c.jitter = milliseconds(5);
  LinkModel link(c, 9, kStart);
  const std::vector<Arrival> a = SendEvery(link, 20'000, milliseconds(1));
  EXPECT_EQ(a.size(), 20'000u);
  EXPECT_EQ(Overtaken(a), 0u);
  const LinkCounters& k = link.counters();
  EXPECT_EQ(k.lost_random + k.lost_burst + k.lost_outage + k.dropped_queue, 0u);
  EXPECT_EQ(k.duplicated + k.reordered, 0u);
}

TEST(LinkModelTest, BandwidthCapLimitsThroughputAndQueueTailDrops) {
  LinkConfig c;
  c.delay = milliseconds(10);
  c.rate_bytes_per_sec = 125'000;  // 1 Mbit/s
  c.queue_bytes = 20'000;          // 160 ms at that rate
  LinkModel link(c, 1, kStart);
  // Offer 1000-byte packets every 4 ms: 250 kB/s, twice the cap, for 20 s.
  constexpr uint64_t kCount = 5'000;
  const std::vector<Arrival> a = SendEvery(link, kCount, milliseconds(4), 1000);

  // Throughput over the run is the cap.
  const double span_s = std::chrono::duration<double>(a.back().at - a.front().at).count();
  const double throughput = static_cast<double>(a.size() - 1) * 1000 / span_s;
  EXPECT_NEAR(throughput, 125'000, 125'000 * 0.01);

  // Queueing delay grows from one serialization time to the queue limit ...
  EXPECT_EQ(a.front().at - a.front().sent, milliseconds(18));
  double max_ms = 0;
  for (const Arrival& x : a) max_ms = std::max(max_ms, Ms(x.at - x.sent));
  EXPECT_GT(max_ms, 160.0);
  // ... and never beyond it: queue (160 ms) + own serialization (8) + delay (10).
  EXPECT_LE(max_ms, 178.0);
  // Latency is non-decreasing while the queue fills.
  for (size_t i = 1; i < 20; ++i) EXPECT_GT(a[i].at - a[i].sent, a[i - 1].at - a[i - 1].sent);

  // Roughly half the offered packets are tail-dropped, and all are counted.
  const LinkCounters& k = link.counters();
  EXPECT_EQ(k.passed + k.dropped_queue, kCount);
  EXPECT_NEAR(static_cast<double>(k.dropped_queue) / kCount, 0.5, 0.02);
}

TEST(LinkModelTest, QueueAcceptsExactlyItsLimitInABurst) {
  LinkConfig c;
  c.rate_bytes_per_sec = 125'000;
  c.queue_bytes = 10'000;
  LinkModel link(c, 1, kStart);
  uint64_t passed = 0;
  for (int i = 0; i < 30; ++i) passed += link.Send(Packet(i, 1000), kStart).size();
  EXPECT_EQ(passed, 10u);
  EXPECT_EQ(link.counters().dropped_queue, 20u);
  EXPECT_EQ(link.BacklogBytes(kStart), 10'000u);
  // Once the backlog drains, packets pass again.
  EXPECT_EQ(link.BacklogBytes(kStart + milliseconds(80)), 0u);
  EXPECT_EQ(link.Send(Packet(31, 1000), kStart + milliseconds(80)).size(), 1u);
}

TEST(LinkModelTest, UnderTheCapNothingIsDropped) {
  LinkConfig c;
  c.delay = milliseconds(10);
  c.rate_bytes_per_sec = 125'000;
  c.queue_bytes = 20'000;
  LinkModel link(c, 1, kStart);
  const std::vector<Arrival> a = SendEvery(link, 2'000, milliseconds(10), 1000);  // 100 kB/s
  EXPECT_EQ(a.size(), 2'000u);
  EXPECT_EQ(link.counters().dropped_queue, 0u);
  for (const Arrival& x : a) EXPECT_EQ(x.at - x.sent, milliseconds(18));
}

TEST(LinkModelTest, OutageDropsExactlyThePacketsInsideTheWindow) {
  LinkConfig c;
  c.delay = milliseconds(20);
  c.outages.push_back({seconds(1), seconds(2)});
  LinkModel link(c, 1, kStart);
  const std::vector<Arrival> a = SendEvery(link, 500, milliseconds(10));  // 0 .. 4.99 s
  EXPECT_EQ(link.counters().lost_outage, 200u);
  EXPECT_EQ(a.size(), 300u);
  for (const Arrival& x : a) {
    const Duration t = x.sent - kStart;
    EXPECT_TRUE(t < seconds(1) || t >= seconds(3)) << Ms(t);
  }
}

TEST(LinkModelTest, RuntimeOutageStartsNowAndSurvivesSetConfig) {
  LinkConfig c;
  LinkModel link(c, 1, kStart);
  link.AddOutageNow(kStart + seconds(1), milliseconds(500));
  link.SetConfig(c);
  EXPECT_EQ(link.Send("a", kStart + milliseconds(999)).size(), 1u);
  EXPECT_EQ(link.Send("b", kStart + seconds(1)).size(), 0u);
  EXPECT_EQ(link.Send("c", kStart + milliseconds(1499)).size(), 0u);
  EXPECT_EQ(link.Send("d", kStart + milliseconds(1500)).size(), 1u);
  EXPECT_EQ(link.counters().lost_outage, 2u);
  EXPECT_EQ(link.OutageEnd(kStart + milliseconds(1200)), kStart + milliseconds(1500));
  EXPECT_FALSE(link.OutageEnd(kStart + milliseconds(1500)).has_value());
}

TEST(LinkModelTest, OverlappingOutagesMergeIntoOneEnd) {
  LinkConfig c;
  c.outages.push_back({seconds(1), seconds(2)});  // 1 .. 3
  c.outages.push_back({seconds(2), seconds(3)});  // 2 .. 5
  LinkModel link(c, 1, kStart);
  EXPECT_EQ(link.OutageEnd(kStart + milliseconds(1500)), kStart + seconds(5));
}

TEST(LinkModelTest, SameSeedGivesIdenticalOutputWithEveryKnobOn) {
  LinkConfig c;
  c.delay = milliseconds(40);
  c.jitter = milliseconds(15);
  c.loss = 0.05;
  c.burst = {.p_good_to_bad = 0.02, .p_bad_to_good = 0.3, .loss_good = 0, .loss_bad = 0.8};
  c.reorder = 0.03;
  c.duplicate = 0.02;
  c.rate_bytes_per_sec = 200'000;
  c.queue_bytes = 30'000;
  c.outages.push_back({seconds(3), seconds(1)});
  auto run = [&](uint64_t seed) {
    LinkModel link(c, seed, kStart);
    std::vector<Arrival> a = SendEvery(link, 10'000, milliseconds(2), 600);
    return std::make_pair(a, link.counters());
  };
  const auto [a1, k1] = run(42);
  const auto [a2, k2] = run(42);
  ASSERT_EQ(a1.size(), a2.size());
  for (size_t i = 0; i < a1.size(); ++i) {
    ASSERT_EQ(a1[i].seq, a2[i].seq);
    ASSERT_EQ(a1[i].at, a2[i].at);
    ASSERT_EQ(a1[i].bytes, a2[i].bytes);
  }
  EXPECT_EQ(CountersToJson(k1), CountersToJson(k2));
  // Every knob did something.
  EXPECT_GT(k1.lost_random, 0u);
  EXPECT_GT(k1.lost_burst, 0u);
  EXPECT_GT(k1.lost_outage, 0u);
  EXPECT_GT(k1.dropped_queue, 0u);
  EXPECT_GT(k1.reordered, 0u);
  EXPECT_GT(k1.duplicated, 0u);
  const auto [a3, k3] = run(43);
  EXPECT_NE(CountersToJson(k1), CountersToJson(k3));
}

TEST(CountersToJsonTest, ExactText) {
  LinkCounters c;
  c.received = 10;
  c.passed = 7;
  c.lost_random = 2;
  c.lost_burst = 1;
  c.bytes_passed = 700;
  EXPECT_EQ(CountersToJson(c),
            "{\"received\": 10, \"passed\": 7, \"lost_random\": 2, \"lost_burst\": 1, "
            "\"lost_outage\": 0, \"dropped_queue\": 0, \"duplicated\": 0, \"reordered\": 0, "
            "\"bytes_passed\": 700}");
}

TEST(LinkModelTest, StreamModeNeverDropsReordersOrDuplicates) {
  LinkConfig c;
  c.delay = milliseconds(50);
  c.jitter = milliseconds(20);
  c.loss = 0.29;
  c.reorder = 0.5;
  c.duplicate = 0.5;
  c.rate_bytes_per_sec = 100'000;
  c.queue_bytes = 1000;  // smaller than the traffic: stream mode must not drop
  LinkModel link(c, 1, kStart, LinkMode::kStream);
  const std::vector<Arrival> a = SendEvery(link, 5'000, milliseconds(1), 500);
  ASSERT_EQ(a.size(), 5'000u);
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].seq, i);
    if (i > 0) {
      ASSERT_GE(a[i].at, a[i - 1].at);
    }
  }
  const LinkCounters& k = link.counters();
  EXPECT_EQ(k.dropped_queue + k.duplicated + k.reordered, 0u);
  // Loss became delay: about 29% of chunks paid a retransmission.
  EXPECT_NEAR(static_cast<double>(k.lost_random) / 5'000, 0.29 / 0.71, 0.05);
}

TEST(LinkModelTest, StreamModeLossCostsARetransmissionTimeout) {
  LinkConfig c;
  c.delay = milliseconds(10);
  c.loss = 1.0;  // every attempt lost: the backoff cap bounds the delay
  LinkModel link(c, 1, kStart, LinkMode::kStream);
  const std::vector<Delivery> d = link.Send("chunk", kStart);
  ASSERT_EQ(d.size(), 1u);
  // 200 ms doubling 8 times: 200 * (2^8 - 1) ms, plus the 10 ms delay.
  EXPECT_EQ(d[0].at - kStart, milliseconds(200 * 255 + 10));
  EXPECT_EQ(link.counters().lost_random, static_cast<uint64_t>(kStreamMaxRetransmits));
}

TEST(LinkModelTest, StreamModeOutageStallsUntilItEnds) {
  LinkConfig c;
  c.delay = milliseconds(30);
  c.outages.push_back({seconds(1), seconds(2)});
  LinkModel link(c, 1, kStart, LinkMode::kStream);
  const std::vector<Delivery> before = link.Send("a", kStart + milliseconds(500));
  const std::vector<Delivery> during = link.Send("b", kStart + milliseconds(1500));
  const std::vector<Delivery> after = link.Send("c", kStart + milliseconds(1600));
  ASSERT_EQ(before.size() + during.size() + after.size(), 3u);
  EXPECT_EQ(before[0].at, kStart + milliseconds(530));
  EXPECT_EQ(during[0].at, kStart + milliseconds(3030));
  EXPECT_EQ(after[0].at, kStart + milliseconds(3030));
  EXPECT_EQ(link.counters().lost_outage, 2u);
}

}  // namespace
}  // namespace roam::netsim
