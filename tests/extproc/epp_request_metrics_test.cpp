#include "extproc/epp_request_metrics.h"

#include "metrics/prometheus_text.h"

#include <gtest/gtest.h>

#include <thread>

namespace sluice::extproc {
namespace {

using namespace std::chrono_literals;

metrics::PromSnapshot parse(const EppRequestMetrics& m) {
  std::string page;
  m.render(page);
  auto parsed = metrics::parse_prometheus_text(page);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message) << "\n" << page;
  return parsed.ok() ? std::move(parsed).value() : metrics::PromSnapshot{};
}

double value(const metrics::PromSnapshot& page, const std::string& series) {
  const metrics::PromSample* s = page.find(series);
  EXPECT_NE(s, nullptr) << series;
  return s != nullptr ? s->value : -1;
}

TEST(EppRequestMetrics, RequestsErrorsAndObservationsRenderUnderTheReferenceNames) {
  EppRequestMetrics m;
  const std::uint32_t rewritten = m.series("llama", "llama-v2");
  EXPECT_EQ(m.series("llama", "llama-v2"), rewritten);
  const std::uint32_t plain = m.series("qwen", "qwen");
  EXPECT_NE(plain, rewritten);
  m.count_request(rewritten);
  m.count_request(rewritten);
  m.count_request(plain);
  m.count_error(plain, 429);
  m.count_error(plain, 418);  // not one of the listed codes
  m.observe(rewritten, {1500ms, 40ms, 12, 30, 4096, 900, 8});
  m.observe(rewritten, {500ms, std::nullopt, std::nullopt, std::nullopt, 100, 50, std::nullopt});
  m.add_running(rewritten, 1);
  m.add_running(rewritten, 1);
  m.add_running(rewritten, -1);

  const auto page = parse(m);
  const std::string llama = R"(model_name="llama",target_model_name="llama-v2")";
  const std::string qwen = R"(model_name="qwen",target_model_name="qwen")";
  EXPECT_EQ(value(page, "llm_d_epp_request_total{" + llama + "}"), 2);
  EXPECT_EQ(value(page, "llm_d_epp_request_total{" + qwen + "}"), 1);
  EXPECT_EQ(value(page, "llm_d_epp_request_error_total{error_code=\"429\"," + qwen + "}"), 1);
  EXPECT_EQ(value(page, "llm_d_epp_request_error_total{error_code=\"other\"," + qwen + "}"), 1);
  EXPECT_EQ(value(page, "llm_d_epp_request_duration_seconds_count{" + llama + "}"), 2);
  EXPECT_DOUBLE_EQ(value(page, "llm_d_epp_request_duration_seconds_sum{" + llama + "}"), 2.0);
  EXPECT_EQ(value(page, "llm_d_epp_request_duration_seconds_bucket{le=\"1\"," + llama + "}"), 1);
  EXPECT_EQ(value(page, "llm_d_epp_request_duration_seconds_bucket{le=\"+Inf\"," + llama + "}"), 2);
  EXPECT_EQ(value(page,
                  "llm_d_epp_request_ttft_seconds_count{model_name=\"llama\",streaming=\"true\","
                  "target_model_name=\"llama-v2\"}"),
            1);
  EXPECT_EQ(value(page, "llm_d_epp_request_input_tokens_sum{" + llama + "}"), 12);
  EXPECT_EQ(value(page, "llm_d_epp_request_output_tokens_count{" + llama + "}"), 1);
  EXPECT_EQ(value(page, "llm_d_epp_request_running{" + llama + "}"), 1);
  EXPECT_EQ(value(page, "llm_d_epp_request_size_bytes_sum{" + llama + "}"), 4196);
  EXPECT_EQ(value(page, "llm_d_epp_request_size_bytes_bucket{le=\"5000\"," + llama + "}"), 2);
  EXPECT_EQ(value(page, "llm_d_epp_response_size_bytes_bucket{le=\"500\"," + llama + "}"), 1);
  EXPECT_EQ(value(page, "llm_d_epp_request_cached_tokens_sum{" + llama + "}"), 8);
  EXPECT_EQ(value(page, "llm_d_epp_request_cached_tokens_count{" + llama + "}"), 1);
  // 1.5 s over 30 tokens; streaming: (1.5 s - 40 ms) over the 29 tokens after the first.
  EXPECT_DOUBLE_EQ(value(page, "llm_d_epp_request_ntpot_seconds_sum{" + llama + "}"), 0.05);
  EXPECT_NEAR(value(page, "llm_d_epp_request_streaming_tpot_seconds_sum{" + llama + "}"), 1.46 / 29,
              1e-9);  // the page prints 9 significant digits
  EXPECT_EQ(value(page, "llm_d_epp_request_streaming_tpot_seconds_count{" + llama + "}"), 1);
  // A pair without observations has no histogram series.
  EXPECT_EQ(page.find("llm_d_epp_request_duration_seconds_count{" + qwen + "}"), nullptr);
}

TEST(EppRequestMetrics, GapsSchedulingProcessingAndStreamsRender) {
  EppRequestMetrics m;
  const std::uint32_t s = m.series("m", "m");
  m.observe_itl(s, 20ms);
  m.observe_itl(s, 30ms);
  m.observe_scheduling(40us, true);
  m.observe_scheduling(60us, true);
  m.observe_scheduling(5us, false);
  m.observe_processing(120us, 30us);
  m.observe_stream(GrpcCode::kOk, 2s);
  m.observe_stream(GrpcCode::kOk, 1s);
  m.observe_stream(GrpcCode::kCancelled, 100ms);
  m.observe_stream(GrpcCode::kResourceExhausted, 1ms);

  const auto page = parse(m);
  const std::string labels = R"({model_name="m",target_model_name="m"})";
  EXPECT_EQ(value(page, "llm_d_epp_request_streaming_itl_seconds_count" + labels), 2);
  EXPECT_DOUBLE_EQ(value(page, "llm_d_epp_request_streaming_itl_seconds_sum" + labels), 0.05);
  EXPECT_EQ(value(page, "llm_d_epp_scheduler_e2e_duration_seconds_count"), 3);
  EXPECT_EQ(value(page, R"(llm_d_epp_scheduler_e2e_duration_seconds_bucket{le="5e-05"})"), 2);
  EXPECT_EQ(value(page, R"(llm_d_epp_scheduler_attempts_total{status="success"})"), 2);
  EXPECT_EQ(value(page, R"(llm_d_epp_scheduler_attempts_total{status="failure"})"), 1);
  EXPECT_DOUBLE_EQ(value(page, "llm_d_epp_request_processing_duration_seconds_sum"), 120e-6);
  EXPECT_DOUBLE_EQ(value(page, "llm_d_epp_response_processing_duration_seconds_sum"), 30e-6);
  EXPECT_EQ(value(page, R"(llm_d_epp_extproc_streams_total{code="OK"})"), 2);
  EXPECT_EQ(value(page, R"(llm_d_epp_extproc_streams_total{code="CANCELLED"})"), 1);
  EXPECT_EQ(value(page, R"(llm_d_epp_extproc_streams_total{code="RESOURCE_EXHAUSTED"})"), 1);
  EXPECT_EQ(page.find(R"(llm_d_epp_extproc_streams_total{code="INTERNAL"})"), nullptr);
  EXPECT_EQ(value(page, "llm_d_epp_extproc_stream_duration_seconds_count"), 4);
  EXPECT_EQ(value(page, R"(llm_d_epp_extproc_stream_duration_seconds_bucket{le="1"})"), 3);
}

TEST(EppRequestMetrics, PairsPastTheCapCountAsOther) {
  EppRequestMetrics m;
  for (std::size_t i = 0; i < EppRequestMetrics::kMaxSeries + 10; ++i) {
    const std::uint32_t s = m.series("m" + std::to_string(i), "t");
    if (i < EppRequestMetrics::kMaxSeries) {
      EXPECT_NE(s, EppRequestMetrics::kOther) << i;
    } else {
      EXPECT_EQ(s, EppRequestMetrics::kOther) << i;
    }
    m.count_request(s);
  }
  const auto page = parse(m);
  EXPECT_EQ(value(page, R"(llm_d_epp_request_total{model_name="other",target_model_name="other"})"),
            10);
  EXPECT_EQ(value(page, R"(llm_d_epp_request_total{model_name="m999",target_model_name="t"})"), 1);
}

TEST(EppRequestMetrics, ThreadsAndInstancesDoNotMix) {
  EppRequestMetrics a;
  EppRequestMetrics b;
  // The per-thread cache must not hand b a series index that only a registered.
  b.series("first", "first");
  const std::uint32_t in_a = a.series("x", "x");
  const std::uint32_t in_b = b.series("x", "x");
  a.count_request(in_a);
  b.count_request(in_b);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&a] {
      for (int i = 0; i < 1000; ++i) a.count_request(a.series("x", "x"));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(value(parse(a), R"(llm_d_epp_request_total{model_name="x",target_model_name="x"})"),
            4001);
  const auto page_b = parse(b);
  EXPECT_EQ(value(page_b, R"(llm_d_epp_request_total{model_name="x",target_model_name="x"})"), 1);
  EXPECT_EQ(page_b.find(R"(llm_d_epp_request_total{model_name="first",target_model_name="first"})"),
            nullptr);  // registered, never counted
}

}  // namespace
}  // namespace sluice::extproc
