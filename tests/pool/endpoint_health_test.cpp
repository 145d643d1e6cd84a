#include "pool/endpoint_health.h"

#include <gtest/gtest.h>

namespace sluice::pool {
namespace {

using std::chrono::milliseconds;

HealthPolicy policy() {
  HealthPolicy p;
  p.failure_threshold = 3;
  p.recovery_successes = 2;
  p.probe_interval = milliseconds(100);
  p.staleness = milliseconds(200);
  return p;
}

TEST(EndpointHealth, StaleUntilFirstScrapeThenAfterTheBound) {
  ManualClock clock;
  EndpointHealth h(policy());
  EXPECT_TRUE(h.healthy());
  EXPECT_TRUE(h.stale(clock.now()));
  h.on_scrape(true, clock.now());
  EXPECT_FALSE(h.stale(clock.now()));
  clock.advance(milliseconds(200));
  EXPECT_FALSE(h.stale(clock.now()));  // exactly at the bound is still fresh
  clock.advance(milliseconds(1));
  EXPECT_TRUE(h.stale(clock.now()));
  EXPECT_TRUE(h.healthy());  // stale is not ejected
}

TEST(EndpointHealth, ConsecutiveScrapeFailuresEject) {
  ManualClock clock;
  EndpointHealth h(policy());
  EXPECT_FALSE(h.on_scrape(false, clock.now()));
  EXPECT_FALSE(h.on_scrape(false, clock.now()));
  EXPECT_FALSE(h.on_scrape(true, clock.now()));  // the streak is broken
  EXPECT_EQ(h.scrape_failure_streak(), 0U);
  EXPECT_FALSE(h.on_scrape(false, clock.now()));
  EXPECT_FALSE(h.on_scrape(false, clock.now()));
  EXPECT_TRUE(h.on_scrape(false, clock.now()));
  EXPECT_EQ(h.state(), HealthState::kEjected);
  EXPECT_EQ(h.reason(), EjectReason::kScrapeFailures);
  EXPECT_EQ(h.ejections(), 1U);
  EXPECT_FALSE(h.on_scrape(false, clock.now()));  // already out
}

TEST(EndpointHealth, PassiveStreakEjects) {
  ManualClock clock;
  EndpointHealth h(policy());
  EXPECT_FALSE(h.on_passive_streak(2, clock.now()));
  EXPECT_TRUE(h.on_passive_streak(3, clock.now()));
  EXPECT_EQ(h.reason(), EjectReason::kPassiveFailures);
  EXPECT_FALSE(h.on_passive_streak(10, clock.now()));
  EXPECT_EQ(h.ejections(), 1U);
}

TEST(EndpointHealth, ProbesAreDueOneIntervalAfterEjectionAndRecoveryNeedsConsecutiveSuccesses) {
  ManualClock clock;
  EndpointHealth h(policy());
  h.on_scrape(true, clock.now());
  ASSERT_TRUE(h.on_passive_streak(3, clock.now()));
  EXPECT_FALSE(h.probe_due(clock.now()));
  clock.advance(milliseconds(100));
  EXPECT_TRUE(h.probe_due(clock.now()));

  EXPECT_FALSE(h.on_probe(true, clock.now()));
  EXPECT_EQ(h.probe_success_streak(), 1U);
  EXPECT_FALSE(h.probe_due(clock.now()));  // next one interval later
  clock.advance(milliseconds(100));
  EXPECT_FALSE(h.on_probe(false, clock.now()));  // restarts the count
  EXPECT_EQ(h.probe_success_streak(), 0U);
  clock.advance(milliseconds(100));
  EXPECT_FALSE(h.on_probe(true, clock.now()));
  clock.advance(milliseconds(100));
  EXPECT_TRUE(h.on_probe(true, clock.now()));
  EXPECT_TRUE(h.healthy());
  EXPECT_EQ(h.reason(), EjectReason::kNone);
  EXPECT_FALSE(h.probe_due(clock.now()));
  // Recovered, but the metrics are still from before: stale until the next scrape.
  EXPECT_TRUE(h.stale(clock.now()));
  h.on_scrape(true, clock.now());
  EXPECT_FALSE(h.stale(clock.now()));
}

TEST(EndpointHealth, ProbesWhileHealthyAreIgnoredAndStreaksRestartAfterRecovery) {
  ManualClock clock;
  EndpointHealth h(policy());
  EXPECT_FALSE(h.on_probe(false, clock.now()));
  EXPECT_TRUE(h.healthy());
  h.on_scrape(false, clock.now());
  h.on_scrape(false, clock.now());
  ASSERT_TRUE(h.on_scrape(false, clock.now()));
  h.on_probe(true, clock.now());
  ASSERT_TRUE(h.on_probe(true, clock.now()));
  // A fresh streak is needed to eject again.
  EXPECT_FALSE(h.on_scrape(false, clock.now()));
  EXPECT_FALSE(h.on_scrape(false, clock.now()));
  EXPECT_TRUE(h.on_scrape(false, clock.now()));
  EXPECT_EQ(h.ejections(), 2U);
}

TEST(EndpointHealth, ZeroThresholdsBehaveAsOne) {
  HealthPolicy p = policy();
  p.failure_threshold = 0;
  p.recovery_successes = 0;
  ManualClock clock;
  EndpointHealth h(p);
  EXPECT_FALSE(h.on_passive_streak(0, clock.now()));
  EXPECT_TRUE(h.on_scrape(false, clock.now()));
  EXPECT_TRUE(h.on_probe(true, clock.now()));
}

TEST(EndpointHealth, Names) {
  EXPECT_EQ(health_state_name(HealthState::kEjected), "ejected");
  EXPECT_EQ(eject_reason_name(EjectReason::kPassiveFailures), "proxy_errors");
}

}  // namespace
}  // namespace sluice::pool
