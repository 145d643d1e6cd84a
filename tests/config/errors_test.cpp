// One test per error class: each checks that the message names file:line and the field path.
#include "config/loader.h"
#include "config_test_util.h"

#include <gtest/gtest.h>

namespace sluice::config {
namespace {

using testing::expect_error;
using testing::expect_ok;
using testing::kEndpoints;
using testing::kPool;

// kPool is 9 lines; a document appended after "---" starts on line 11.
std::string with_pool(const std::string& doc) { return kPool + "---\n" + doc; }

TEST(ConfigErrors, BaselineIsValid) {
  const GatewayConfig c = expect_ok(with_pool(kEndpoints));
  EXPECT_EQ(c.pools.size(), 1u);
}

TEST(ConfigErrors, YamlSyntax) {
  const std::string msg = expect_error("kind: InferencePool\nspec: [1, 2\n", 3, "");
  EXPECT_NE(msg.find("invalid YAML"), std::string::npos) << msg;
}

TEST(ConfigErrors, DocumentNotAMapping) { expect_error(with_pool("- a\n- b\n"), 11, ""); }

TEST(ConfigErrors, UnknownKind) {
  const std::string msg = expect_error(with_pool("apiVersion: v1\nkind: ConfigMap\n"), 12, "kind");
  EXPECT_NE(msg.find("ConfigMap"), std::string::npos);
}

TEST(ConfigErrors, GatewayApiObjectsGetAHint) {
  const std::string msg =
      expect_error("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n", 2, "kind");
  EXPECT_NE(msg.find("ModelRoute"), std::string::npos) << msg;
}

TEST(ConfigErrors, WrongApiVersion) {
  const std::string msg = expect_error(
      "apiVersion: inference.networking.x-k8s.io/v1alpha2\nkind: InferencePool\n", 1, "apiVersion");
  EXPECT_NE(msg.find("inference.networking.k8s.io/v1"), std::string::npos) << msg;
}

TEST(ConfigErrors, MissingKind) { expect_error("apiVersion: v1\nmetadata: {}\n", 1, "kind"); }

TEST(ConfigErrors, MissingName) {
  expect_error(with_pool("apiVersion: llm-d.ai/v1alpha2\nkind: InferenceObjective\n"
                         "metadata:\n  namespace: default\nspec: {}\n"),
               14, "InferenceObjective.metadata.name");
}

TEST(ConfigErrors, UnknownField) {
  std::string text = kPool;
  text.replace(text.find("targetPorts"), 11, "targetPort");
  const std::string msg = expect_error(text, 8, "InferencePool/llama.spec.targetPort");
  EXPECT_NE(msg.find("unknown field"), std::string::npos) << msg;
}

TEST(ConfigErrors, TypeErrorInteger) {
  std::string text = kPool;
  text.replace(text.find("8000"), 4, "http");
  expect_error(text, 9, "InferencePool/llama.spec.targetPorts[0].number");
}

TEST(ConfigErrors, QuotedNumberIsNotAnInteger) {
  std::string text = kPool;
  text.replace(text.find("8000"), 4, "\"8000\"");
  expect_error(text, 9, "InferencePool/llama.spec.targetPorts[0].number");
}

TEST(ConfigErrors, OutOfRange) {
  std::string text = kPool;
  text.replace(text.find("8000"), 4, "70000");
  const std::string msg = expect_error(text, 9, "InferencePool/llama.spec.targetPorts[0].number");
  EXPECT_NE(msg.find("65535"), std::string::npos) << msg;
}

TEST(ConfigErrors, TypeErrorMappingExpected) {
  std::string text = kPool;
  text.replace(text.find("{app: llama}"), 12, "[app, llama]");
  expect_error(text, 7, "InferencePool/llama.spec.selector.matchLabels");
}

TEST(ConfigErrors, DuplicatePort) {
  expect_error(with_pool("apiVersion: inference.networking.k8s.io/v1\nkind: InferencePool\n"
                         "metadata: {name: other}\nspec:\n  selector: {matchLabels: {}}\n"
                         "  targetPorts: [{number: 1}, {number: 1}]\n"),
               16, "InferencePool/other.spec.targetPorts[1].number");
}

TEST(ConfigErrors, DuplicateYamlKey) {
  expect_error(
      "apiVersion: inference.networking.k8s.io/v1\nkind: InferencePool\n"
      "metadata: {name: a}\nspec:\n  selector: {matchLabels: {}}\n"
      "  selector: {matchLabels: {}}\n  targetPorts: [{number: 1}]\n",
      6, "InferencePool/a.spec.selector");
}

TEST(ConfigErrors, DuplicatePoolName) {
  const std::string msg = expect_error(with_pool(kPool), 11, "InferencePool/llama.metadata.name");
  EXPECT_NE(msg.find("first defined at t.yaml:1:"), std::string::npos) << msg;
}

TEST(ConfigErrors, DanglingPoolRef) {
  const std::string msg = expect_error(
      with_pool("apiVersion: llm-d.ai/v1alpha2\nkind: InferenceObjective\nmetadata: {name: o}\n"
                "spec:\n  priority: 1\n  poolRef:\n    name: nope\n"),
      17, "InferenceObjective/o.spec.poolRef.name");
  EXPECT_NE(msg.find("no InferencePool named \"nope\""), std::string::npos) << msg;
}

TEST(ConfigErrors, PoolRefWrongKind) {
  expect_error(with_pool("apiVersion: llm-d.ai/v1alpha2\nkind: InferenceObjective\n"
                         "metadata: {name: o}\nspec:\n  poolRef: {kind: Service, name: llama}\n"),
               15, "InferenceObjective/o.spec.poolRef.kind");
}

TEST(ConfigErrors, PriorityNotAnInteger) {
  expect_error(
      with_pool("apiVersion: llm-d.ai/v1alpha2\nkind: InferenceObjective\n"
                "metadata: {name: o}\nspec:\n  priority: high\n  poolRef: {name: llama}\n"),
      15, "InferenceObjective/o.spec.priority");
}

TEST(ConfigErrors, PoolWithoutStaticEndpoints) {
  const std::string other =
      "apiVersion: inference.networking.k8s.io/v1\nkind: InferencePool\nmetadata: {name: b}\n"
      "spec:\n  selector:\n    matchLabels: {app: b}\n  targetPorts: [{number: 1}]\n";
  // A block mapping is marked at its first key (matchLabels).
  expect_error(with_pool(kEndpoints + "---\n" + other), 24, "InferencePool/b.spec.selector");
}

TEST(ConfigErrors, EndpointSelectedByNoPool) {
  expect_error(with_pool(kEndpoints + "  - address: 127.0.0.1:9000\n    labels: {app: typo}\n"), 18,
               "StaticEndpoints/fleet.spec.endpoints[1].labels");
}

TEST(ConfigErrors, DuplicateEndpoint) {
  expect_error(
      with_pool(kEndpoints + "  - address: http://127.0.0.1:8001\n    labels: {app: llama}\n"), 18,
      "StaticEndpoints/fleet.spec.endpoints[1].address");
}

TEST(ConfigErrors, BadAddress) {
  expect_error(with_pool(kEndpoints + "  - address: 127.0.0.1:99999\n"), 18,
               "StaticEndpoints/fleet.spec.endpoints[1].address");
  expect_error(with_pool(kEndpoints + "  - address: ftp://h:1\n"), 18,
               "StaticEndpoints/fleet.spec.endpoints[1].address");
  expect_error(with_pool(kEndpoints + "  - address: ::1:80\n"), 18,
               "StaticEndpoints/fleet.spec.endpoints[1].address");
}

const std::string kRoute =
    "apiVersion: sluice.dev/v1alpha1\nkind: ModelRoute\nmetadata: {name: r}\nspec:\n"
    "  poolRef: {name: llama}\n  models:\n  - base\n  - name: lora-a\n    baseModel: base\n";

TEST(ConfigErrors, DuplicateModelAcrossRoutes) {
  const std::string second =
      "apiVersion: sluice.dev/v1alpha1\nkind: ModelRoute\nmetadata: {name: r2}\nspec:\n"
      "  poolRef: {name: llama}\n  models: [other, lora-a]\n";
  const std::string msg =
      expect_error(with_pool(kRoute + "---\n" + second), 26, "ModelRoute/r2.spec.models[1]");
  EXPECT_NE(msg.find("already routed at t.yaml:18:"), std::string::npos) << msg;
}

TEST(ConfigErrors, ModelRouteDanglingPool) {
  std::string route = kRoute;
  route.replace(route.find("name: llama"), 11, "name: gone");
  expect_error(with_pool(route), 15, "ModelRoute/r.spec.poolRef.name");
}

std::string rewrite(const std::string& targets, const std::string& model = "base") {
  return "apiVersion: llm-d.ai/v1alpha2\nkind: InferenceModelRewrite\nmetadata: {name: c}\n"
         "spec:\n  poolRef: {name: llama}\n  rules:\n  - matches:\n    - model: {value: " +
         model + "}\n    targets:\n" + targets;
}

TEST(ConfigErrors, RewriteWeightOutOfRange) {
  expect_error(with_pool(rewrite("    - {modelRewrite: a, weight: 0}\n")), 20,
               "InferenceModelRewrite/c.spec.rules[0].targets[0].weight");
}

TEST(ConfigErrors, RewriteWeightsAllOrNone) {
  expect_error(with_pool(rewrite("    - {modelRewrite: a, weight: 5}\n    - {modelRewrite: b}\n")),
               20, "InferenceModelRewrite/c.spec.rules[0].targets");
}

TEST(ConfigErrors, RewriteModelNotRoutedToPool) {
  // With a ModelRoute present and no defaultPoolRef, "unrouted" reaches no pool.
  const std::string msg =
      expect_error(with_pool(kRoute + "---\n" + rewrite("    - {modelRewrite: a}\n", "unrouted")),
                   28, "InferenceModelRewrite/c.spec.rules[0].matches[0].model.value");
  EXPECT_NE(msg.find("not routed"), std::string::npos) << msg;
}

TEST(ConfigErrors, RewriteDuplicateModel) {
  const std::string two = rewrite("    - {modelRewrite: a}\n") +
                          "  - matches:\n    - model: {type: Exact, value: base}\n"
                          "    targets: [{modelRewrite: b}]\n";
  expect_error(with_pool(two), 22, "InferenceModelRewrite/c.spec.rules[1].matches[0].model.value");
}

const std::string kPickerHead =
    "apiVersion: llm-d.ai/v1alpha1\nkind: EndpointPickerConfig\nplugins:\n"
    "- type: queue-scorer\n- type: max-score-picker\n";

TEST(ConfigErrors, PickerUnresolvedPluginRef) {
  const std::string msg = expect_error(
      with_pool(kPickerHead + "schedulingProfiles:\n- name: default\n  plugins:\n"
                              "  - pluginRef: queue-scorer\n  - pluginRef: kv-scorer\n"),
      20, "EndpointPickerConfig.schedulingProfiles[0].plugins[1].pluginRef");
  EXPECT_NE(msg.find("kv-scorer"), std::string::npos) << msg;
}

TEST(ConfigErrors, PickerDuplicatePluginName) {
  expect_error(with_pool(kPickerHead + "- type: queue-scorer\n"), 16,
               "EndpointPickerConfig.plugins[2].type");
}

TEST(ConfigErrors, PickerParametersMustBeAMapping) {
  expect_error(with_pool(kPickerHead + "- type: x\n  parameters: [1]\n"), 17,
               "EndpointPickerConfig.plugins[2].parameters");
}

TEST(ConfigErrors, PickerNegativeWeight) {
  expect_error(with_pool(kPickerHead + "schedulingProfiles:\n- name: p\n  plugins:\n"
                                       "  - {pluginRef: queue-scorer, weight: -1}\n"),
               19, "EndpointPickerConfig.schedulingProfiles[0].plugins[0].weight");
}

TEST(ConfigErrors, GatewayBadDuration) {
  const std::string msg =
      expect_error(with_pool("apiVersion: sluice.dev/v1alpha1\nkind: Gateway\nspec:\n  timeouts:\n"
                             "    connect: 5 seconds\n"),
                   15, "Gateway.spec.timeouts.connect");
  EXPECT_NE(msg.find("invalid duration"), std::string::npos) << msg;
}

TEST(ConfigErrors, GatewayTwice) {
  const std::string gw = "apiVersion: sluice.dev/v1alpha1\nkind: Gateway\n";
  expect_error(with_pool(gw + "---\n" + gw), 14, "Gateway");
}

TEST(ConfigErrors, GatewayDefaultPoolDangling) {
  expect_error(with_pool("apiVersion: sluice.dev/v1alpha1\nkind: Gateway\nspec:\n"
                         "  defaultPoolRef: {name: nope}\n"),
               14, "Gateway.spec.defaultPoolRef.name");
}

TEST(ConfigErrors, NoPoolAtAll) {
  const std::string msg = expect_error("apiVersion: sluice.dev/v1alpha1\nkind: Gateway\n", 1, "");
  EXPECT_NE(msg.find("no InferencePool"), std::string::npos) << msg;
}

TEST(ConfigErrors, ErrorsNameTheirOwnFileAcrossSources) {
  const std::string route =
      "apiVersion: sluice.dev/v1alpha1\nkind: ModelRoute\nmetadata: {name: r}\nspec:\n"
      "  poolRef: {name: missing}\n  models: [m]\n";
  Result<GatewayConfig> r = parse_gateway_config({{"pools.yaml", kPool}, {"routes.yaml", route}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind("routes.yaml:5:", 0), 0u) << r.error().message;
}

}  // namespace
}  // namespace sluice::config
