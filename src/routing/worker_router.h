// One worker thread's routing state: for each pool a Scheduler (its own RNG, round-robin cursor
// and prefix index) and the scheduler's view of the endpoints, rebuilt from the pool's snapshot
// only when a new one was published (every scrape interval), with the gateway's own in-flight
// counts refreshed per request. Owned and used by exactly one worker: no locks.
#pragma once

#include "routing/routing_table.h"
#include "scheduling/endpoint_view.h"
#include "scheduling/scheduler.h"

#include <memory>
#include <span>
#include <vector>

namespace sluice::routing {

class WorkerRouter {
 public:
  WorkerRouter(const RoutingTable& table, std::uint64_t seed);

  /// Loads the pool's current state and returns all its endpoints (admission and "is this model
  /// served here" read these). Valid until the next call for the same pool.
  std::span<const scheduling::EndpointView> endpoints(std::uint32_t pool);
  /// The healthy subset, as of the last endpoints() call: what scheduling chooses from. Ejected
  /// endpoints are never candidates, whatever filters a profile lists (as in llm-d, where an
  /// unready pod is not in the datastore at all).
  std::span<const scheduling::EndpointView> healthy(std::uint32_t pool) const {
    return pools_[pool].healthy;
  }
  scheduling::Scheduler& scheduler(std::uint32_t pool) { return *pools_[pool].scheduler; }
  /// The base model of `model` if some endpoint of `pool` lists it as a LoRA adapter, else empty.
  /// As of the snapshot last loaded by endpoints().
  std::string_view adapter_parent(std::uint32_t pool, std::string_view model) const;
  /// Uniform 64-bit random numbers (rewrite draws).
  std::uint64_t random();

 private:
  struct PoolState {
    std::unique_ptr<scheduling::Scheduler> scheduler;
    std::shared_ptr<const pool::PoolSnapshot> snapshot;
    std::uint64_t version = 0;  ///< EndpointPool::snapshot_version() when `snapshot` was loaded
    std::vector<scheduling::EndpointView> views;
    std::vector<scheduling::EndpointView> healthy;
    StringMap<std::string> parents;  ///< adapter -> base model, from the snapshot
  };
  const RoutingTable& table_;
  std::vector<PoolState> pools_;
  std::uint64_t rng_;
};

/// The scheduler's view of one endpoint state (without the in-flight count).
scheduling::EndpointView endpoint_view(const pool::EndpointState& state);

}  // namespace sluice::routing
