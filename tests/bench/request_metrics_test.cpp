#include "bench/request_metrics.h"

#include <gtest/gtest.h>

#include <chrono>

namespace sluice::bench {
namespace {

using std::chrono::milliseconds;

TimePoint at_ms(int ms) { return TimePoint{} + milliseconds(ms); }

// Scheduled at 0, sent at 5 ms, chunks at 105, 125, 165 ms carrying 1, 2, 4 tokens, done at 170.
RequestRecord streamed() {
  RequestRecord r;
  r.scheduled = at_ms(0);
  r.sent = at_ms(5);
  r.end = at_ms(170);
  r.chunk_times = {at_ms(105), at_ms(125), at_ms(165)};
  r.chunk_tokens = {1, 2, 4};
  r.output_tokens = 7;
  return r;
}

TEST(ComputeMetrics, StreamedRequest) {
  const RequestMetrics m = compute_metrics(streamed());
  ASSERT_TRUE(m.ttft.has_value());
  EXPECT_NEAR(*m.ttft, 0.100, 1e-12);
  EXPECT_NEAR(m.e2e, 0.165, 1e-12);
  EXPECT_NEAR(m.schedule_delay, 0.005, 1e-12);
  ASSERT_TRUE(m.tpot.has_value());
  EXPECT_NEAR(*m.tpot, 0.060 / 6, 1e-12);
  ASSERT_TRUE(m.ntpot.has_value());
  EXPECT_NEAR(*m.ntpot, 0.165 / 7, 1e-12);
  ASSERT_EQ(m.itl_per_chunk.size(), 2U);
  EXPECT_NEAR(m.itl_per_chunk[0], 0.020, 1e-12);
  EXPECT_NEAR(m.itl_per_chunk[1], 0.040, 1e-12);
  // 20 ms over 2 tokens, then 40 ms over 4 tokens: six 10 ms entries.
  ASSERT_EQ(m.itl_per_token.size(), 6U);
  for (double v : m.itl_per_token) EXPECT_NEAR(v, 0.010, 1e-12);
  ASSERT_TRUE(m.mean_itl().has_value());
  EXPECT_NEAR(*m.mean_itl(), 0.030, 1e-12);
}

TEST(ComputeMetrics, PerTokenItlSplitsEachGapByItsChunk) {
  RequestRecord r = streamed();
  r.chunk_tokens = {3, 1, 0};  // a zero-token chunk counts as one
  const RequestMetrics m = compute_metrics(r);
  ASSERT_EQ(m.itl_per_token.size(), 2U);
  EXPECT_NEAR(m.itl_per_token[0], 0.020, 1e-12);
  EXPECT_NEAR(m.itl_per_token[1], 0.040, 1e-12);
  r.chunk_tokens.clear();  // unknown counts: one token per chunk
  EXPECT_EQ(compute_metrics(r).itl_per_token.size(), 2U);
}

TEST(ComputeMetrics, NonStreamedRequestHasNoChunkMetrics) {
  RequestRecord r;
  r.scheduled = at_ms(10);
  r.sent = at_ms(10);
  r.end = at_ms(410);
  r.output_tokens = 40;
  const RequestMetrics m = compute_metrics(r);
  EXPECT_FALSE(m.ttft.has_value());
  EXPECT_FALSE(m.tpot.has_value());
  EXPECT_FALSE(m.mean_itl().has_value());
  ASSERT_TRUE(m.ntpot.has_value());
  EXPECT_NEAR(*m.ntpot, 0.010, 1e-12);
  EXPECT_NEAR(m.e2e, 0.400, 1e-12);
  EXPECT_EQ(m.schedule_delay, 0.0);
  EXPECT_TRUE(m.itl_per_token.empty());
}

TEST(ComputeMetrics, SingleTokenHasTtftButNoTpot) {
  RequestRecord r;
  r.sent = at_ms(0);
  r.chunk_times = {at_ms(50)};
  r.chunk_tokens = {1};
  r.end = at_ms(60);
  r.output_tokens = 1;
  const RequestMetrics m = compute_metrics(r);
  ASSERT_TRUE(m.ttft.has_value());
  EXPECT_NEAR(*m.ttft, 0.050, 1e-12);
  EXPECT_FALSE(m.tpot.has_value());
  EXPECT_TRUE(m.itl_per_chunk.empty());
  r.output_tokens = 0;
  EXPECT_FALSE(compute_metrics(r).ntpot.has_value());
}

TEST(Slo, ParsesUnits) {
  auto slo = Slo::parse("ttft=200ms, tpot=50ms,e2e=2s,itl=1500us,ntpot=0.1s");
  ASSERT_TRUE(slo.ok()) << slo.error().message;
  EXPECT_DOUBLE_EQ(*slo->ttft, 0.2);
  EXPECT_DOUBLE_EQ(*slo->tpot, 0.05);
  EXPECT_DOUBLE_EQ(*slo->e2e, 2.0);
  EXPECT_DOUBLE_EQ(*slo->itl, 0.0015);
  EXPECT_DOUBLE_EQ(*slo->ntpot, 0.1);
  auto empty = Slo::parse("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  auto partial = Slo::parse("ttft=1s");
  ASSERT_TRUE(partial.ok());
  EXPECT_FALSE(partial->tpot.has_value());
}

TEST(Slo, RejectsBadSpecs) {
  for (const char* spec : {"ttft", "ttft=200", "ttft=200min", "foo=1s", "ttft=1s,ttft=2s",
                           "ttft=-1ms", "ttft=ms", "ttft=1s,,tpot", "e2e=nan s"}) {
    auto slo = Slo::parse(spec);
    ASSERT_FALSE(slo.ok()) << "accepted '" << spec << "'";
    EXPECT_EQ(slo.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(slo.error().message.find(spec), std::string::npos) << slo.error().message;
  }
}

TEST(Slo, MetChecksEveryObjective) {
  const RequestMetrics m = compute_metrics(streamed());  // ttft 100ms, tpot 10ms, itl 30ms
  EXPECT_TRUE(Slo{}.met(m));
  EXPECT_TRUE(Slo::parse("ttft=100ms,tpot=10ms,itl=30ms,e2e=165ms")->met(m));
  EXPECT_FALSE(Slo::parse("ttft=99ms")->met(m));
  EXPECT_FALSE(Slo::parse("tpot=9ms")->met(m));
  EXPECT_FALSE(Slo::parse("itl=29ms")->met(m));
  EXPECT_FALSE(Slo::parse("ntpot=20ms")->met(m));  // ntpot = 165/7 ms ~= 23.6 ms
  EXPECT_TRUE(Slo::parse("ntpot=24ms")->met(m));
  EXPECT_FALSE(Slo::parse("e2e=160ms")->met(m));
}

TEST(Slo, AbsentMetricMissesItsObjective) {
  RequestRecord r;
  r.sent = at_ms(0);
  r.end = at_ms(100);
  r.output_tokens = 10;
  const RequestMetrics unstreamed = compute_metrics(r);
  EXPECT_FALSE(Slo::parse("ttft=10s")->met(unstreamed));
  EXPECT_FALSE(Slo::parse("itl=10s")->met(unstreamed));
  EXPECT_TRUE(Slo::parse("e2e=10s")->met(unstreamed));
}

}  // namespace
}  // namespace sluice::bench
