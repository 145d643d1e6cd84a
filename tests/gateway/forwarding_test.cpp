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

}  // namespace
}  // namespace sluice::gateway
