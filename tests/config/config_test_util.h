// Shared helpers for the config tests.
#pragma once

#include "config/loader.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::config::testing {

// A valid pool named "llama" with one static endpoint, to build error cases on.
inline const std::string kPool = R"(apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata:
  name: llama
spec:
  selector:
    matchLabels: {app: llama}
  targetPorts:
  - number: 8000
)";

inline const std::string kEndpoints = R"(apiVersion: sluice.dev/v1alpha1
kind: StaticEndpoints
metadata: {name: fleet}
spec:
  endpoints:
  - address: 127.0.0.1:8001
    labels: {app: llama}
)";

/// Parses `text` as "t.yaml" and requires an error whose message starts with "t.yaml:<line>:"
/// and whose field path is `path`; returns the message for further checks.
inline std::string expect_error(const std::string& text, int line, const std::string& path) {
  Result<GatewayConfig> r = parse_gateway_config(text, "t.yaml");
  if (r.ok()) {
    ADD_FAILURE() << "expected an error at line " << line << " for " << path;
    return {};
  }
  const Error& e = r.error();
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.message.rfind("t.yaml:" + std::to_string(line) + ":", 0), 0u) << e.message;
  EXPECT_EQ(e.field, path) << e.message;
  if (!path.empty()) {
    EXPECT_NE(e.message.find(path + ": "), std::string::npos) << e.message;
  }
  return e.message;
}

inline GatewayConfig expect_ok(const std::string& text) {
  Result<GatewayConfig> r = parse_gateway_config(text, "t.yaml");
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : GatewayConfig{};
}

}  // namespace sluice::config::testing
