// The live endpoint state of one pool of model servers: discovers each endpoint's models from
// `/v1/models`, scrapes its `/metrics` every interval, runs the health machine (EndpointHealth)
// with active `/health` probes of ejected endpoints, and publishes an immutable PoolSnapshot.
//
// Threading: all I/O and all mutable state live on ONE executor (a dedicated thread or worker 0),
// so the scraper needs no locks. Gateway workers on other threads only
//   - load the current snapshot: an atomic shared_ptr load, no lock, no copy of the data;
//   - report proxy outcomes: relaxed atomic counters per endpoint (cache-line separated), which the
//     publisher folds into the health machine once per interval.
// Bounded: one in-flight request per endpoint, a timeout on every request, a size limit on every
// response, at most kMaxEndpoints endpoints, kMaxServedModels models, kMaxAdaptersPerList adapters.
#pragma once

#include "core/clock.h"
#include "core/result.h"
#include "net/http_types.h"
#include "pool/endpoint_health.h"
#include "pool/pool_snapshot.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace sluice::pool {

struct PoolOptions {
  /// Scrape cadence, and publish cadence of new snapshots (llm-d's --refresh-metrics-interval).
  Duration scrape_interval = std::chrono::milliseconds(50);
  /// Deadline of each /metrics, /health and /v1/models request.
  Duration request_timeout = std::chrono::milliseconds(500);
  /// How often a healthy endpoint's /v1/models is re-read (adapters come and go at run time). An
  /// endpoint is also re-read right after it recovers.
  Duration models_refresh_interval = std::chrono::seconds(1);
  HealthPolicy health;
  std::size_t max_metrics_bytes = 4 * 1024 * 1024;
  std::size_t max_models_bytes = 1024 * 1024;
  /// Called on the pool's executor after every publish (telemetry, tests). Must not block.
  std::function<void(const PoolSnapshot&)> on_publish;
};

inline constexpr std::size_t kMaxEndpoints = 4096;

class EndpointPool {
 public:
  /// Validates the configuration: 1..kMaxEndpoints endpoints, each with a non-empty unique
  /// "host:port" address, paths starting with '/', positive intervals and timeout.
  /// kInvalidArgument naming the offending field otherwise. Publishes an initial snapshot (every
  /// endpoint healthy, stale, no models) so snapshot() is never null. Nothing runs until start().
  static Result<std::unique_ptr<EndpointPool>> create(net::asio::any_io_executor executor,
                                                      std::vector<EndpointConfig> endpoints,
                                                      PoolOptions options = {});
  /// Stops (as stop() without a callback). The executor's io_context must outlive the pool.
  ~EndpointPool();
  EndpointPool(const EndpointPool&) = delete;
  EndpointPool& operator=(const EndpointPool&) = delete;

  /// Starts discovery, scraping and publishing on the executor. Thread-safe; once only.
  void start();
  /// Cancels everything in flight; then, once every coroutine has exited, calls on_stopped on the
  /// executor. Thread-safe; idempotent (a later call's callback runs when the first stop ends, or
  /// at once). Snapshots stop being published, the last one stays readable.
  void stop(std::function<void()> on_stopped = {});

  /// The latest snapshot. Any thread. libstdc++'s atomic<shared_ptr> takes an internal spin bit
  /// for the refcount bump: a reader on the same core as a preempted publisher spins until the
  /// publisher runs again, so per-request readers check snapshot_version() first.
  std::shared_ptr<const PoolSnapshot> snapshot() const;
  /// Changes after every publication (a plain atomic load, never waits): a reader holding the
  /// snapshot of the version it last saw needs no new one while this is unchanged.
  std::uint64_t snapshot_version() const;

  /// The gateway saw a proxy error from endpoint `index` (connect failure, reset, 5xx before the
  /// first byte, garbage). Any thread, lock-free. Out-of-range indexes are ignored.
  void report_failure(std::uint32_t index);
  /// A proxied request to `index` succeeded: ends its consecutive-error streak. Any thread;
  /// only reads the shared counter unless a streak is running.
  void report_success(std::uint32_t index);

  std::size_t size() const;

  struct State;  // implementation detail, shared with the running coroutines

 private:
  explicit EndpointPool(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace sluice::pool
