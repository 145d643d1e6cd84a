#include "dra/cluster.h"

#include <algorithm>
#include <set>
#include <utility>

namespace sluice::dra {

std::int64_t least_devices(const std::vector<const ResourceClaim*>& claims) {
  std::int64_t total = 0;
  for (const ResourceClaim* c : claims) {
    for (const DeviceRequest& r : c->spec.requests) {
      std::int64_t least = 0;
      if (r.exactly) {
        least = r.exactly->allocation_mode == AllocationMode::kAll ? 1 : r.exactly->count;
      }
      for (const DeviceSubRequest& sub : r.first_available) {
        const std::int64_t n = sub.allocation_mode == AllocationMode::kAll ? 1 : sub.count;
        least = least == 0 ? n : std::min(least, n);
      }
      total += least;
    }
  }
  return total;
}

void sort_pod_claim(const ResourceClaim* claim, const PlacedClaims& placed,
                    std::vector<const ResourceClaim*>& pending,
                    std::vector<const NodeSelector*>& must_match) {
  const AllocationResult* held = claim->status.allocation ? &*claim->status.allocation : nullptr;
  if (const auto it = placed.find(claim); it != placed.end()) held = &it->second;
  if (held == nullptr) {
    pending.push_back(claim);
  } else if (held->node_selector) {
    must_match.push_back(&*held->node_selector);
  }
}

ClusterScheduler::ClusterScheduler(const Inventory& inventory, const ClusterOptions& options)
    : options_(options), allocator_(inventory), random_(options.seed) {
  allocator_.use_first_fit(options.strategy != Strategy::kSluice);
  for (const Node& n : inventory.nodes) nodes_.push_back(&n);
  std::sort(nodes_.begin(), nodes_.end(),
            [](const Node* a, const Node* b) { return a->meta.name < b->meta.name; });
  for (const ResourceClaim& c : inventory.resource_claims) {
    if (c.status.allocation) {
      for (const DeviceRequestAllocationResult& r : c.status.allocation->results) {
        allocated_.insert(device_id(r.driver, r.pool, r.device));
      }
    }
  }
  count_free_devices();
}

void ClusterScheduler::take(const AllocationResult& allocation) {
  for (const DeviceRequestAllocationResult& r : allocation.results) {
    const std::string id = device_id(r.driver, r.pool, r.device);
    if (!allocated_.insert(id).second) continue;
    if (const auto it = nodes_of_device_.find(id); it != nodes_of_device_.end()) {
      for (std::size_t n : it->second) --free_[n];
    }
  }
}

void ClusterScheduler::release(const Placement& placement) {
  for (const AllocationResult& allocation : placement.results) {
    for (const DeviceRequestAllocationResult& r : allocation.results) {
      const std::string id = device_id(r.driver, r.pool, r.device);
      if (allocated_.erase(id) == 0) continue;
      if (const auto it = nodes_of_device_.find(id); it != nodes_of_device_.end()) {
        for (std::size_t n : it->second) ++free_[n];
      }
    }
  }
}

/// Free devices per node, kept up to date by take() and release(): a node with fewer free devices
/// than a claim set asks for is skipped without building its allocation problem.
void ClusterScheduler::count_free_devices() {
  total_.assign(nodes_.size(), 0);
  free_.assign(nodes_.size(), 0);
  for (std::size_t n = 0; n < nodes_.size(); ++n) {
    const NodeDevices devices = devices_for_node(allocator_.slices_for(*nodes_[n]), *nodes_[n]);
    for (const NodeDevice& d : devices.devices) {
      const NodePool& pool = devices.pools[d.pool];
      const std::string id = device_id(pool.driver, pool.name, d.device->name);
      nodes_of_device_[id].push_back(n);
      ++total_[n];
      if (allocated_.count(id) == 0) ++free_[n];
    }
  }
}

Result<bool> ClusterScheduler::fits(const Node& node,
                                    const std::vector<const ResourceClaim*>& claims) {
  auto outcome = allocator_.allocate(node, claims, allocated_);
  if (!outcome.ok()) return std::move(outcome).error();
  return outcome->allocated;
}

Result<Placement> ClusterScheduler::place(const std::string& pod,
                                          const std::vector<const ResourceClaim*>& claims,
                                          const std::string* pinned,
                                          const std::vector<const NodeSelector*>& must_match) {
  Placement placement;
  placement.pod = pod;
  for (const ResourceClaim* c : claims) placement.claims.push_back(display_name(c->meta));
  std::size_t best_node = nodes_.size();
  NodeOutcome best;
  std::size_t feasible = 0;
  const std::int64_t least = least_devices(claims);
  const bool first_node = options_.strategy == Strategy::kFirstFitFirstNode;
  const bool random_node = options_.strategy == Strategy::kFirstFitRandomNode;
  std::size_t skipped = 0;
  for (std::size_t n = 0; n < nodes_.size(); ++n) {
    const Node* node = nodes_[n];
    if (pinned != nullptr && node->meta.name != *pinned) continue;
    if (!options_.only_node.empty() && node->meta.name != options_.only_node) continue;
    if (free_[n] < least) {
      ++skipped;
      continue;
    }
    const bool selectors_ok =
        std::all_of(must_match.begin(), must_match.end(),
                    [node](const NodeSelector* s) { return node_selector_matches(*s, *node); });
    if (!selectors_ok) continue;
    ++nodes_tried_;
    auto outcome = allocator_.allocate(*node, claims, allocated_);
    if (!outcome.ok()) return std::move(outcome).error();
    solver_steps_ += outcome->steps;
    if (!outcome->allocated) {
      if (placement.reason.empty())
        placement.reason = "node " + node->meta.name + ": " + outcome->reason;
      continue;
    }
    ++feasible;
    bool better = best_node == nodes_.size();
    if (!better && random_node) {
      // Reservoir sampling: every feasible node is equally likely, as kube-scheduler's selectHost.
      better = std::uniform_int_distribution<std::size_t>(1, feasible)(random_) == 1;
    } else if (!better && !first_node) {
      better = outcome->score < best.score ||
               (outcome->score == best.score && free_[n] < free_[best_node]);
    }
    if (better) {
      best_node = n;
      best = std::move(*outcome);
    }
    if (first_node || feasible == options_.feasible_nodes_to_score) break;
  }
  if (best_node == nodes_.size()) {
    if (placement.reason.empty() && skipped > 0) {
      placement.reason = "no node has " + std::to_string(least) + " free devices";
    }
    if (placement.reason.empty()) placement.reason = "no node is eligible";
    return placement;
  }
  placement.allocated = true;
  placement.node = nodes_[best_node]->meta.name;
  placement.reason.clear();
  placement.score = best.score;
  placement.results = std::move(best.results);
  for (const AllocationResult& r : placement.results) take(r);
  return placement;
}

namespace {

/// allocate_cluster: every pending pod in input order, then the claims no pod uses.
class InventoryRun {
 public:
  InventoryRun(const Inventory& inventory, const ClusterOptions& options)
      : inventory_(inventory), index_(inventory), scheduler_(inventory, options) {}

  Result<ClusterResult> run() {
    for (const Pod& pod : inventory_.pods) {
      if (auto status = place_pod(pod); !status.ok()) return std::move(status).error();
    }
    for (const ResourceClaim& c : inventory_.resource_claims) {
      if (c.status.allocation || used_by_pod_.count(&c) > 0) continue;
      if (auto status = record(scheduler_.place("", {&c}), {&c}); !status.ok()) {
        return std::move(status).error();
      }
    }
    result_.solver_steps = scheduler_.solver_steps();
    result_.nodes_tried = scheduler_.nodes_tried();
    return std::move(result_);
  }

 private:
  Status place_pod(const Pod& pod) {
    auto claims = index_.claims_of(pod);
    if (!claims.ok()) return std::move(claims).error();
    std::vector<const ResourceClaim*> pending;
    std::vector<const NodeSelector*> must_match;  // nodes of claims allocated already
    for (const ResourceClaim* c : *claims) {
      used_by_pod_.insert(c);
      sort_pod_claim(c, placed_, pending, must_match);
    }
    if (pending.empty()) return {};
    const std::string* pinned = pod.node_name ? &*pod.node_name : nullptr;
    return record(scheduler_.place(display_name(pod.meta), pending, pinned, must_match), pending);
  }

  Status record(Result<Placement> placement, const std::vector<const ResourceClaim*>& claims) {
    if (!placement.ok()) return std::move(placement).error();
    for (std::size_t i = 0; i < claims.size(); ++i) {
      ResourceClaim& out = result_.claims.emplace_back(*claims[i]);
      if (placement->allocated) {
        out.status.allocation = placement->results[i];
        placed_[claims[i]] = placement->results[i];
      }
    }
    result_.placements.push_back(std::move(*placement));
    return {};
  }

  const Inventory& inventory_;
  ClaimIndex index_;
  ClusterScheduler scheduler_;
  std::set<const ResourceClaim*> used_by_pod_;
  PlacedClaims placed_;
  ClusterResult result_;
};

}  // namespace

Result<ClusterResult> allocate_cluster(const Inventory& inventory, const ClusterOptions& options) {
  return InventoryRun(inventory, options).run();
}

}  // namespace sluice::dra
