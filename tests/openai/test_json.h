// Test helpers: parse bodies back with simdjson's DOM (an independent reader from the On-Demand
// code under test) and inspect key order and SSE framing.
#pragma once

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

namespace sluice::openai::testing {

/// Parses `json` fully; a parse error fails the current test and returns a null element.
inline simdjson::dom::element parse_json(simdjson::dom::parser& parser, std::string_view json) {
  simdjson::dom::element element;
  const auto code = parser.parse(json.data(), json.size()).get(element);
  EXPECT_EQ(code, simdjson::SUCCESS) << simdjson::error_message(code) << " in: " << json;
  return element;
}

/// The keys of an object in document order.
inline std::vector<std::string> keys_of(simdjson::dom::element element) {
  std::vector<std::string> keys;
  simdjson::dom::object object;
  if (element.get(object) != simdjson::SUCCESS) {
    ADD_FAILURE() << "not an object";
    return keys;
  }
  for (auto field : object) {
    keys.emplace_back(field.key);
  }
  return keys;
}

inline std::vector<std::string> keys_of(simdjson::simdjson_result<simdjson::dom::element> result) {
  simdjson::dom::element element;
  EXPECT_EQ(result.get(element), simdjson::SUCCESS);
  return keys_of(element);
}

/// Splits an SSE stream into the payloads of its events; each event must be "data: X\n\n".
inline std::vector<std::string> sse_payloads(std::string_view text) {
  std::vector<std::string> payloads;
  while (!text.empty()) {
    EXPECT_EQ(text.substr(0, 6), "data: ") << text;
    const std::size_t end = text.find("\n\n");
    if (text.substr(0, 6) != "data: " || end == std::string_view::npos) {
      ADD_FAILURE() << "bad SSE framing: " << text;
      break;
    }
    const std::string_view payload = text.substr(6, end - 6);
    EXPECT_EQ(payload.find('\n'), std::string_view::npos) << "event must be one line";
    payloads.emplace_back(payload);
    text.remove_prefix(end + 2);
  }
  return payloads;
}

inline std::string str(simdjson::dom::element element) {
  std::string_view s;
  EXPECT_EQ(element.get(s), simdjson::SUCCESS);
  return std::string(s);
}

inline std::string str(simdjson::simdjson_result<simdjson::dom::element> result) {
  std::string_view s;
  EXPECT_EQ(result.get(s), simdjson::SUCCESS);
  return std::string(s);
}

}  // namespace sluice::openai::testing
