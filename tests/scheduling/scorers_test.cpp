#include "scheduling/scorers.h"

#include "scheduling_test_util.h"

#include <gtest/gtest.h>

namespace sluice::scheduling {
namespace {

using testing::endpoint;
using testing::run_scorer;

TEST(QueueScorerTest, MinMaxNormalised) {
  std::vector<EndpointView> eps = {endpoint(1), endpoint(2), endpoint(3)};
  eps[0].waiting = 0;
  eps[1].waiting = 5;
  eps[2].waiting = 10;
  const auto s = run_scorer(MinMaxLoadScorer(LoadSignal::kQueue), {}, eps);
  EXPECT_DOUBLE_EQ(s[0], 1.0);
  EXPECT_DOUBLE_EQ(s[1], 0.5);
  EXPECT_DOUBLE_EQ(s[2], 0.0);
}

TEST(QueueScorerTest, AllEqualScoreOne) {
  std::vector<EndpointView> eps = {endpoint(1), endpoint(2)};
  eps[0].waiting = eps[1].waiting = 7;
  const auto s = run_scorer(MinMaxLoadScorer(LoadSignal::kQueue), {}, eps);
  EXPECT_EQ(s, (std::vector<double>{1.0, 1.0}));
}

TEST(RunningAndInFlightScorerTest, ReadTheirOwnSignal) {
  std::vector<EndpointView> eps = {endpoint(1), endpoint(2)};
  eps[0].running = 8;
  eps[1].in_flight = 3;
  const auto running = run_scorer(MinMaxLoadScorer(LoadSignal::kRunning), {}, eps);
  EXPECT_EQ(running, (std::vector<double>{0.0, 1.0}));
  const auto in_flight = run_scorer(MinMaxLoadScorer(LoadSignal::kInFlight), {}, eps);
  EXPECT_EQ(in_flight, (std::vector<double>{1.0, 0.0}));
}

TEST(KvCacheScorerTest, OneMinusUsageClamped) {
  std::vector<EndpointView> eps = {endpoint(1), endpoint(2), endpoint(3)};
  eps[0].kv_cache_usage = 0.25;
  eps[1].kv_cache_usage = 1.5;
  eps[2].kv_cache_usage = -1;
  const auto s = run_scorer(KvCacheScorer(), {}, eps);
  EXPECT_DOUBLE_EQ(s[0], 0.75);
  EXPECT_DOUBLE_EQ(s[1], 0.0);
  EXPECT_DOUBLE_EQ(s[2], 1.0);
}

TEST(PrefixCacheScorerTest, MatchRatio) {
  std::vector<EndpointView> eps = {endpoint(1), endpoint(2), endpoint(3)};
  const std::vector<std::uint64_t> hashes = {1, 2, 3, 4};
  SchedulingRequest r;
  r.prefix_hashes = hashes;
  const std::vector<std::uint32_t> match = {4, 1, 0};
  const auto s = run_scorer(PrefixCacheScorer(), r, eps, match);
  EXPECT_EQ(s, (std::vector<double>{1.0, 0.25, 0.0}));
  EXPECT_TRUE(PrefixCacheScorer().needs_prefix_match());
  // Prompt shorter than a block: nothing to match.
  const auto empty = run_scorer(PrefixCacheScorer(), {}, eps);
  EXPECT_EQ(empty, (std::vector<double>{0.0, 0.0, 0.0}));
}

TEST(LoraAffinityScorerTest, ResidentBeatsFreeSlotBeatsWaitingBeatsNone) {
  std::vector<EndpointView> eps = {endpoint(1), endpoint(2), endpoint(3), endpoint(4)};
  for (auto& e : eps) {
    e.max_loras = 1;
    e.running_adapters = {"other"};
  }
  eps[0].running_adapters = {"sql"};  // resident
  eps[1].running_adapters = {};       // free slot
  eps[2].waiting_adapters = {"sql"};  // full, but queued to load
  SchedulingRequest r;                // eps[3]: full, not queued
  r.model = "sql";
  r.is_adapter = true;
  const auto s = run_scorer(LoraAffinityScorer(), r, eps);
  EXPECT_GT(s[0], s[1]);
  EXPECT_GT(s[1], s[2]);
  EXPECT_GT(s[2], s[3]);
  EXPECT_DOUBLE_EQ(s[3], 0.0);

  SchedulingRequest base;
  base.model = "llama";
  EXPECT_EQ(run_scorer(LoraAffinityScorer(), base, eps), (std::vector<double>(4, 1.0)));
}

TEST(SessionAffinityScorerTest, ExplicitEndpointWins) {
  std::vector<EndpointView> eps = {endpoint(1), endpoint(2), endpoint(3)};
  SchedulingRequest r;
  r.session_key = "abc";
  r.session_endpoint = 3;
  EXPECT_EQ(run_scorer(SessionAffinityScorer(), r, eps), (std::vector<double>{0, 0, 1}));
}

TEST(SessionAffinityScorerTest, RendezvousIsStableAndMovesOnlyLostSessions) {
  std::vector<EndpointView> eps;
  for (std::uint32_t i = 0; i < 8; ++i) {
    eps.push_back(endpoint(i));
  }
  std::vector<std::string> keys;
  std::vector<std::uint32_t> owner;
  std::vector<int> per_endpoint(8, 0);
  for (int k = 0; k < 400; ++k) {
    keys.push_back("session-" + std::to_string(k));
    SchedulingRequest r;
    r.session_key = keys.back();
    const auto s = run_scorer(SessionAffinityScorer(), r, eps);
    ASSERT_EQ(std::count(s.begin(), s.end(), 1.0), 1);
    const auto winner = static_cast<std::uint32_t>(std::find(s.begin(), s.end(), 1.0) - s.begin());
    owner.push_back(winner);
    ++per_endpoint[winner];
    EXPECT_EQ(run_scorer(SessionAffinityScorer(), r, eps), s);  // deterministic
  }
  for (int n : per_endpoint) {
    EXPECT_GT(n, 20);  // spread over all endpoints (expected 50 each)
  }
  // Endpoint 5 leaves: only its sessions move.
  std::vector<EndpointView> fewer = eps;
  fewer.erase(fewer.begin() + 5);
  for (std::size_t k = 0; k < keys.size(); ++k) {
    SchedulingRequest r;
    r.session_key = keys[k];
    const auto s = run_scorer(SessionAffinityScorer(), r, fewer);
    const std::uint32_t winner =
        fewer[static_cast<std::size_t>(std::find(s.begin(), s.end(), 1.0) - s.begin())].id;
    if (owner[k] != 5) {
      EXPECT_EQ(winner, owner[k]);
    }
  }
}

TEST(SessionAffinityScorerTest, NoKeyScoresZero) {
  std::vector<EndpointView> eps = {endpoint(1), endpoint(2)};
  EXPECT_EQ(run_scorer(SessionAffinityScorer(), {}, eps), (std::vector<double>{0, 0}));
}

}  // namespace
}  // namespace sluice::scheduling
