#include "scheduling/scheduler.h"

#include "scheduling/registry.h"
#include "scheduling_test_util.h"

#include <gtest/gtest.h>

namespace sluice::scheduling {
namespace {

using testing::endpoint;

std::shared_ptr<const Profile> profile_with(double queue_weight, double kv_weight) {
  const std::vector<PluginSpec> plugins = {{"queue-scorer", "", {}},
                                           {"kv-cache-utilization-scorer", "", {}}};
  auto p = build_profile(plugins, ProfileSpec{"p",
                                              {{"queue-scorer", queue_weight},
                                               {"kv-cache-utilization-scorer", kv_weight}}});
  EXPECT_TRUE(p.ok());
  return std::make_shared<const Profile>(std::move(p).value());
}

TEST(SchedulerTest, WeightsChangeTheWinner) {
  std::vector<EndpointView> eps = {endpoint(1), endpoint(2)};
  eps[0].waiting = 0;  // short queue, full KV
  eps[0].kv_cache_usage = 0.9;
  eps[1].waiting = 4;  // long queue, empty KV
  eps[1].kv_cache_usage = 0.1;
  SchedulingRequest r;
  r.model = "llama";

  Scheduler queue_heavy(profile_with(3.0, 1.0));
  auto a = queue_heavy.pick(r, eps);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->ranked[0]->id, 1u);

  Scheduler kv_heavy(profile_with(1.0, 3.0));
  auto b = kv_heavy.pick(r, eps);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->ranked[0]->id, 2u);
}

TEST(SchedulerTest, RankedFallbacksSkipFilteredEndpoints) {
  std::vector<EndpointView> eps = {endpoint(1), endpoint(2), endpoint(3), endpoint(4, {"other"})};
  eps[0].waiting = 3;
  eps[1].healthy = false;
  eps[2].waiting = 1;
  Scheduler s(std::make_shared<const Profile>(default_profile()));
  SchedulingRequest r;
  r.model = "llama";
  auto d = s.pick(r, eps);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->ranked.size(), 2u);  // only 1 and 3 qualify
  EXPECT_EQ(d->ranked[0]->id, 3u);
  EXPECT_EQ(d->ranked[1]->id, 1u);
}

TEST(SchedulerTest, AnEligibilityPredicateNarrowsTheCandidatesBeforeTheFilters) {
  std::vector<EndpointView> eps = {endpoint(1), endpoint(2), endpoint(3)};
  eps[0].waiting = 0;  // the best, but not eligible
  eps[1].waiting = 5;
  eps[2].waiting = 2;
  Scheduler s(std::make_shared<const Profile>(default_profile()));
  SchedulingRequest r;
  r.model = "llama";
  const std::function<bool(const EndpointView&)> not_first = [](const EndpointView& e) {
    return e.id != 1;
  };
  auto d = s.pick(r, eps, &not_first);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->ranked[0]->id, 3u);
  for (const EndpointView* e : d->ranked) EXPECT_NE(e->id, 1u);
  auto unrestricted = s.pick(r, eps);
  ASSERT_TRUE(unrestricted.ok());
  EXPECT_EQ(unrestricted->ranked[0]->id, 1u);

  const std::function<bool(const EndpointView&)> none = [](const EndpointView&) { return false; };
  auto empty = s.pick(r, eps, &none);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message, "no endpoint is eligible");
}

TEST(SchedulerTest, NoEligibleEndpointIsUnavailableNamingFilterAndModel) {
  std::vector<EndpointView> eps = {endpoint(1)};
  Scheduler s(std::make_shared<const Profile>(default_profile()));
  SchedulingRequest r;
  r.model = "gpt-9";
  auto d = s.pick(r, eps);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(d.error().message.find("gpt-9"), std::string::npos);
  EXPECT_NE(d.error().message.find("model-served-filter"), std::string::npos);
  EXPECT_FALSE(s.pick(r, {}).ok());
}

TEST(SchedulerTest, PrefixAffinityFollowsEarlierDecisions) {
  std::vector<EndpointView> eps;
  for (std::uint32_t i = 0; i < 8; ++i) {
    eps.push_back(endpoint(i));
  }
  Scheduler s(std::make_shared<const Profile>(default_profile()), 77);
  const std::string system_prompt(4096, 's');
  std::string prompt = system_prompt + "question one";
  const auto h1 = s.hash_prompt("llama", prompt);
  ASSERT_EQ(h1.size(), 64u);
  SchedulingRequest r;
  r.model = "llama";
  r.prefix_hashes = h1;
  auto first = s.pick(r, eps);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->prefix_blocks_matched, 0u);
  const std::uint32_t home = first->ranked[0]->id;

  // Same system prompt, different question: lands on the same endpoint with a full match.
  prompt = system_prompt + "question two, somewhat longer than the first one";
  r.prefix_hashes = s.hash_prompt("llama", prompt);
  auto second = s.pick(r, eps);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->ranked[0]->id, home);
  EXPECT_EQ(second->prefix_blocks_matched, 64u);

  // Load outweighs the cache when the home endpoint is much busier than the rest.
  eps[home].waiting = 4;  // below the saturation threshold: scores decide, not filters
  eps[home].kv_cache_usage = 0.75;
  eps[home].in_flight = 50;
  r.prefix_hashes = s.hash_prompt("llama", prompt);
  auto third = s.pick(r, eps);
  ASSERT_TRUE(third.ok());
  EXPECT_NE(third->ranked[0]->id, home);
}

TEST(SchedulerTest, LoraAffinityEndToEnd) {
  // Registered everywhere (listed in /v1/models), resident in GPU memory only on endpoint 1.
  std::vector<EndpointView> eps = {endpoint(1, {"llama", "sql"}), endpoint(2, {"llama", "sql"}),
                                   endpoint(3, {"llama", "sql"})};
  for (auto& e : eps) {
    e.max_loras = 1;
  }
  eps[0].running_adapters = {"sql"};
  eps[1].running_adapters = {"chat"};  // full
  SchedulingRequest r;
  r.model = "sql";
  r.is_adapter = true;
  r.base_model = "llama";
  Scheduler s(std::make_shared<const Profile>(default_profile()));
  auto d = s.pick(r, eps);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->ranked.size(), 3u);
  EXPECT_EQ(d->ranked[0]->id, 1u);  // resident
  EXPECT_EQ(d->ranked[1]->id, 3u);  // free slot
  EXPECT_EQ(d->ranked[2]->id, 2u);  // neither
}

TEST(SchedulerTest, RoundRobinBaselineIsFairAcrossPicks) {
  std::vector<EndpointView> eps = {endpoint(1), endpoint(2), endpoint(3), endpoint(4)};
  eps[0].waiting = 1000;  // ignored by round-robin
  Scheduler s(std::make_shared<const Profile>(round_robin_profile()));
  SchedulingRequest r;
  r.model = "llama";
  std::vector<int> wins(5, 0);
  for (int i = 0; i < 400; ++i) {
    auto d = s.pick(r, eps);
    ASSERT_TRUE(d.ok());
    ++wins[d->ranked[0]->id];
  }
  EXPECT_EQ(wins, (std::vector<int>{0, 100, 100, 100, 100}));
}

TEST(SchedulerTest, NonPrefixProfileDoesNotHashOrRecord) {
  Scheduler s(profile_with(1, 1));
  EXPECT_TRUE(s.hash_prompt("llama", std::string(1000, 'a')).empty());
  std::vector<EndpointView> eps = {endpoint(1)};
  const std::vector<std::uint64_t> h = {1, 2, 3};
  SchedulingRequest r;
  r.model = "llama";
  r.prefix_hashes = h;
  ASSERT_TRUE(s.pick(r, eps).ok());
  EXPECT_EQ(s.prefix_index().total_blocks(), 0u);
}

}  // namespace
}  // namespace sluice::scheduling

namespace sluice::scheduling {
namespace {

// A clock that advances 10 ns per read: each stage is charged exactly one read interval.
class StepClock final : public PluginClock {
 public:
  std::uint64_t now_ns() override { return t_ += 10; }

 private:
  std::uint64_t t_ = 0;
};

TEST(SchedulerTest, PluginClockChargesEveryStageInOrder) {
  Scheduler s(std::make_shared<const Profile>(default_profile()));
  const std::vector<std::string> expected = {"health-filter",         "model-served-filter",
                                             "saturation-filter",     "prefix-match",
                                             "queue-scorer",          "kv-cache-utilization-scorer",
                                             "prefix-cache-scorer",   "lora-affinity-scorer",
                                             "active-request-scorer", "max-score-picker"};
  EXPECT_EQ(s.plugin_names(), expected);
  std::vector<EndpointView> eps = {testing::endpoint(1), testing::endpoint(2)};
  SchedulingRequest r;
  r.model = "llama";
  r.prefix_hashes = s.hash_prompt(r.model, std::string(200, 'x'));
  ASSERT_TRUE(s.pick(r, eps).ok());
  for (std::uint64_t n : s.plugin_nanos()) {
    EXPECT_EQ(n, 0U) << "no clock, no measuring";
  }
  StepClock clock;
  s.set_plugin_clock(&clock);
  ASSERT_TRUE(s.pick(r, eps).ok());
  ASSERT_EQ(s.plugin_nanos().size(), expected.size());
  for (std::uint64_t n : s.plugin_nanos()) {
    EXPECT_EQ(n, 10U);
  }
}

}  // namespace
}  // namespace sluice::scheduling

namespace sluice::scheduling {
namespace {

std::shared_ptr<const Profile> llm_d_no_hit_profile() {
  const std::vector<PluginSpec> plugins = {
      {"approx-prefix-cache-producer", "", YAML::Load("{blockSize: 16}")},
      {"prefix-cache-scorer", "", {}},
      {"no-hit-lru-scorer", "", {}},
      {"max-score-picker", "", {}}};
  auto p = build_profile(plugins, ProfileSpec{"p",
                                              {{"prefix-cache-scorer", 3.0},
                                               {"no-hit-lru-scorer", 2.0},
                                               {"max-score-picker", std::nullopt}}});
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return std::make_shared<const Profile>(std::move(p).value());
}

TEST(SchedulerTest, ProducerSettingsApplyWithoutAReference) {
  EXPECT_EQ(llm_d_no_hit_profile()->prefix.block_chars, 16U);
}

TEST(SchedulerTest, NoHitLruSpreadsNewPrefixesAndPrefixAffinityKeepsThem) {
  Scheduler s(llm_d_no_hit_profile());
  std::vector<EndpointView> eps = {testing::endpoint(1), testing::endpoint(2),
                                   testing::endpoint(3)};
  std::vector<std::uint32_t> first_pick;
  for (int group = 0; group < 3; ++group) {
    SchedulingRequest r;
    r.model = "llama";
    const std::string prompt = "group " + std::to_string(group) + std::string(100, 'x');
    r.prefix_hashes = s.hash_prompt(r.model, prompt);
    auto d = s.pick(r, eps);
    ASSERT_TRUE(d.ok());
    first_pick.push_back(d->ranked[0]->id);
  }
  std::sort(first_pick.begin(), first_pick.end());
  EXPECT_EQ(first_pick, (std::vector<std::uint32_t>{1, 2, 3}))
      << "three cold prefixes, three endpoints";
  // A warm request follows its prefix, not the cold-request rotation.
  for (int group = 0; group < 3; ++group) {
    SchedulingRequest r;
    r.model = "llama";
    const std::string prompt = "group " + std::to_string(group) + std::string(100, 'x') + " more";
    r.prefix_hashes = s.hash_prompt(r.model, prompt);
    auto again = s.pick(r, eps);
    ASSERT_TRUE(again.ok());
    EXPECT_GT(again->prefix_blocks_matched, 0U);
  }
}

}  // namespace
}  // namespace sluice::scheduling
