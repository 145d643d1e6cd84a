// The routing decision's pure helpers: rewriting the model inside a body at the offsets
// peek_routing() reports, model-availability checks, endpoint addresses, the 404 body for an
// unknown model, and the base model of an adapter.
#include "routing/model_helpers.h"

#include "config/loader.h"
#include "openai/request.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

namespace sluice::routing {
namespace {

// ---------------------------------------------------------------- replace_model

// The body after replacing the model found by peek_routing(), checked to be valid JSON whose
// top-level "model" is `model` and whose bytes outside the model token are unchanged.
std::string replaced(const std::string& body, std::string_view model) {
  auto peek = openai::peek_routing(body);
  EXPECT_TRUE(peek.ok()) << (peek.ok() ? "" : peek.error().message);
  if (!peek.ok()) return {};
  const std::string out = replace_model(body, peek->model_offset, peek->model_length, model);
  EXPECT_EQ(out.substr(0, peek->model_offset), body.substr(0, peek->model_offset));
  const std::size_t tail = body.size() - peek->model_offset - peek->model_length;
  EXPECT_EQ(out.substr(out.size() - tail), body.substr(body.size() - tail));

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  const auto error = parser.parse(simdjson::padded_string(out)).get(doc);
  EXPECT_EQ(error, simdjson::SUCCESS) << out;
  if (error) return out;
  std::string_view got;
  EXPECT_EQ(doc["model"].get(got), simdjson::SUCCESS) << out;
  EXPECT_EQ(got, model) << out;
  return out;
}

TEST(RoutingReplaceModel, CompactBody) {
  const std::string body = R"({"model":"food-review","messages":[{"role":"user","content":"hi"}]})";
  EXPECT_EQ(replaced(body, "food-review-v2"),
            R"({"model":"food-review-v2","messages":[{"role":"user","content":"hi"}]})");
}

TEST(RoutingReplaceModel, WhitespaceAroundTheToken) {
  const std::string body =
      "{\n  \"stream\" : true ,\n  \"model\"\t:   \"llama\"   ,\n  \"prompt\": \"x\"\n}\n";
  EXPECT_EQ(replaced(body, "qwen"),
            "{\n  \"stream\" : true ,\n  \"model\"\t:   \"qwen\"   ,\n  \"prompt\": \"x\"\n}\n");
}

TEST(RoutingReplaceModel, EscapedOriginalModelIsReplacedWhole) {
  // The original token holds escapes (\u006d is 'm', \/ is '/'); the whole raw token goes.
  const std::string body =
      R"({"messages":[{"role":"user","content":"say \"model\": \"x\""}], "model": "org\/lla\u006da", "max_tokens": 3})";
  auto peek = openai::peek_routing(body);
  ASSERT_TRUE(peek.ok());
  EXPECT_EQ(peek->model, "org/llama");
  EXPECT_EQ(body.substr(peek->model_offset, peek->model_length), R"("org\/lla\u006da")");
  EXPECT_EQ(
      replaced(body, "canary"),
      R"({"messages":[{"role":"user","content":"say \"model\": \"x\""}], "model": "canary", "max_tokens": 3})");
}

TEST(RoutingReplaceModel, NestedModelKeysAreNotTouched) {
  const std::string body =
      R"({"metadata":{"model":"decoy"},"tools":[{"model":"decoy2"}],"model":"real","input":"x"})";
  const std::string out = replaced(body, "new");
  EXPECT_EQ(
      out,
      R"({"metadata":{"model":"decoy"},"tools":[{"model":"decoy2"}],"model":"new","input":"x"})");
}

TEST(RoutingReplaceModel, NewModelNeedingEscapes) {
  const std::string body = R"({"model": "m", "prompt": "p"})";
  const std::string weird =
      "we\"ird\\name\n\ttab\x01/\xC3\xA9";  // quote, backslash, controls, UTF-8
  const std::string out = replaced(body, weird);
  EXPECT_EQ(out.find('\n'), std::string::npos);  // control characters are escaped, not raw
  EXPECT_EQ(out.find('\x01'), std::string::npos);
}

TEST(RoutingReplaceModel, EmptyNewModel) {
  EXPECT_EQ(replaced(R"({"model":"m"})", ""), R"({"model":""})");
}

// ---------------------------------------------------------------- any_serves, endpoint_address

scheduling::EndpointView serving(std::uint32_t id, std::vector<std::string> models) {
  scheduling::EndpointView v;
  v.id = id;
  v.address = "10.0.0." + std::to_string(id) + ":8000";
  v.served_models = std::move(models);
  return v;
}

TEST(RoutingAnyServes, ChecksEveryEndpointsModels) {
  const std::vector<scheduling::EndpointView> views = {
      serving(0, {"base"}),
      serving(1, {"base", "lora-1"}),
      serving(2, {}),
  };
  EXPECT_TRUE(any_serves(views, "base"));
  EXPECT_TRUE(any_serves(views, "lora-1"));
  EXPECT_FALSE(any_serves(views, "lora-2"));
  EXPECT_FALSE(any_serves(views, "Base"));
  EXPECT_FALSE(any_serves(views, ""));
  EXPECT_FALSE(any_serves({}, "base"));
  // Only the last endpoint serves it.
  EXPECT_TRUE(any_serves(std::span(views).subspan(1), "lora-1"));
  EXPECT_FALSE(any_serves(std::span(views).first(1), "lora-1"));
}

TEST(RoutingEndpointAddress, StripsTheScheme) {
  PoolRoute route;
  route.base_urls = {"http://10.0.0.1:8000", "https://model.example:8443", "http://[::1]:9000",
                     "no-scheme:1"};
  EXPECT_EQ(endpoint_address(route, 0), "10.0.0.1:8000");
  EXPECT_EQ(endpoint_address(route, 1), "model.example:8443");
  EXPECT_EQ(endpoint_address(route, 2), "[::1]:9000");
  EXPECT_EQ(endpoint_address(route, 3), "no-scheme:1");
}

// ---------------------------------------------------------------- unknown_model_body

TEST(RoutingUnknownModel, OpenAiNotFoundBody) {
  const std::string model = "no/such \"model\"\n";
  const std::string body = unknown_model_body(model);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(simdjson::padded_string(body)).get(doc), simdjson::SUCCESS) << body;
  simdjson::dom::object error;
  ASSERT_EQ(doc["error"].get(error), simdjson::SUCCESS) << body;
  int64_t code = 0;
  ASSERT_EQ(error["code"].get(code), simdjson::SUCCESS);
  EXPECT_EQ(code, 404);
  std::string_view param;
  ASSERT_EQ(error["param"].get(param), simdjson::SUCCESS);
  EXPECT_EQ(param, "model");
  std::string_view type;
  ASSERT_EQ(error["type"].get(type), simdjson::SUCCESS);
  EXPECT_EQ(type, "NotFoundError");
  std::string_view message;
  ASSERT_EQ(error["message"].get(message), simdjson::SUCCESS);
  EXPECT_NE(message.find(model), std::string_view::npos) << message;
  EXPECT_NE(message.find("does not exist"), std::string_view::npos) << message;
}

// ---------------------------------------------------------------- adapter_base

constexpr std::string_view kRoutedPool = R"(apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: a}
spec:
  selector: {matchLabels: {pool: a}}
  targetPorts: [{number: 8000}]
---
apiVersion: sluice.dev/v1alpha1
kind: StaticEndpoints
metadata: {name: fleet}
spec:
  endpoints:
  - {address: 10.0.0.1, labels: {pool: a}}
---
apiVersion: sluice.dev/v1alpha1
kind: Gateway
spec:
  defaultPoolRef: {name: a}
---
apiVersion: sluice.dev/v1alpha1
kind: ModelRoute
metadata: {name: r}
spec:
  poolRef: {name: a}
  models:
  - base
  - {name: lora, baseModel: base}
)";

TEST(RoutingAdapterBase, FromTheModelRouteElseTheEndpoints) {
  net::asio::io_context context;  // outlives the table's pools
  auto cfg = config::parse_gateway_config(kRoutedPool, "test.yaml");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  auto table =
      RoutingTable::create(std::make_shared<const config::GatewayConfig>(std::move(cfg).value()),
                           context.get_executor());
  ASSERT_TRUE(table.ok()) << table.error().message;
  WorkerRouter router(**table, 1);
  (void)router.endpoints(0);
  EXPECT_EQ(adapter_base(**table, router, 0, "lora"), "base");
  EXPECT_EQ(adapter_base(**table, router, 0, "base"), "");
  // Routed by the default pool; the initial snapshot has discovered no adapters.
  EXPECT_EQ(adapter_base(**table, router, 0, "unrouted"), "");
}

}  // namespace
}  // namespace sluice::routing
