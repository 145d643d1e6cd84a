// `sluice gateway` quick start: an OpenAI-compatible proxy in front of a list of model-server
// endpoints. Discovers what each endpoint serves from its /v1/models, routes each request by its
// "model" to the least-loaded endpoint serving it, relays the answer as it streams, retries the
// next endpoint when one fails before answering, and serves the aggregated /v1/models.
#pragma once

#include "core/clock.h"
#include "core/result.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sluice::gateway {

struct GatewayOptions {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8080;
  std::size_t workers = 1;
  std::vector<std::string> endpoints;  ///< base URLs
  /// Endpoints tried per request (the first plus retries before any byte was relayed).
  int max_attempts = 3;
  Duration request_timeout = std::chrono::minutes(10);
  Duration discovery_timeout = std::chrono::seconds(10);
  std::size_t max_body_bytes = 16 << 20;
  Duration shutdown_grace = std::chrono::seconds(10);
  /// Called with the bound port once listening.
  std::function<void(std::uint16_t)> on_ready;
};

/// Discovers the endpoints' models, serves until SIGINT/SIGTERM, drains, returns. Errors: an
/// endpoint that cannot be reached or answers garbage at start, or the port is taken.
Status run_gateway(GatewayOptions options);

}  // namespace sluice::gateway
