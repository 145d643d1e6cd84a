// The immutable view of a pool that gateway workers read per request. EndpointPool builds a new
// PoolSnapshot every scrape interval and publishes it by swapping a shared_ptr<const PoolSnapshot>;
// readers load the pointer once and keep using that consistent view without any lock.
#pragma once

#include "core/clock.h"
#include "pool/endpoint_health.h"
#include "pool/endpoint_metrics.h"
#include "pool/served_models.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::pool {

/// One endpoint as configured. Labels are what InferencePool selectors and the engine-type label
/// (`llm-d.ai/engine-type`) match on.
struct EndpointConfig {
  std::string address;  ///< "host:port", what the gateway connects to
  std::map<std::string, std::string, std::less<>> labels;
  std::string metrics_path = "/metrics";
  std::string health_path = "/health";
  std::string models_path = "/v1/models";
  std::string scheme = "http";  ///< "http" or "https" (scrapes, probes and discovery use it too)
};

struct EndpointState {
  std::uint32_t index = 0;  ///< position in the pool, stable for its lifetime; report_*() take it
  /// Shared with every snapshot: never copied per publish.
  std::shared_ptr<const EndpointConfig> config;
  /// Replaced (not mutated) when discovery sees a different list; null until the first success.
  std::shared_ptr<const std::vector<ServedModel>> models;
  EndpointMetrics metrics;  ///< from the last successful scrape (zeros before the first)
  HealthState health = HealthState::kHealthy;
  EjectReason eject_reason = EjectReason::kNone;
  /// No successful scrape yet, or the last one is older than HealthPolicy::staleness at publish
  /// time. The scheduler treats a stale endpoint as saturated.
  bool stale = true;
  TimePoint metrics_at{};  ///< when the last successful scrape finished
  std::uint64_t scrapes_total = 0;
  std::uint64_t scrape_failures_total = 0;
  std::uint64_t passive_failures_total = 0;  ///< proxy errors reported by the gateway
  std::uint64_t ejections_total = 0;

  const std::string& address() const { return config->address; }
  bool healthy() const { return health == HealthState::kHealthy; }
  /// True if /v1/models listed `model` (a base model or an adapter).
  bool serves(std::string_view model) const;
  /// The discovered entry for `model`, or nullptr.
  const ServedModel* find_model(std::string_view model) const;
};

struct PoolSnapshot {
  std::uint64_t generation = 0;  ///< increases by one per publish
  TimePoint published_at{};
  std::vector<EndpointState> endpoints;  ///< in configuration order; endpoints[i].index == i

  /// The endpoint with this address, or nullptr. Linear: for tools and tests, not the hot path
  /// (which indexes by EndpointState::index).
  const EndpointState* find(std::string_view address) const;
};

}  // namespace sluice::pool
