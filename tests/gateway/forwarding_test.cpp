// The proxy pipeline's pure helpers: which client headers go upstream, the routing control headers
// and their deprecated aliases, rewriting the model inside a body at the offsets peek_routing()
// reports, model-availability checks, and the 404 body for an unknown model.
#include "gateway/forwarding.h"

#include "config/loader.h"
#include "openai/request.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace sluice::gateway {
namespace {

namespace http = net::http;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

// forwarded_headers() output split back into (name, value), checking the line format.
net::HeaderList lines(const std::string& block) {
  net::HeaderList out;
  std::size_t at = 0;
  while (at < block.size()) {
    const std::size_t end = block.find("\r\n", at);
    EXPECT_NE(end, std::string::npos) << "unterminated line in " << block;
    if (end == std::string::npos) break;
    const std::string line = block.substr(at, end - at);
    const std::size_t colon = line.find(": ");
    EXPECT_NE(colon, std::string::npos) << line;
    if (colon == std::string::npos) break;
    out.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    at = end + 2;
  }
  return out;
}

// Header names lower-cased -> value (names are case-insensitive on the wire).
std::map<std::string, std::string> by_name(const std::string& block) {
  const net::HeaderList headers = lines(block);
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : headers) {
    EXPECT_TRUE(out.emplace(lower(name), value).second) << "duplicate " << name;
  }
  return out;
}

net::Request request_with(std::initializer_list<std::pair<std::string_view, std::string_view>> h) {
  net::Request r{http::verb::post, "/v1/chat/completions", 11};
  for (const auto& [name, value] : h) {
    r.insert(name, value);
  }
  return r;
}

// ---------------------------------------------------------------- forwarded_headers

TEST(ForwardingHeaders, DropsHopByHopHostLengthAndControlHeaders) {
  const net::Request r = request_with({
      {"Host", "gateway.example:8080"},
      {"Connection", "keep-alive"},
      {"Keep-Alive", "timeout=5"},
      {"Transfer-Encoding", "chunked"},
      {"TE", "trailers"},
      {"Trailer", "X-Checksum"},
      {"Upgrade", "h2c"},
      {"Proxy-Authorization", "Basic Zm9vOmJhcg=="},
      {"Proxy-Connection", "keep-alive"},
      {"Content-Length", "42"},
      {"Expect", "100-continue"},
      {"x-llm-d-inference-objective", "interactive"},
      {"X-LLM-D-Model-Name-Rewrite", "food-review-v2"},
      {"x-gateway-destination-endpoint", "10.0.0.1:8000"},
      {"X-Gateway-Inference-Objective", "batch"},
      {"X-GATEWAY-MODEL-NAME", "m"},
      {"Authorization", "Bearer sk-123"},
      {"content-type", "application/json"},
      {"X-Custom-Trace", "abc"},
      {"x-session-id", "s-1"},
      {"Accept", "text/event-stream"},
  });
  const auto out = by_name(forwarded_headers(r));
  EXPECT_EQ(out, (std::map<std::string, std::string>{
                     {"authorization", "Bearer sk-123"},
                     {"content-type", "application/json"},
                     {"x-custom-trace", "abc"},
                     {"x-session-id", "s-1"},
                     {"accept", "text/event-stream"},
                 }));
}

TEST(ForwardingHeaders, PrefixMatchNeedsTheFullPrefix) {
  // Only `x-llm-d-*` and `x-gateway-*` are the gateway's own; look-alikes are client headers.
  const net::Request r = request_with({
      {"x-llm-d", "1"},
      {"x-llm-dx", "2"},
      {"x-gateway", "3"},
      {"x-gatewayish-thing", "4"},
      {"my-x-llm-d-header", "5"},
  });
  const auto out = by_name(forwarded_headers(r));
  EXPECT_EQ(out.size(), 5U);
  EXPECT_EQ(out.at("x-llm-dx"), "2");
  EXPECT_EQ(out.at("my-x-llm-d-header"), "5");
}

TEST(ForwardingHeaders, KeepsOrderValuesAndRepeatedFields) {
  // Beast keeps fields of one name adjacent, so the request's own iteration order is the
  // reference: forwarding must keep it, and keep both X-A fields.
  const net::Request r = request_with({
      {"X-A", "1"},
      {"Host", "h"},
      {"X-B", "two words, and a comma"},
      {"X-A", "again"},
  });
  net::HeaderList expected;
  for (const auto& field : r) {
    if (field.name() != http::field::host) {
      expected.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
  }
  ASSERT_EQ(expected.size(), 3U);
  EXPECT_EQ(lines(forwarded_headers(r)), expected);
  std::multiset<std::string> values;
  for (const auto& [name, value] : lines(forwarded_headers(r))) values.insert(value);
  EXPECT_EQ(values, (std::multiset<std::string>{"1", "again", "two words, and a comma"}));
}

TEST(ForwardingHeaders, EmptyRequestForwardsNothing) {
  EXPECT_TRUE(forwarded_headers(request_with({})).empty());
}

// RFC 9110 section 7.6.1: a proxy must also remove every field the Connection header names, since
// those are hop-by-hop by declaration.
TEST(ForwardingHeaders, DropsFieldsNamedByConnection) {
  const net::Request r = request_with({
      {"Connection", "close, X-Hop-Only"},
      {"X-Hop-Only", "secret"},
      {"X-Kept", "yes"},
  });
  const auto out = by_name(forwarded_headers(r));
  EXPECT_EQ(out, (std::map<std::string, std::string>{{"x-kept", "yes"}}));
}

// ---------------------------------------------------------------- control headers

TEST(ForwardingControlHeaders, AbsentHeadersAreEmpty) {
  const net::Request r = request_with({{"X-Other", "1"}});
  EXPECT_EQ(objective_header(r), "");
  EXPECT_EQ(rewrite_header(r), "");
  EXPECT_EQ(session_header(r), "");
}

TEST(ForwardingControlHeaders, CurrentNames) {
  const net::Request r = request_with({
      {"X-LLM-D-Inference-Objective", "interactive"},
      {"x-llm-d-model-name-rewrite", "food-review-v2"},
      {"X-Session-Id", "conversation-7"},
  });
  EXPECT_EQ(objective_header(r), "interactive");
  EXPECT_EQ(rewrite_header(r), "food-review-v2");
  EXPECT_EQ(session_header(r), "conversation-7");
}

TEST(ForwardingControlHeaders, DeprecatedAliases) {
  const net::Request r = request_with({
      {"x-gateway-inference-objective", "batch"},
      {"X-Gateway-Model-Name-Rewrite", "base"},
      {"x-session-token", "tok"},
  });
  EXPECT_EQ(objective_header(r), "batch");
  EXPECT_EQ(rewrite_header(r), "base");
  EXPECT_EQ(session_header(r), "tok");
}

TEST(ForwardingControlHeaders, CurrentNameWinsOverAlias) {
  // Alias first on the wire: the order of fields must not matter.
  const net::Request r = request_with({
      {"x-gateway-inference-objective", "old"},
      {"x-llm-d-inference-objective", "new"},
      {"x-gateway-model-name-rewrite", "old-model"},
      {"x-llm-d-model-name-rewrite", "new-model"},
      {"x-session-token", "old-session"},
      {"x-session-id", "new-session"},
  });
  EXPECT_EQ(objective_header(r), "new");
  EXPECT_EQ(rewrite_header(r), "new-model");
  EXPECT_EQ(session_header(r), "new-session");
}

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

TEST(ForwardingReplaceModel, CompactBody) {
  const std::string body = R"({"model":"food-review","messages":[{"role":"user","content":"hi"}]})";
  EXPECT_EQ(replaced(body, "food-review-v2"),
            R"({"model":"food-review-v2","messages":[{"role":"user","content":"hi"}]})");
}

TEST(ForwardingReplaceModel, WhitespaceAroundTheToken) {
  const std::string body =
      "{\n  \"stream\" : true ,\n  \"model\"\t:   \"llama\"   ,\n  \"prompt\": \"x\"\n}\n";
  EXPECT_EQ(replaced(body, "qwen"),
            "{\n  \"stream\" : true ,\n  \"model\"\t:   \"qwen\"   ,\n  \"prompt\": \"x\"\n}\n");
}

TEST(ForwardingReplaceModel, EscapedOriginalModelIsReplacedWhole) {
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

TEST(ForwardingReplaceModel, NestedModelKeysAreNotTouched) {
  const std::string body =
      R"({"metadata":{"model":"decoy"},"tools":[{"model":"decoy2"}],"model":"real","input":"x"})";
  const std::string out = replaced(body, "new");
  EXPECT_EQ(
      out,
      R"({"metadata":{"model":"decoy"},"tools":[{"model":"decoy2"}],"model":"new","input":"x"})");
}

TEST(ForwardingReplaceModel, NewModelNeedingEscapes) {
  const std::string body = R"({"model": "m", "prompt": "p"})";
  const std::string weird =
      "we\"ird\\name\n\ttab\x01/\xC3\xA9";  // quote, backslash, controls, UTF-8
  const std::string out = replaced(body, weird);
  EXPECT_EQ(out.find('\n'), std::string::npos);  // control characters are escaped, not raw
  EXPECT_EQ(out.find('\x01'), std::string::npos);
}

TEST(ForwardingReplaceModel, EmptyNewModel) {
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

TEST(ForwardingAnyServes, ChecksEveryEndpointsModels) {
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

TEST(ForwardingEndpointAddress, StripsTheScheme) {
  PoolRoute route;
  route.base_urls = {"http://10.0.0.1:8000", "https://model.example:8443", "http://[::1]:9000",
                     "no-scheme:1"};
  EXPECT_EQ(endpoint_address(route, 0), "10.0.0.1:8000");
  EXPECT_EQ(endpoint_address(route, 1), "model.example:8443");
  EXPECT_EQ(endpoint_address(route, 2), "[::1]:9000");
  EXPECT_EQ(endpoint_address(route, 3), "no-scheme:1");
}

// ---------------------------------------------------------------- unknown_model_body

TEST(ForwardingUnknownModel, OpenAiNotFoundBody) {
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

TEST(ForwardingAdapterBase, FromTheModelRouteElseTheEndpoints) {
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
}  // namespace sluice::gateway
