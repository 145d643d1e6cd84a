// The model-server signals the gateway routes on, extracted from one scraped `/metrics` page.
//
// Both vLLM and SGLang names are understood (../shared/reference/gateway-anchors.md §3.6); the
// engine is recognised by which names the page carries, so one pool can mix engines without
// per-endpoint configuration. Pure: no I/O, no clock.
#pragma once

#include "metrics/prometheus_text.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::pool {

/// Which EndpointMetrics fields the page actually carried (bit set). A field that is absent keeps
/// its zero value; the scheduler can tell "0 waiting" from "nobody told us".
enum MetricField : std::uint32_t {
  kFieldWaiting = 1U << 0,
  kFieldRunning = 1U << 1,
  kFieldKvCache = 1U << 2,
  kFieldLora = 1U << 3,
};

struct EndpointMetrics {
  /// Queued requests, summed over label sets (`vllm:num_requests_waiting`,
  /// `sglang:num_queue_reqs`).
  std::uint32_t waiting = 0;
  /// Requests in the running batch, summed (`vllm:num_requests_running`,
  /// `sglang:num_running_reqs`).
  std::uint32_t running = 0;
  /// KV-cache utilisation 0..1 (`vllm:kv_cache_usage_perc`, older `vllm:gpu_cache_usage_perc`,
  /// `sglang:token_usage`). With several label sets (data-parallel engines) the MAXIMUM is taken:
  /// a fraction does not add up, and the fullest engine is the one a new request may land on.
  double kv_cache_usage = 0.0;
  /// From the `vllm:lora_requests_info` series with the largest value (the value is the time of
  /// its last update). Comma-separated label values split into names; empty names dropped.
  std::vector<std::string> running_adapters;
  std::vector<std::string> waiting_adapters;
  std::uint32_t max_loras = 0;  ///< label `max_lora`
  std::uint32_t present = 0;    ///< MetricField bits

  bool has(MetricField field) const { return (present & field) != 0; }
  friend bool operator==(const EndpointMetrics&, const EndpointMetrics&) = default;
};

/// Adapter lists longer than this are cut: a hostile page cannot make the snapshot grow unbounded.
inline constexpr std::size_t kMaxAdaptersPerList = 256;

/// The metric names extract_endpoint_metrics reads (for parse_prometheus_text's `only`).
std::span<const std::string_view> endpoint_metric_names();

/// Extracts the routing signals. Never fails: missing metrics are reported through `present`;
/// NaN and negative values read as 0, counts saturate at UINT32_MAX, KV usage is clamped to 0..1.
EndpointMetrics extract_endpoint_metrics(const metrics::PromSnapshot& page);

}  // namespace sluice::pool
