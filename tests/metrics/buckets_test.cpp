#include "metrics/buckets.h"

#include "metrics/exposition.h"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace sluice::metrics {
namespace {

TEST(Buckets, OneTwoFiveStopsAtMax) {
  EXPECT_EQ(buckets_1_2_5(100), (std::vector<double>{1, 2, 5, 10, 20, 50, 100}));
  EXPECT_EQ(buckets_1_2_5(8192).back(), 5000);
  EXPECT_EQ(buckets_1_2_5(1), (std::vector<double>{1}));
}

TEST(Buckets, MatchVllmBoundaries) {
  EXPECT_EQ(ttft_buckets().size(), 22u);
  EXPECT_DOUBLE_EQ(ttft_buckets().front(), 0.001);
  EXPECT_DOUBLE_EQ(ttft_buckets().back(), 2560.0);
  EXPECT_EQ(itl_buckets().size(), 19u);
  EXPECT_DOUBLE_EQ(itl_buckets().back(), 80.0);
  EXPECT_EQ(request_latency_buckets().size(), 21u);
  EXPECT_DOUBLE_EQ(request_latency_buckets().back(), 7680.0);
}

TEST(Exposition, RendersHistogramWithExactLeLabels) {
  prometheus::Registry registry;
  auto& family = prometheus::BuildHistogram()
                     .Name("vllm:time_to_first_token_seconds")
                     .Help("Histogram of time to first token in seconds.")
                     .Register(registry);
  family.Add({{"model_name", "m"}}, ttft_buckets()).Observe(0.03);
  const std::string text = render_text(registry);
  EXPECT_NE(text.find("# TYPE vllm:time_to_first_token_seconds histogram"), std::string::npos);
  EXPECT_NE(text.find("le=\"0.04\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("le=\"0.02\"} 0"), std::string::npos) << text;
  EXPECT_NE(text.find("le=\"+Inf\"} 1"), std::string::npos) << text;
}

TEST(Exposition, SyncCounterNeverGoesBackwards) {
  prometheus::Registry registry;
  auto& counter = prometheus::BuildCounter().Name("x_total").Help("x").Register(registry).Add({});
  sync_counter(counter, 5);
  EXPECT_DOUBLE_EQ(counter.Value(), 5);
  sync_counter(counter, 3);
  EXPECT_DOUBLE_EQ(counter.Value(), 5);
  sync_counter(counter, 9);
  EXPECT_DOUBLE_EQ(counter.Value(), 9);
}

}  // namespace
}  // namespace sluice::metrics
