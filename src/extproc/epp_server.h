// `sluice epp`: the process around the Endpoint Picker. Builds the routing core from the same
// configuration files as `sluice gateway` (pools, endpoints, scheduling profiles, objectives,
// rewrites), runs the endpoint pools on a control thread, and serves:
//   - envoy.service.ext_proc.v3.ExternalProcessor/Process on the gRPC port (default 9002);
//   - grpc.health.v1.Health on the health port (9003), answering `liveness` (the process is up),
//     `readiness` and `envoy.service.ext_proc.v3.ExternalProcessor` (some endpoint answered);
//   - Prometheus text on the metrics port (9090, GET /metrics).
// until SIGINT/SIGTERM.
#pragma once

#include "config/gateway_config.h"
#include "core/clock.h"
#include "core/result.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace sluice::extproc {

struct EppPorts {
  std::uint16_t grpc = 0;
  std::uint16_t health = 0;
  std::uint16_t metrics = 0;
};

struct EppOptions {
  std::shared_ptr<const config::GatewayConfig> config;
  std::string host = "0.0.0.0";
  /// The InferencePool this EPP picks for (every request goes there); empty: by model, as the
  /// gateway routes.
  std::string pool;
  EppPorts ports{9002, 9003, 9090};  ///< 0 = any free port (reported to on_ready)
  /// Threads serving ext_proc and /metrics (Envoy's connections are spread over them).
  std::size_t workers = 1;
  /// Workers poll instead of sleeping (net::WorkerPool::set_busy_poll): a whole core each.
  bool busy_poll = false;
  Duration discovery_wait = std::chrono::seconds(5);
  std::size_t max_body_bytes = 16u << 20;
  Duration shutdown_grace = std::chrono::seconds(5);
  std::function<void(const EppPorts&)> on_ready;
};

/// Serves until SIGINT/SIGTERM. Errors: an invalid picker configuration, a port taken.
Status run_epp(EppOptions options);

}  // namespace sluice::extproc
