#include "scheduling/filters.h"

#include "scheduling_test_util.h"

#include <gtest/gtest.h>

namespace sluice::scheduling {
namespace {

using testing::endpoint;
using testing::ids;
using testing::pointers;

TEST(HealthFilterTest, DropsUnhealthyKeepsOrder) {
  std::vector<EndpointView> eps = {endpoint(1), endpoint(2), endpoint(3)};
  eps[1].healthy = false;
  auto c = pointers(eps);
  HealthFilter().filter({}, c);
  EXPECT_EQ(ids(c), (std::vector<std::uint32_t>{1, 3}));
}

TEST(ModelServedFilterTest, BaseModelAndAdapters) {
  std::vector<EndpointView> eps = {endpoint(1, {"llama", "sql-lora"}), endpoint(2, {"llama"}),
                                   endpoint(3, {"mistral"})};
  SchedulingRequest base;
  base.model = "llama";
  auto c = pointers(eps);
  ModelServedFilter().filter(base, c);
  EXPECT_EQ(ids(c), (std::vector<std::uint32_t>{1, 2}));

  SchedulingRequest adapter;
  adapter.model = "sql-lora";
  adapter.is_adapter = true;
  adapter.base_model = "llama";
  c = pointers(eps);
  ModelServedFilter().filter(adapter, c);
  EXPECT_EQ(ids(c), (std::vector<std::uint32_t>{1}));  // 2 would answer 404

  adapter.model = "new-lora";  // listed nowhere: base-model endpoints may load it on demand
  c = pointers(eps);
  ModelServedFilter().filter(adapter, c);
  EXPECT_EQ(ids(c), (std::vector<std::uint32_t>{1, 2}));

  adapter.base_model = "";
  c = pointers(eps);
  ModelServedFilter().filter(adapter, c);
  EXPECT_TRUE(c.empty());

  SchedulingRequest unknown;
  unknown.model = "gpt-9";
  c = pointers(eps);
  ModelServedFilter().filter(unknown, c);
  EXPECT_TRUE(c.empty());
}

TEST(SaturationFilterTest, QueueKvAndStaleCountAsSaturated) {
  std::vector<EndpointView> eps = {endpoint(1), endpoint(2), endpoint(3), endpoint(4)};
  eps[0].waiting = 5;            // at queue threshold
  eps[1].kv_cache_usage = 0.85;  // over KV threshold
  eps[2].metrics_stale = true;
  eps[3].waiting = 4;
  eps[3].kv_cache_usage = 0.79;
  SaturationFilter f(SaturationFilter::Options{});
  auto c = pointers(eps);
  f.filter({}, c);
  EXPECT_EQ(ids(c), (std::vector<std::uint32_t>{4}));
  EXPECT_TRUE(f.saturated(eps[2]));
  EXPECT_FALSE(f.saturated(eps[3]));
}

TEST(SaturationFilterTest, AllSaturatedFallbackIsConfigurable) {
  std::vector<EndpointView> eps = {endpoint(1), endpoint(2)};
  eps[0].waiting = 10;
  eps[1].metrics_stale = true;
  auto c = pointers(eps);
  SaturationFilter(SaturationFilter::Options{}).filter({}, c);
  EXPECT_EQ(ids(c), (std::vector<std::uint32_t>{1, 2}));

  SaturationFilter::Options strict;
  strict.fallback_to_all = false;
  c = pointers(eps);
  SaturationFilter(strict).filter({}, c);
  EXPECT_TRUE(c.empty());
}

TEST(SaturationFilterTest, CustomThresholds) {
  std::vector<EndpointView> eps = {endpoint(1), endpoint(2)};
  eps[0].waiting = 50;
  eps[1].waiting = 200;
  SaturationFilter::Options o;
  o.queue_threshold = 128;
  o.fallback_to_all = false;
  auto c = pointers(eps);
  SaturationFilter(o).filter({}, c);
  EXPECT_EQ(ids(c), (std::vector<std::uint32_t>{1}));
}

}  // namespace
}  // namespace sluice::scheduling
