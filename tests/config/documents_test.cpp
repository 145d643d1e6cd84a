// Multi-document streams and the semantics of resolution (defaults, expansion, precedence).
#include "config/loader.h"
#include "config_test_util.h"

#include <gtest/gtest.h>

namespace sluice::config {
namespace {

using testing::expect_error;
using testing::expect_ok;
using testing::kEndpoints;
using testing::kPool;

TEST(ConfigDocuments, EmptyDocumentsAndCommentsAreIgnored) {
  const std::string text = "# leading comment\n---\n---\n# only a comment\n---\n" + kPool +
                           "---\n\n---\n" + kEndpoints + "---\n";
  const GatewayConfig c = expect_ok(text);
  ASSERT_EQ(c.pools.size(), 1u);
  EXPECT_EQ(c.pools[0].endpoints.size(), 1u);
}

TEST(ConfigDocuments, LineNumbersCountFromTheStartOfTheStream) {
  // The bad document sits after two empty ones; its line is counted in the whole file.
  std::string bad = kPool;
  bad.replace(bad.find("8000"), 4, "x");
  expect_error("---\n# c\n---\n" + bad, 12, "InferencePool/llama.spec.targetPorts[0].number");
}

TEST(ConfigDocuments, EmptyStreamHasNoPool) {
  expect_error("", 1, "");
  expect_error("# nothing\n---\n", 1, "");
}

TEST(ConfigDocuments, NoStaticEndpointsLeavesPoolsEmpty) {
  // Endpoints may come from elsewhere (flags, discovery); only a declared fleet must cover pools.
  const GatewayConfig c = expect_ok(kPool);
  ASSERT_EQ(c.pools.size(), 1u);
  EXPECT_TRUE(c.pools[0].endpoints.empty());
}

TEST(ConfigDocuments, HostWithoutPortExpandsToTargetPorts) {
  std::string pool = kPool;
  pool.replace(pool.find("  - number: 8000\n"), 17, "  - number: 8000\n  - number: 8001\n");
  const GatewayConfig c = expect_ok(pool +
                                    "---\napiVersion: sluice.dev/v1alpha1\nkind: StaticEndpoints\n"
                                    "metadata: {name: f}\nspec:\n  endpoints:\n"
                                    "  - {address: 10.0.0.1, labels: {app: llama, rack: r1}}\n"
                                    "  - {address: 'https://gpu.example', labels: {app: llama}}\n"
                                    "  - {address: '[fd00::1]:9000', labels: {app: llama}}\n");
  const auto& eps = c.pools[0].endpoints;
  ASSERT_EQ(eps.size(), 4u);
  EXPECT_EQ(eps[0].address(), "10.0.0.1:8000");
  EXPECT_EQ(eps[1].address(), "10.0.0.1:8001");
  EXPECT_EQ(eps[1].labels.at("rack"), "r1");
  EXPECT_EQ(eps[2].scheme, "https");
  EXPECT_EQ(eps[2].address(), "gpu.example:443");
  EXPECT_EQ(eps[3].host, "fd00::1");
  EXPECT_EQ(eps[3].address(), "[fd00::1]:9000");
}

TEST(ConfigDocuments, OneEndpointCanServeTwoPools) {
  const std::string second =
      "apiVersion: inference.networking.k8s.io/v1\nkind: InferencePool\nmetadata: {name: all}\n"
      "spec:\n  selector: {matchLabels: {}}\n  targetPorts: [{number: 1}]\n";
  const GatewayConfig c = expect_ok(kPool + "---\n" + second + "---\n" + kEndpoints);
  ASSERT_EQ(c.pools.size(), 2u);
  EXPECT_EQ(c.pools[0].endpoints.size(), 1u);
  EXPECT_EQ(c.pools[1].endpoints.size(), 1u);
  // Two pools and no routes: nothing is routed by default.
  EXPECT_EQ(c.gateway.default_pool, "");
  EXPECT_EQ(c.pool_for_model("m"), nullptr);
}

TEST(ConfigDocuments, GatewayDefaults) {
  const GatewayConfig c =
      expect_ok(kPool + "---\napiVersion: sluice.dev/v1alpha1\nkind: Gateway\n");
  EXPECT_EQ(c.gateway.listen_address, "0.0.0.0");
  EXPECT_EQ(c.gateway.listen_port, 8080);
  EXPECT_EQ(c.gateway.max_retries, 2);
  EXPECT_EQ(c.gateway.scrape_interval, std::chrono::milliseconds(50));
  EXPECT_EQ(c.gateway.health_check.path, "/health");
  EXPECT_EQ(c.gateway.default_pool, "llama");
}

TEST(ConfigDocuments, ModelRouteDisablesImplicitDefaultPool) {
  const GatewayConfig c =
      expect_ok(kPool +
                "---\napiVersion: sluice.dev/v1alpha1\nkind: ModelRoute\n"
                "metadata: {name: r}\nspec:\n  poolRef: {name: llama}\n  models: [a]\n");
  EXPECT_NE(c.pool_for_model("a"), nullptr);
  EXPECT_EQ(c.pool_for_model("b"), nullptr);
}

TEST(ConfigDocuments, ObjectivePriorityDefaultsToZero) {
  const GatewayConfig c = expect_ok(kPool +
                                    "---\napiVersion: inference.networking.x-k8s.io/v1alpha2\n"
                                    "kind: InferenceObjective\nmetadata: {name: o}\nspec:\n"
                                    "  poolRef: {name: llama}\n");
  ASSERT_EQ(c.objectives.size(), 1u);
  EXPECT_EQ(c.objectives[0].priority, 0);
  EXPECT_EQ(c.objectives[0].pool, "llama");
}

TEST(ConfigDocuments, DuplicateObjective) {
  const std::string o =
      "apiVersion: llm-d.ai/v1alpha2\nkind: InferenceObjective\nmetadata: {name: o}\n"
      "spec: {poolRef: {name: llama}}\n";
  expect_error(kPool + "---\n" + o + "---\n" + o, 16, "InferenceObjective/o.metadata.name");
}

TEST(ConfigDocuments, RewritePrecedenceExactBeforeCatchAll) {
  const std::string text = kPool +
                           "---\napiVersion: llm-d.ai/v1alpha2\nkind: InferenceModelRewrite\n"
                           "metadata: {name: all}\nspec:\n  poolRef: {name: llama}\n  rules:\n"
                           "  - targets: [{modelRewrite: fallback}]\n"
                           "---\napiVersion: llm-d.ai/v1alpha2\nkind: InferenceModelRewrite\n"
                           "metadata: {name: exact}\nspec:\n  poolRef: {name: llama}\n  rules:\n"
                           "  - matches: [{model: {value: m}}]\n"
                           "    targets: [{modelRewrite: m1}, {modelRewrite: m2}]\n";
  const GatewayConfig c = expect_ok(text);
  ASSERT_EQ(c.rewrites.size(), 2u);
  EXPECT_EQ(c.rewrites[0].rewrite_name, "exact");
  EXPECT_EQ(c.rewrites[0].total_weight, 2u);  // unweighted targets split evenly
  EXPECT_TRUE(c.rewrites[1].models.empty());
}

TEST(ConfigDocuments, DuplicateRewriteName) {
  const std::string r =
      "apiVersion: llm-d.ai/v1alpha2\nkind: InferenceModelRewrite\nmetadata: {name: a}\nspec:\n"
      "  poolRef: {name: llama}\n  rules: [{targets: [{modelRewrite: x}]}]\n";
  expect_error(kPool + "---\n" + r + "---\n" + r, 18, "InferenceModelRewrite/a.metadata.name");
}

TEST(ConfigDocuments, TwoCatchAllsForOnePoolAreAnError) {
  const std::string r =
      "apiVersion: llm-d.ai/v1alpha2\nkind: InferenceModelRewrite\nspec:\n"
      "  poolRef: {name: llama}\n  rules:\n  - targets: [{modelRewrite: x}]\n"
      "  - targets: [{modelRewrite: y}]\n";
  expect_error(kPool + "---\n" + r.substr(0, r.find("spec:")) + "metadata: {name: a}\n" +
                   r.substr(r.find("spec:")),
               18, "InferenceModelRewrite/a.spec.rules[1]");
}

TEST(ConfigDocuments, PickerWithoutProfilesGetsDefaultProfile) {
  const GatewayConfig c =
      expect_ok(kPool +
                "---\napiVersion: llm-d.ai/v1alpha1\nkind: EndpointPickerConfig\n"
                "plugins:\n- type: queue-scorer\n- {type: prefix-cache-scorer, name: p}\n");
  ASSERT_EQ(c.picker_configs.size(), 1u);
  const auto& profiles = c.picker_configs[0].scheduling_profiles;
  ASSERT_EQ(profiles.size(), 1u);
  EXPECT_EQ(profiles[0].name, "default");
  ASSERT_EQ(profiles[0].plugins.size(), 2u);
  EXPECT_EQ(profiles[0].plugins[1].plugin_ref, "p");
  EXPECT_TRUE(c.picker_configs[0].plugins[0].parameters.IsNull());
}

TEST(ConfigDocuments, PickerSelectedByEndpointPickerRefName) {
  std::string pool = kPool + "  endpointPickerRef:\n    name: epp-b\n    port: {number: 9002}\n";
  const std::string picker = "apiVersion: llm-d.ai/v1alpha1\nkind: EndpointPickerConfig\n";
  const GatewayConfig c = expect_ok(pool + "---\n" + picker + "metadata: {name: epp-a}\n" +
                                    "plugins: [{type: a}]\n---\n" + picker +
                                    "metadata: {name: epp-b}\nplugins: [{type: b}]\n");
  ASSERT_EQ(c.picker_configs.size(), 2u);
  EXPECT_EQ(c.pools[0].picker_config, std::optional<std::size_t>(1));
}

TEST(ConfigDocuments, ServicePickerRefNeedsPort) {
  expect_error(kPool + "  endpointPickerRef:\n    name: epp\n", 11,
               "InferencePool/llama.spec.endpointPickerRef.port");
}

TEST(ConfigDocuments, KubectlStatusAndMetadataNoiseAreAccepted) {
  std::string pool = kPool;
  pool.replace(pool.find("  name: llama\n"), 14,
               "  name: llama\n  namespace: default\n  uid: 1234\n  resourceVersion: \"7\"\n"
               "  labels: {team: a}\n");
  const GatewayConfig c = expect_ok(pool + "status:\n  parents: []\n");
  EXPECT_EQ(c.pools[0].name, "llama");
}

}  // namespace
}  // namespace sluice::config
