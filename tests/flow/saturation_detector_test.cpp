#include "flow/saturation_detector.h"

#include <gtest/gtest.h>

#include <vector>

namespace sluice::flow {
namespace {

scheduling::EndpointView endpoint(std::uint32_t waiting, double kv, bool stale = false,
                                  bool healthy = true) {
  scheduling::EndpointView e;
  e.waiting = waiting;
  e.kv_cache_usage = kv;
  e.metrics_stale = stale;
  e.healthy = healthy;
  return e;
}

TEST(SaturationDetector, LoadIsTheWorseOfQueueAndKv) {
  const SaturationDetector d;
  EXPECT_DOUBLE_EQ(d.load(endpoint(0, 0.0)), 0.0);
  EXPECT_DOUBLE_EQ(d.load(endpoint(5, 0.1)), 1.0);
  EXPECT_DOUBLE_EQ(d.load(endpoint(1, 0.4)), 0.5);
  EXPECT_DOUBLE_EQ(d.load(endpoint(0, 0.0, /*stale=*/true)), 1.0);
}

TEST(SaturationDetector, PoolIsSaturatedWhenTheMeanReachesOne) {
  const SaturationDetector d;
  std::vector<scheduling::EndpointView> pool{endpoint(10, 0.0), endpoint(0, 0.0)};
  EXPECT_DOUBLE_EQ(d.pool_load(pool), 1.0);
  EXPECT_TRUE(d.saturated(pool));
  pool[0].waiting = 9;
  EXPECT_FALSE(d.saturated(pool));
  pool[1].metrics_stale = true;  // unseen counts as full
  EXPECT_TRUE(d.saturated(pool));
}

TEST(SaturationDetector, UnhealthyEndpointsAreLeftOutAndNoneHealthyIsSaturated) {
  const SaturationDetector d;
  std::vector<scheduling::EndpointView> pool{endpoint(100, 1.0, false, /*healthy=*/false),
                                             endpoint(0, 0.0)};
  EXPECT_FALSE(d.saturated(pool));
  pool[1].healthy = false;
  EXPECT_TRUE(d.saturated(pool));
  EXPECT_TRUE(d.saturated({}));
}

TEST(SaturationDetector, ThresholdsFromYaml) {
  auto d = SaturationDetector::from_yaml(
      YAML::Load("{queueDepthThreshold: 10, kvCacheUtilThreshold: 0.5}"));
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_DOUBLE_EQ(d->load(endpoint(5, 0.0)), 0.5);
  EXPECT_DOUBLE_EQ(d->load(endpoint(0, 0.5)), 1.0);
  EXPECT_TRUE(SaturationDetector::from_yaml(YAML::Node()).ok());
}

TEST(SaturationDetector, BadYamlNamesTheField) {
  auto unknown = SaturationDetector::from_yaml(YAML::Load("{queueDepth: 3}"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "saturationDetector.queueDepth");
  auto negative = SaturationDetector::from_yaml(YAML::Load("{queueDepthThreshold: -1}"));
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().field, "saturationDetector.queueDepthThreshold");
  auto kv = SaturationDetector::from_yaml(YAML::Load("{kvCacheUtilThreshold: 2}"));
  ASSERT_FALSE(kv.ok());
  EXPECT_FALSE(SaturationDetector::from_yaml(YAML::Load("[1]")).ok());
}

}  // namespace
}  // namespace sluice::flow
