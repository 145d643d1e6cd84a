#include "bench/driver/stage_tally.h"

#include <gtest/gtest.h>

namespace sluice::bench {
namespace {

using std::chrono::milliseconds;

TEST(StageTally, RatesThroughputAndErrorsFromHandComputedRequests) {
  const TimePoint t0{};
  StageTally tally;
  // Three requests sent at 0, 100 and 200 ms; two succeed (ending at 150 and 400 ms), one fails.
  tally.sent(t0);
  tally.sent(t0 + milliseconds(100));
  tally.sent(t0 + milliseconds(200));
  RequestMetrics fast;
  fast.ttft = 0.05;
  fast.e2e = 0.15;
  RequestMetrics slow;
  slow.ttft = 0.1;
  slow.e2e = 0.3;
  slow.itl_per_chunk = {0.1, 0.1};
  tally.finished(t0 + milliseconds(150), "a", "", &fast, true);
  tally.tokens(10, 4, false, false);
  tally.finished(t0 + milliseconds(400), "b", "", &slow, false);
  tally.tokens(20, 6, true, true);
  tally.finished(t0 + milliseconds(250), "a", "http_503", nullptr, false);

  StageReport r;
  tally.fill(r);
  EXPECT_EQ(r.completed, 2u);
  EXPECT_EQ(r.failed, 1u);
  EXPECT_EQ(r.errors.at("http_503"), 1u);
  EXPECT_DOUBLE_EQ(r.achieved_rate, 2 / 0.2);  // (sent - 1) / (last send - first send)
  EXPECT_DOUBLE_EQ(r.duration_s, 0.4);         // first send to last end
  EXPECT_DOUBLE_EQ(r.requests_per_s, 2 / 0.4);
  EXPECT_DOUBLE_EQ(r.output_tokens_per_s, 10 / 0.4);
  EXPECT_DOUBLE_EQ(r.goodput_requests_per_s, 1 / 0.4);
  EXPECT_EQ(r.usage_missing, 1u);
  EXPECT_EQ(r.token_mismatches, 1u);
  EXPECT_DOUBLE_EQ(r.ttft.p50, 0.075);
  EXPECT_EQ(r.itl.count, 2u);
  EXPECT_EQ(r.ttft_values, (std::vector<double>{0.05, 0.1}));
  EXPECT_EQ(r.per_model.at("a"), (std::pair<std::uint64_t, std::uint64_t>{1, 1}));
  EXPECT_EQ(r.completion_offsets_s, (std::vector<double>{0.15, 0.4}));
}

TEST(StageTally, RecentTtftMedianResetsAfterEachLook) {
  StageTally tally;
  RequestMetrics m;
  for (double ttft : {0.3, 0.1, 0.2}) {
    m.ttft = ttft;
    tally.finished(TimePoint{}, "a", "", &m, false);
  }
  EXPECT_EQ(tally.take_recent_ttft_p50(), 0.2);
  EXPECT_FALSE(tally.take_recent_ttft_p50().has_value());
}

}  // namespace
}  // namespace sluice::bench
