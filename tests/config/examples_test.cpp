// Every file in examples/gateway/ must load; the detailed checks pin what each example promises.
#include "config/loader.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace sluice::config {
namespace {

const std::filesystem::path kExamples =
    std::filesystem::path(__FILE__).parent_path() / "../../examples/gateway";

GatewayConfig load_ok(const std::string& file) {
  Result<GatewayConfig> r = load_gateway_config((kExamples / file).string());
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : GatewayConfig{};
}

TEST(ConfigExamples, EveryExampleFileLoads) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kExamples)) {
    if (entry.path().extension() != ".yaml") continue;
    ++count;
    Result<GatewayConfig> r = load_gateway_config(entry.path().string());
    EXPECT_TRUE(r.ok()) << entry.path() << ": " << (r.ok() ? "" : r.error().message);
  }
  EXPECT_GE(count, 3);
}

TEST(ConfigExamples, Minimal) {
  const GatewayConfig c = load_ok("minimal.yaml");
  ASSERT_EQ(c.pools.size(), 1u);
  ASSERT_EQ(c.pools[0].endpoints.size(), 2u);
  EXPECT_EQ(c.pools[0].endpoints[0].address(), "127.0.0.1:8001");
  EXPECT_EQ(c.pools[0].endpoints[1].address(), "127.0.0.1:8002");
  EXPECT_EQ(c.gateway.default_pool, "llama");  // the only pool takes every model
  EXPECT_EQ(c.gateway.listen_port, 8080);
  EXPECT_EQ(c.gateway.scrape_interval, std::chrono::milliseconds(50));
  ASSERT_NE(c.pool_for_model("anything"), nullptr);
  EXPECT_FALSE(c.pools[0].picker_config.has_value());
}

TEST(ConfigExamples, MultiPool) {
  const GatewayConfig c = load_ok("multi_pool.yaml");
  ASSERT_EQ(c.pools.size(), 2u);
  const InferencePool* llama = c.find_pool("llama");
  const InferencePool* qwen = c.find_pool("qwen");
  ASSERT_NE(llama, nullptr);
  ASSERT_NE(qwen, nullptr);
  ASSERT_EQ(llama->endpoints.size(), 2u);
  EXPECT_EQ(llama->endpoints[0].address(), "10.0.0.11:8000");
  EXPECT_EQ(llama->endpoints[1].address(), "10.0.0.12:8000");
  ASSERT_EQ(qwen->endpoints.size(), 2u);  // one host, two data-parallel ports
  EXPECT_EQ(qwen->endpoints[1].address(), "10.0.0.21:8001");
  ASSERT_TRUE(llama->endpoint_picker_ref.has_value());
  EXPECT_EQ(llama->endpoint_picker_ref->port, 9002);

  EXPECT_EQ(c.pool_for_model("Qwen/Qwen2.5-7B-Instruct"), qwen);
  EXPECT_EQ(c.pool_for_model("food-review"), llama);
  EXPECT_EQ(c.pool_for_model("unlisted"), llama);  // defaultPoolRef
  ASSERT_EQ(c.models.size(), 4u);
  EXPECT_EQ(c.models[1].base_model, "meta-llama/Llama-3.1-8B-Instruct");

  ASSERT_EQ(c.rewrites.size(), 1u);
  EXPECT_EQ(c.rewrites[0].total_weight, 100u);
  EXPECT_EQ(c.rewrites[0].targets[1].model_rewrite, "food-review-v2");

  ASSERT_NE(c.find_objective("batch"), nullptr);
  EXPECT_EQ(c.find_objective("batch")->priority, -1);
  EXPECT_EQ(c.find_objective("interactive")->priority, 10);

  EXPECT_EQ(c.gateway.connect_timeout, std::chrono::seconds(2));
  EXPECT_EQ(c.gateway.stream_idle_timeout, std::chrono::seconds(30));
  EXPECT_EQ(c.gateway.metrics_stale_after, std::chrono::milliseconds(500));
  EXPECT_EQ(c.gateway.health_check.healthy_threshold, 2);

  // The one unnamed picker config applies to both pools.
  ASSERT_EQ(c.picker_configs.size(), 1u);
  EXPECT_EQ(llama->picker_config, std::optional<std::size_t>(0));
  EXPECT_EQ(qwen->picker_config, std::optional<std::size_t>(0));
}

TEST(ConfigExamples, LlmDPicker) {
  const GatewayConfig c = load_ok("llm_d_picker.yaml");
  ASSERT_EQ(c.picker_configs.size(), 1u);
  const EndpointPickerConfig& p = c.picker_configs[0];
  EXPECT_EQ(p.name, "vllm-llama3-8b-instruct-epp");
  ASSERT_EQ(p.plugins.size(), 7u);
  EXPECT_EQ(p.plugins[1].type, "approx-prefix-cache-producer");
  EXPECT_EQ(p.plugins[1].name, "approx-prefix-cache-producer");  // name defaults to type
  ASSERT_TRUE(p.plugins[1].parameters.IsMap());
  EXPECT_EQ(p.plugins[1].parameters["blockSize"].as<int>(), 64);
  ASSERT_EQ(p.scheduling_profiles.size(), 1u);
  ASSERT_EQ(p.scheduling_profiles[0].plugins.size(), 5u);
  EXPECT_EQ(p.scheduling_profiles[0].plugins[0].weight, std::optional<double>(3.0));
  EXPECT_FALSE(p.scheduling_profiles[0].plugins[4].weight.has_value());
  EXPECT_EQ(c.pools[0].picker_config, std::optional<std::size_t>(0));
  EXPECT_EQ(c.pools[0].endpoints.size(), 4u);
}

TEST(ConfigExamples, MissingFileIsNotFound) {
  Result<GatewayConfig> r = load_gateway_config((kExamples / "no-such.yaml").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_NE(r.error().message.find("no-such.yaml"), std::string::npos);
}

}  // namespace
}  // namespace sluice::config
