#include "scheduling/pickers.h"

#include "scheduling_test_util.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace sluice::scheduling {
namespace {

using testing::endpoint;

std::vector<ScoredEndpoint> scored(const std::vector<EndpointView>& eps,
                                   const std::vector<double>& scores) {
  std::vector<ScoredEndpoint> out;
  for (std::size_t i = 0; i < eps.size(); ++i) {
    out.push_back({&eps[i], scores[i]});
  }
  return out;
}

std::vector<EndpointView> fleet(std::uint32_t n) {
  std::vector<EndpointView> eps;
  for (std::uint32_t i = 0; i < n; ++i) {
    eps.push_back(endpoint(i));
  }
  return eps;
}

TEST(MaxScorePickerTest, RankedByScoreWithFallbacks) {
  const auto eps = fleet(5);
  auto s = scored(eps, {0.1, 0.9, 0.5, 0.7, 0.3});
  PickerState state{42, 0};
  std::vector<const EndpointView*> ranked;
  MaxScorePicker(3).pick(s, state, ranked);
  ASSERT_EQ(ranked.size(), 3u);
  EXPECT_EQ(ranked[0]->id, 1u);
  EXPECT_EQ(ranked[1]->id, 3u);
  EXPECT_EQ(ranked[2]->id, 2u);
}

TEST(MaxScorePickerTest, TiesBrokenRandomlyAndDeterministicallyPerSeed) {
  const auto eps = fleet(4);
  std::map<std::uint32_t, int> wins;
  PickerState state{7, 0};
  for (int i = 0; i < 400; ++i) {
    auto s = scored(eps, {1.0, 1.0, 1.0, 0.2});
    std::vector<const EndpointView*> ranked;
    MaxScorePicker(1).pick(s, state, ranked);
    ASSERT_EQ(ranked.size(), 1u);
    ++wins[ranked[0]->id];
  }
  EXPECT_EQ(wins.count(3), 0u);  // never the lower score
  for (std::uint32_t id = 0; id < 3; ++id) {
    EXPECT_GT(wins[id], 80) << id;  // expected ~133 each
  }
  // Same seed, same sequence.
  PickerState a{99, 0};
  PickerState b{99, 0};
  for (int i = 0; i < 20; ++i) {
    auto sa = scored(eps, {1, 1, 1, 1});
    auto sb = scored(eps, {1, 1, 1, 1});
    std::vector<const EndpointView*> ra;
    std::vector<const EndpointView*> rb;
    MaxScorePicker(4).pick(sa, a, ra);
    MaxScorePicker(4).pick(sb, b, rb);
    EXPECT_EQ(testing::ids(ra), testing::ids(rb));
  }
}

TEST(WeightedRandomPickerTest, ProportionsFollowScores) {
  const auto eps = fleet(3);
  const std::vector<double> weights = {1.0, 2.0, 7.0};
  std::map<std::uint32_t, int> wins;
  PickerState state{12345, 0};
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    auto s = scored(eps, weights);
    std::vector<const EndpointView*> ranked;
    WeightedRandomPicker(2).pick(s, state, ranked);
    ASSERT_EQ(ranked.size(), 2u);
    ASSERT_NE(ranked[0], ranked[1]);  // without replacement
    ++wins[ranked[0]->id];
  }
  EXPECT_NEAR(wins[0] / double(n), 0.1, 0.02);
  EXPECT_NEAR(wins[1] / double(n), 0.2, 0.02);
  EXPECT_NEAR(wins[2] / double(n), 0.7, 0.02);
}

TEST(WeightedRandomPickerTest, AllZeroIsUniformAndZeroNeverBeatsPositive) {
  const auto eps = fleet(2);
  PickerState state{1, 0};
  int first = 0;
  for (int i = 0; i < 1000; ++i) {
    auto s = scored(eps, {0.0, 0.0});
    std::vector<const EndpointView*> ranked;
    WeightedRandomPicker(1).pick(s, state, ranked);
    first += ranked[0]->id == 0 ? 1 : 0;
    auto z = scored(eps, {0.0, 0.5});
    ranked.clear();
    WeightedRandomPicker(1).pick(z, state, ranked);
    EXPECT_EQ(ranked[0]->id, 1u);
  }
  EXPECT_NEAR(first, 500, 80);
}

TEST(RoundRobinPickerTest, ExactlyFairAndFallbacksAreNextInRotation) {
  const auto eps = fleet(3);
  PickerState state{0, 0};
  std::map<std::uint32_t, int> wins;
  for (int i = 0; i < 300; ++i) {
    auto s = scored(eps, {0.9, 0.1, 0.5});  // scores are ignored
    std::vector<const EndpointView*> ranked;
    RoundRobinPicker(2).pick(s, state, ranked);
    ASSERT_EQ(ranked.size(), 2u);
    EXPECT_EQ(ranked[1]->id, (ranked[0]->id + 1) % 3);
    ++wins[ranked[0]->id];
  }
  EXPECT_EQ(wins[0], 100);
  EXPECT_EQ(wins[1], 100);
  EXPECT_EQ(wins[2], 100);
}

TEST(RandomPickerTest, DistinctEndpointsAndAllReachable) {
  const auto eps = fleet(4);
  PickerState state{5, 0};
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 200; ++i) {
    auto s = scored(eps, {1, 0, 0, 0});
    std::vector<const EndpointView*> ranked;
    RandomPicker(4).pick(s, state, ranked);
    ASSERT_EQ(ranked.size(), 4u);
    EXPECT_EQ(std::set<std::uint32_t>({ranked[0]->id, ranked[1]->id, ranked[2]->id, ranked[3]->id})
                  .size(),
              4u);
    seen.insert(ranked[0]->id);
  }
  EXPECT_EQ(seen.size(), 4u);
}

TEST(PickerTest, MaxEndpointsCapsAtCandidateCount) {
  const auto eps = fleet(2);
  PickerState state{3, 0};
  auto s = scored(eps, {1, 2});
  std::vector<const EndpointView*> ranked;
  MaxScorePicker(5).pick(s, state, ranked);
  EXPECT_EQ(ranked.size(), 2u);
}

}  // namespace
}  // namespace sluice::scheduling
