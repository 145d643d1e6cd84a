// The gateway's own Prometheus metrics, recorded without locks from every worker thread.
//
// prometheus-cpp takes a mutex per Histogram::Observe, which a thread-per-core proxy cannot afford
// per token chunk. Here every label value is fixed at construction, so each series is a slot in a
// dense array, and each worker owns a cache-line-aligned shard of those arrays that only it
// writes (relaxed atomic load + store: no lock prefix, no sharing). render() sums the shards from
// any thread; relaxed atomics make that race-free, and a page is at most a few increments behind.
//
// Families (prefix `sluice_gateway_`, names carry units; label names model, pool, endpoint,
// status, plugin, reason):
//   requests_total{model,status}                        counter
//   endpoint_requests_total{pool,endpoint,status}       counter, routed requests only
//   request_duration_seconds{model}                     histogram, vLLM e2e buckets
//   time_to_first_token_seconds{model}                  histogram, vLLM TTFT buckets
//   inter_token_latency_seconds{model}                  histogram, vLLM ITL buckets
//   time_per_output_token_seconds{model}                histogram, vLLM ITL buckets
//   input_tokens_total{model}, output_tokens_total{model}          counters
//   scheduling_duration_seconds{pool}                   histogram, 1 us .. 100 ms
//   plugin_duration_seconds{pool,plugin}                histogram, 1 us .. 100 ms
//   retries_total{pool}, rejected_requests_total{pool,reason}      counters
// and, from the pool snapshots and the gateway's in-flight counts passed to render():
//   endpoint_healthy, endpoint_metrics_stale, endpoint_waiting_requests,
//   endpoint_running_requests, endpoint_kv_cache_usage_ratio, endpoint_in_flight_requests
//   (gauges {pool,endpoint}); endpoint_ejections_total, endpoint_scrapes_total,
//   endpoint_scrape_failures_total, endpoint_passive_failures_total (counters {pool,endpoint});
//   pool_snapshot_age_seconds{pool} (gauge).
//
// Series conventions: request/endpoint-request counters appear once a status was seen; token,
// retry and rejection counters appear for every known label value (zero until used); histograms
// appear once they have an observation.
#pragma once

#include "core/clock.h"
#include "pool/pool_snapshot.h"

#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sluice::gateway {

/// Every label value the gateway will ever record, fixed for the lifetime of a GatewayTelemetry.
/// A configuration reload builds a new one.
struct TelemetryLayout {
  std::size_t workers = 1;
  /// Model label values. Requests for any other model record as "other" (which bounds
  /// cardinality against clients sending arbitrary names). Duplicates and "other" itself are
  /// ignored.
  std::vector<std::string> models;
  struct Pool {
    std::string name;
    std::vector<std::string> endpoints;  ///< "host:port"; index = pool::EndpointState::index
    /// Scheduling plugin names in profile order; the plugin index passed to observe_plugin() is a
    /// position here. A name listed twice shares one series.
    std::vector<std::string> plugins;
  };
  std::vector<Pool> pools;
};

/// Why the gateway refused a request before it reached an endpoint.
enum class RejectReason : std::uint8_t {
  kSaturated,     ///< shed under saturation (429)
  kNoEndpoint,    ///< no endpoint of the pool could take it (503)
  kQueueFull,     ///< admission queue over its limit (429)
  kQueueTimeout,  ///< waited in the admission queue past its deadline (503)
};
inline constexpr std::size_t kRejectReasonCount = 4;
/// The `reason` label value: "saturated", "no_endpoint", "queue_full", "queue_timeout".
std::string_view reject_reason_name(RejectReason reason);

class GatewayTelemetry {
 public:
  static constexpr std::uint32_t kNoPool = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::uint32_t kNoEndpoint = std::numeric_limits<std::uint32_t>::max();
  /// model_index() of every name not in TelemetryLayout::models.
  static constexpr std::uint32_t kOtherModel = 0;

  explicit GatewayTelemetry(TelemetryLayout layout);
  GatewayTelemetry(const GatewayTelemetry&) = delete;
  GatewayTelemetry& operator=(const GatewayTelemetry&) = delete;

  const TelemetryLayout& layout() const { return layout_; }
  std::size_t workers() const { return workers_; }

  /// The model slot to put in RequestRecord::model and pass to observe_itl(): an immutable hash
  /// lookup, kOtherModel for unknown names. Resolve it once per request.
  std::uint32_t model_index(std::string_view model) const;

  /// One finished client request.
  struct RequestRecord {
    std::uint32_t model = kOtherModel;     ///< model_index() of the requested model
    std::uint32_t pool = kNoPool;          ///< pool index, or kNoPool (rejected before routing)
    std::uint32_t endpoint = kNoEndpoint;  ///< endpoint that served it (last attempt)
    int status = 0;                        ///< HTTP status sent to the client (499: client left)
    double duration_seconds = 0;           ///< end to end at the gateway
    std::optional<double> ttft_seconds =
        std::nullopt;  ///< first body byte relayed (streaming requests)
    std::optional<double> tpot_seconds =
        std::nullopt;                ///< (e2e - ttft) / (output_tokens - 1), >= 2 tokens
    std::uint64_t input_tokens = 0;  ///< from the response's usage
    std::uint64_t output_tokens = 0;
    std::uint32_t retries = 0;  ///< extra attempts made (counted when pool is set)
  };

  // Recording. `worker` must be the calling thread's own worker index (< workers()): each shard
  // has a single writer, which is what makes the plain load + store increments correct (a worker
  // out of range asserts in debug builds and writes shard 0 in release: still no undefined
  // behaviour, but increments may be lost). Other indexes out of range are ignored (a model falls
  // back to "other"). Negative durations count as 0; NaN durations are dropped.
  void record_request(std::size_t worker, const RequestRecord& r);
  /// One gap between two relayed token chunks of a streaming response.
  void observe_itl(std::size_t worker, std::uint32_t model, double seconds);
  /// One whole scheduling decision (filters, scorers, picker) for `pool`.
  void observe_scheduling(std::size_t worker, std::uint32_t pool, double seconds);
  /// One plugin's share of a decision; `plugin` indexes TelemetryLayout::Pool::plugins.
  void observe_plugin(std::size_t worker, std::uint32_t pool, std::uint32_t plugin, double seconds);
  /// A request refused before reaching an endpoint of `pool`. A refusal before any pool was
  /// chosen (kNoPool) shows only in requests_total, through its status.
  void count_rejection(std::size_t worker, std::uint32_t pool, RejectReason reason);

  /// The gateway's own in-flight count of an endpoint (pool index, endpoint index).
  using InFlightFn = std::function<std::uint32_t(std::uint32_t pool, std::uint32_t endpoint)>;

  /// What render() reads besides the shards. Everything is optional.
  struct RenderInputs {
    /// One per layout pool, same order; a null pointer (or a short span) skips that pool's
    /// endpoint gauges. Labels come from the snapshot's own endpoint addresses.
    std::span<const std::shared_ptr<const pool::PoolSnapshot>> pools;
    /// Called once per layout endpoint; when empty, endpoint_in_flight_requests is omitted.
    InFlightFn in_flight;
    /// When set, pool_snapshot_age_seconds = now - PoolSnapshot::published_at.
    std::optional<TimePoint> now;
  };

  /// Appends the Prometheus text format 0.0.4 page (HELP and TYPE lines, cumulative histogram
  /// buckets ending in +Inf, label values escaped) to `out`. Callable from any thread, any time.
  void render(std::string& out, const RenderInputs& inputs = {}) const;
  void render(std::string& out,
              std::span<const std::shared_ptr<const pool::PoolSnapshot>> pools) const {
    render(out, RenderInputs{pools, {}, std::nullopt});
  }

  /// The summed value of a counter slot or histogram count, for tests and the dashboard.
  std::uint64_t requests_total(std::uint32_t model, int status) const;

 private:
  // A cache line of slots. A shard is a whole number of lines, so two workers never write the
  // same line.
  struct alignas(64) Line {
    std::atomic<std::uint64_t> slot[8];
  };
  // The slots of one histogram family: series i occupies [base + i*stride, base + (i+1)*stride):
  // one non-cumulative count per bucket (the last is +Inf), then the sum as bit-cast double.
  struct HistogramFamily {
    std::uint32_t base = 0;
    std::uint32_t stride = 0;
    std::uint32_t series = 0;
    std::span<const double> bounds;
  };
  // HTTP status -> status slot: the common codes have their own slot; any other code counts
  // under its class ("4xx"), anything outside 100..599 under "other". Bounded, so dense.
  static std::uint32_t status_slot(int status);
  static std::string_view status_label(std::uint32_t slot);
  static std::uint32_t status_slots();

  void render_endpoints(std::string& out, const RenderInputs& inputs) const;
  std::uint32_t allocate(std::uint32_t count);
  HistogramFamily allocate_histogram(std::span<const double> bounds, std::uint32_t series);
  std::atomic<std::uint64_t>& at(std::size_t worker, std::uint32_t slot) const {
    return lines_[worker * lines_per_shard_ + (slot >> 3)].slot[slot & 7];
  }
  void add(std::size_t worker, std::uint32_t slot, std::uint64_t n) const {
    std::atomic<std::uint64_t>& a = at(worker, slot);
    a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void observe(std::size_t worker, const HistogramFamily& family, std::uint32_t series,
               double value) const;
  std::uint64_t sum_shards(std::uint32_t slot) const;
  double sum_shards_double(std::uint32_t slot) const;
  std::size_t shard_of(std::size_t worker) const {
    assert(worker < workers_);
    return worker < workers_ ? worker : 0;
  }

  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const;
  };

  TelemetryLayout layout_;
  std::size_t workers_;
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> model_index_;

  // Rendered label fragments, escaped once: `model="m"`, `pool="p"`, `pool="p",endpoint="e"`,
  // `pool="p",plugin="x"`.
  std::vector<std::string> model_labels_;     // [model slot]; 0 = other
  std::vector<std::string> pool_labels_;      // [pool]
  std::vector<std::string> endpoint_labels_;  // [endpoint_base_[pool] + endpoint]
  std::vector<std::string> plugin_labels_;    // [plugin slot]
  std::vector<std::uint32_t> endpoint_base_;  // [pool] -> first flat endpoint
  std::vector<std::uint32_t> plugin_base_;    // [pool] -> first entry of plugin_slot_
  std::vector<std::uint32_t> plugin_slot_;    // [plugin_base_[pool] + plugin] -> plugin slot
  std::size_t endpoint_count_ = 0;

  // Slot map (shared by all shards).
  std::uint32_t slots_ = 0;
  std::uint32_t requests_ = 0;           // [model][status slot]
  std::uint32_t endpoint_requests_ = 0;  // [flat endpoint][status slot]
  std::uint32_t input_tokens_ = 0;       // [model]
  std::uint32_t output_tokens_ = 0;      // [model]
  std::uint32_t retries_ = 0;            // [pool]
  std::uint32_t rejections_ = 0;         // [pool][reason]
  HistogramFamily duration_;
  HistogramFamily ttft_;
  HistogramFamily itl_;
  HistogramFamily tpot_;
  HistogramFamily scheduling_;
  HistogramFamily plugin_;

  std::size_t lines_per_shard_ = 0;
  std::unique_ptr<Line[]> lines_;
};

}  // namespace sluice::gateway
