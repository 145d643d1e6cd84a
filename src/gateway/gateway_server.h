// `sluice gateway`: the process around the proxy pipeline. Builds the routing table from a
// GatewayConfig, runs the endpoint pools on a control thread, serves on N workers until
// SIGINT/SIGTERM, drains, and stops everything.
#pragma once

#include "config/gateway_config.h"
#include "core/clock.h"
#include "core/result.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sluice::gateway {

struct GatewayOptions {
  std::shared_ptr<const config::GatewayConfig> config;
  /// Override the config's listen address and port.
  std::optional<std::string> host;
  std::optional<std::uint16_t> port;
  std::size_t workers = 1;
  /// Bound on a whole upstream exchange (streams included).
  Duration request_timeout = std::chrono::hours(1);
  /// How long to wait at start for every endpoint's first /v1/models (an endpoint that does not
  /// answer is used as soon as it does).
  Duration discovery_wait = std::chrono::seconds(5);
  std::size_t max_body_bytes = 16 << 20;
  Duration shutdown_grace = std::chrono::seconds(10);
  /// Access log destination: empty for none, "-" for stdout, else a file appended to.
  std::string access_log;
  /// Called with the bound port once listening.
  std::function<void(std::uint16_t)> on_ready;
};

/// The configuration `sluice gateway --endpoint URL ...` runs: one pool "default" holding the
/// endpoints, to which every model goes; models and adapters come from each endpoint's /v1/models.
/// kInvalidArgument naming the URL if one is not an http(s)://host:port base URL.
Result<config::GatewayConfig> quick_start_config(const std::vector<std::string>& endpoint_urls);

/// Everything run_gateway() checks before serving, without starting anything: picker plugins and
/// their parameters, saturation thresholds, endpoint addresses.
Status check_config(std::shared_ptr<const config::GatewayConfig> config);

/// Serves until SIGINT/SIGTERM, drains, returns. Errors: a picker plugin the config names is
/// invalid, or the port is taken.
Status run_gateway(GatewayOptions options);

}  // namespace sluice::gateway
