#include "routing/worker_router.h"

#include "core/hash.h"

namespace sluice::routing {

scheduling::EndpointView endpoint_view(const pool::EndpointState& state) {
  scheduling::EndpointView v;
  v.id = state.index;
  v.address = state.address();
  v.healthy = state.healthy();
  v.metrics_stale = state.stale;
  v.waiting = state.metrics.waiting;
  v.running = state.metrics.running;
  v.kv_cache_usage = state.metrics.kv_cache_usage;
  v.max_loras = state.metrics.max_loras;
  v.running_adapters = state.metrics.running_adapters;
  v.waiting_adapters = state.metrics.waiting_adapters;
  if (state.models) {
    for (const pool::ServedModel& m : *state.models) {
      v.served_models.push_back(m.name);
    }
  }
  return v;
}

WorkerRouter::WorkerRouter(const RoutingTable& table, std::uint64_t seed)
    : table_(table), rng_(seed) {
  for (std::size_t i = 0; i < table.pools().size(); ++i) {
    PoolState& p = pools_.emplace_back();
    std::uint64_t pool_seed = seed + i + 1;
    p.scheduler =
        std::make_unique<scheduling::Scheduler>(table.pools()[i].profile, splitmix64(pool_seed));
  }
}

std::span<const scheduling::EndpointView> WorkerRouter::endpoints(std::uint32_t pool) {
  PoolState& p = pools_[pool];
  const PoolRoute& route = table_.pools()[pool];
  const std::uint64_t version = route.endpoints->snapshot_version();
  if (version != p.version || !p.snapshot) {
    p.version = version;  // read before the snapshot: a newer one only means one more reload
    auto snapshot = route.endpoints->snapshot();
    p.views.clear();
    p.healthy.clear();
    p.parents.clear();
    for (const pool::EndpointState& e : snapshot->endpoints) {
      p.views.push_back(endpoint_view(e));
      if (e.healthy()) {
        p.healthy.push_back(p.views.back());
      }
      if (e.models) {
        for (const pool::ServedModel& m : *e.models) {
          if (m.is_adapter()) {
            p.parents.emplace(m.name, m.parent);
          }
        }
      }
    }
    p.snapshot = std::move(snapshot);
  }
  for (scheduling::EndpointView& v : p.views) {
    v.in_flight = route.in_flight[v.id].value.load(std::memory_order_relaxed);
  }
  for (scheduling::EndpointView& v : p.healthy) {
    v.in_flight = route.in_flight[v.id].value.load(std::memory_order_relaxed);
  }
  return p.views;
}

std::string_view WorkerRouter::adapter_parent(std::uint32_t pool, std::string_view model) const {
  const auto& parents = pools_[pool].parents;
  const auto it = parents.find(model);
  return it == parents.end() ? std::string_view{} : std::string_view(it->second);
}

std::uint64_t WorkerRouter::random() { return splitmix64(rng_); }

}  // namespace sluice::routing
