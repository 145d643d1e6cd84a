#include "bench/stats.h"

#include <gtest/gtest.h>

namespace sluice::bench {
namespace {

TEST(Summarize, EmptyIsAllZero) {
  const Summary s = summarize({});
  EXPECT_EQ(s.count, 0U);
  EXPECT_EQ(s.mean, 0.0);
  EXPECT_EQ(s.min, 0.0);
  EXPECT_EQ(s.max, 0.0);
  EXPECT_EQ(s.p50, 0.0);
  EXPECT_EQ(s.p999, 0.0);
}

TEST(Summarize, SingleValue) {
  const Summary s = summarize({7.5});
  EXPECT_EQ(s.count, 1U);
  EXPECT_DOUBLE_EQ(s.mean, 7.5);
  EXPECT_DOUBLE_EQ(s.min, 7.5);
  EXPECT_DOUBLE_EQ(s.p50, 7.5);
  EXPECT_DOUBLE_EQ(s.p999, 7.5);
}

// Expected values from numpy.percentile([1, 2, 3, 4], q) (default method "linear").
TEST(Summarize, MatchesNumpyOnFourValues) {
  const Summary s = summarize({4, 1, 3, 2});
  EXPECT_EQ(s.count, 4U);
  EXPECT_DOUBLE_EQ(s.mean, 2.5);
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.max, 4);
  EXPECT_DOUBLE_EQ(s.p50, 2.5);
  EXPECT_DOUBLE_EQ(s.p90, 3.7);
  EXPECT_DOUBLE_EQ(s.p95, 3.85);
  EXPECT_DOUBLE_EQ(s.p99, 3.97);
  EXPECT_DOUBLE_EQ(s.p999, 3.997);
}

// numpy.percentile([15, 20, 35, 40, 50], [50, 90, 95, 99, 99.9]) = [35, 46, 48, 49.6, 49.96].
TEST(Summarize, MatchesNumpyOnFiveValues) {
  const Summary s = summarize({50, 15, 40, 20, 35});
  EXPECT_DOUBLE_EQ(s.mean, 32);
  EXPECT_DOUBLE_EQ(s.p50, 35);
  EXPECT_DOUBLE_EQ(s.p90, 46);
  EXPECT_DOUBLE_EQ(s.p95, 48);
  EXPECT_NEAR(s.p99, 49.6, 1e-12);
  EXPECT_NEAR(s.p999, 49.96, 1e-12);
}

TEST(PercentileSorted, EndpointsAndClamping) {
  const std::vector<double> v{10, 20, 30};
  EXPECT_DOUBLE_EQ(percentile_sorted(v, 0), 10);
  EXPECT_DOUBLE_EQ(percentile_sorted(v, 100), 30);
  EXPECT_DOUBLE_EQ(percentile_sorted(v, 25), 15);
  EXPECT_DOUBLE_EQ(percentile_sorted(v, -5), 10);
  EXPECT_DOUBLE_EQ(percentile_sorted(v, 150), 30);
  EXPECT_EQ(percentile_sorted({}, 50), 0.0);
}

}  // namespace
}  // namespace sluice::bench
