#include "pool/endpoint_metrics.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace sluice::pool {
namespace {

EndpointMetrics extract(std::string_view page) {
  auto parsed = metrics::parse_prometheus_text(page);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? extract_endpoint_metrics(*parsed) : EndpointMetrics{};
}

TEST(EndpointMetrics, VllmSumsCountsOverLabelSetsAndTakesMaxKvUsage) {
  const auto m = extract(
      "# TYPE vllm:num_requests_waiting gauge\n"
      "vllm:num_requests_waiting{engine=\"0\",model_name=\"a\"} 3\n"
      "vllm:num_requests_waiting{engine=\"0\",model_name=\"b\"} 4\n"
      "vllm:num_requests_waiting_extra{model_name=\"a\"} 100\n"  // a different family, same prefix
      "vllm:num_requests_running{engine=\"0\",model_name=\"a\"} 2\n"
      "vllm:num_requests_running{engine=\"1\",model_name=\"a\"} 5\n"
      "vllm:kv_cache_usage_perc{engine=\"0\",model_name=\"a\"} 0.25\n"
      "vllm:kv_cache_usage_perc{engine=\"1\",model_name=\"a\"} 0.75\n");
  EXPECT_EQ(m.waiting, 7U);
  EXPECT_EQ(m.running, 7U);
  EXPECT_DOUBLE_EQ(m.kv_cache_usage, 0.75);
  EXPECT_TRUE(m.has(kFieldWaiting));
  EXPECT_TRUE(m.has(kFieldRunning));
  EXPECT_TRUE(m.has(kFieldKvCache));
  EXPECT_FALSE(m.has(kFieldLora));
}

TEST(EndpointMetrics, OlderGpuCacheNameIsUnderstoodAndTheCurrentNameWins) {
  EXPECT_DOUBLE_EQ(extract("vllm:gpu_cache_usage_perc{model_name=\"m\"} 0.4\n").kv_cache_usage,
                   0.4);
  const auto both = extract(
      "vllm:gpu_cache_usage_perc{model_name=\"m\"} 0.4\n"
      "vllm:kv_cache_usage_perc{model_name=\"m\"} 0.6\n");
  EXPECT_DOUBLE_EQ(both.kv_cache_usage, 0.6);
}

TEST(EndpointMetrics, SglangNames) {
  const auto m = extract(
      "sglang:num_queue_reqs{model_name=\"q\"} 9\n"
      "sglang:num_running_reqs{model_name=\"q\"} 12\n"
      "sglang:token_usage{model_name=\"q\"} 0.5\n");
  EXPECT_EQ(m.waiting, 9U);
  EXPECT_EQ(m.running, 12U);
  EXPECT_DOUBLE_EQ(m.kv_cache_usage, 0.5);
  EXPECT_EQ(m.present, kFieldWaiting | kFieldRunning | kFieldKvCache);
}

TEST(EndpointMetrics, LoraInfoFromTheLatestSeriesByValue) {
  const auto m = extract(
      "vllm:lora_requests_info{max_lora=\"2\",running_lora_adapters=\"old\","
      "waiting_lora_adapters=\"\"} 100.5\n"
      "vllm:lora_requests_info{max_lora=\"4\",running_lora_adapters=\"sql,chat\","
      "waiting_lora_adapters=\"tiny\"} 200.25\n"
      "vllm:lora_requests_info{max_lora=\"8\",running_lora_adapters=\"x\","
      "waiting_lora_adapters=\"\"} 150\n");
  EXPECT_TRUE(m.has(kFieldLora));
  EXPECT_EQ(m.max_loras, 4U);
  EXPECT_EQ(m.running_adapters, (std::vector<std::string>{"sql", "chat"}));
  EXPECT_EQ(m.waiting_adapters, (std::vector<std::string>{"tiny"}));
}

TEST(EndpointMetrics, LoraLabelValuesAreUnescapedAndEmptyNamesDropped) {
  const auto m = extract(
      "vllm:lora_requests_info{max_lora=\"3\",running_lora_adapters=\"a\\\"q, b ,,\","
      "waiting_lora_adapters=\"\"} 1\n");
  EXPECT_EQ(m.running_adapters, (std::vector<std::string>{"a\"q", "b"}));
  EXPECT_TRUE(m.waiting_adapters.empty());
  EXPECT_EQ(m.max_loras, 3U);
}

TEST(EndpointMetrics, AbsentFieldsAreReportedAndBadValuesClamped) {
  const auto none = extract("process_cpu_seconds_total 3\n");
  EXPECT_EQ(none.present, 0U);
  EXPECT_EQ(none, EndpointMetrics{});

  const auto bad = extract(
      "vllm:num_requests_waiting NaN\n"
      "vllm:num_requests_running -3\n"
      "vllm:kv_cache_usage_perc 1.7\n"
      "vllm:lora_requests_info{max_lora=\"lots\",running_lora_adapters=\"\"} 1\n");
  EXPECT_EQ(bad.waiting, 0U);
  EXPECT_EQ(bad.running, 0U);
  EXPECT_DOUBLE_EQ(bad.kv_cache_usage, 1.0);
  EXPECT_EQ(bad.max_loras, 0U);
  EXPECT_TRUE(bad.has(kFieldWaiting));
  EXPECT_TRUE(bad.has(kFieldLora));

  EXPECT_EQ(extract("vllm:num_requests_waiting 1e12\n").waiting, 4294967295U);
}

TEST(EndpointMetrics, AdapterListsAreBounded) {
  std::string list;
  for (int i = 0; i < 1000; ++i) list += "a" + std::to_string(i) + ",";
  const auto m = extract("vllm:lora_requests_info{running_lora_adapters=\"" + list + "\"} 1\n");
  EXPECT_EQ(m.running_adapters.size(), kMaxAdaptersPerList);
}

TEST(EndpointMetrics, RealSimulatorPage) {
  const auto path = std::filesystem::path(__FILE__).parent_path().parent_path() / "metrics" /
                    "data" / "sim_metrics.txt";
  std::ifstream file(path);
  ASSERT_TRUE(file) << path;
  std::stringstream text;
  text << file.rdbuf();
  const auto m = extract(text.str());
  EXPECT_EQ(m.present, kFieldWaiting | kFieldRunning | kFieldKvCache | kFieldLora);
  EXPECT_EQ(m.waiting, 0U);
  EXPECT_EQ(m.running, 0U);
  EXPECT_DOUBLE_EQ(m.kv_cache_usage, 0.0);
  EXPECT_EQ(m.max_loras, 4U);
  EXPECT_TRUE(m.running_adapters.empty());
}

}  // namespace
}  // namespace sluice::pool
