#include "dra/cluster.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <utility>

namespace sluice::dra {
namespace {

std::string key(const std::string& ns, const std::string& name) {
  return ns.empty() ? name : ns + "/" + name;
}

class ClusterAllocator {
 public:
  ClusterAllocator(const Inventory& inventory, const ClusterOptions& options)
      : inventory_(inventory), options_(options), allocator_(inventory) {
    for (const ResourceClaim& c : inventory.resource_claims) {
      claims_[display_name(c.meta)] = &c;
      if (c.status.allocation) take(*c.status.allocation);
    }
    for (const ResourceClaimTemplate& t : inventory.resource_claim_templates) {
      templates_[display_name(t.meta)] = &t;
    }
    for (const Node& n : inventory.nodes) nodes_.push_back(&n);
    std::sort(nodes_.begin(), nodes_.end(),
              [](const Node* a, const Node* b) { return a->meta.name < b->meta.name; });
    count_free_devices();
  }

  Result<ClusterResult> run() {
    for (const Pod& pod : inventory_.pods) {
      if (auto status = place_pod(pod); !status.ok()) return std::move(status).error();
    }
    for (const ResourceClaim& c : inventory_.resource_claims) {
      if (c.status.allocation || used_by_pod_.count(display_name(c.meta)) > 0) continue;
      if (auto status = place("", {&c}, nullptr, {}); !status.ok()) {
        return std::move(status).error();
      }
    }
    return std::move(result_);
  }

 private:
  void take(const AllocationResult& allocation) {
    for (const DeviceRequestAllocationResult& r : allocation.results) {
      const std::string id = device_id(r.driver, r.pool, r.device);
      if (!allocated_.insert(id).second) continue;
      if (const auto it = nodes_of_device_.find(id); it != nodes_of_device_.end()) {
        for (std::size_t n : it->second) --free_[n];
      }
    }
  }

  /// Free devices per node, kept up to date by take(): a node with fewer free devices than a
  /// claim set asks for is skipped without building its allocation problem.
  void count_free_devices() {
    free_.assign(nodes_.size(), 0);
    for (std::size_t n = 0; n < nodes_.size(); ++n) {
      const NodeDevices devices = devices_for_node(allocator_.slices_for(*nodes_[n]), *nodes_[n]);
      for (const NodeDevice& d : devices.devices) {
        const NodePool& pool = devices.pools[d.pool];
        const std::string id = device_id(pool.driver, pool.name, d.device->name);
        nodes_of_device_[id].push_back(n);
        if (allocated_.count(id) == 0) ++free_[n];
      }
    }
  }

  /// The fewest devices `claims` can be served with (All counts as one, a prioritized list as
  /// its smallest alternative).
  static std::int64_t least_devices(const std::vector<const ResourceClaim*>& claims) {
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

  /// The claim a pod's entry refers to: a named claim, or the one generated from a template
  /// (taken from the pod's status if it lists one, else made here as `<pod>-<entry>`).
  Result<const ResourceClaim*> resolve(const Pod& pod, std::size_t index) {
    const PodResourceClaim& entry = pod.resource_claims[index];
    const std::string where =
        "Pod " + display_name(pod.meta) + ": spec.resourceClaims[" + std::to_string(index) + "]";
    std::string name;
    if (entry.resource_claim_name) {
      name = *entry.resource_claim_name;
    } else if (entry.resource_claim_template_name) {
      name = pod.meta.name + "-" + entry.name;
      for (const PodResourceClaimStatus& s : pod.resource_claim_statuses) {
        if (s.name == entry.name && s.resource_claim_name) name = *s.resource_claim_name;
      }
    } else {
      return make_error(ErrorCode::kInvalidArgument, where + ": names no claim or template");
    }
    if (const auto it = claims_.find(key(pod.meta.ns, name)); it != claims_.end()) {
      return it->second;
    }
    if (entry.resource_claim_name) {
      return make_error(ErrorCode::kInvalidArgument, where + ".resourceClaimName: ResourceClaim " +
                                                         key(pod.meta.ns, name) + " not found");
    }
    const auto t = templates_.find(key(pod.meta.ns, *entry.resource_claim_template_name));
    if (t == templates_.end()) {
      return make_error(ErrorCode::kInvalidArgument,
                        where + ".resourceClaimTemplateName: ResourceClaimTemplate " +
                            key(pod.meta.ns, *entry.resource_claim_template_name) + " not found");
    }
    ResourceClaim& made = generated_.emplace_back();
    made.meta = t->second->template_meta;
    made.meta.name = name;
    made.meta.ns = pod.meta.ns;
    made.spec = t->second->spec;
    claims_[key(pod.meta.ns, name)] = &made;
    return &made;
  }

  Status place_pod(const Pod& pod) {
    std::vector<const ResourceClaim*> pending;
    std::vector<const NodeSelector*> must_match;  // nodes of claims allocated already
    for (std::size_t i = 0; i < pod.resource_claims.size(); ++i) {
      auto claim = resolve(pod, i);
      if (!claim.ok()) return std::move(claim).error();
      const ResourceClaim* c = *claim;
      if (!used_by_pod_.insert(display_name(c->meta)).second &&
          std::find(pending.begin(), pending.end(), c) != pending.end()) {
        continue;  // listed twice by this pod
      }
      if (c->status.allocation) {
        if (c->status.allocation->node_selector) {
          must_match.push_back(&*c->status.allocation->node_selector);
        }
        continue;
      }
      if (placed_.count(c) > 0) continue;  // allocated for an earlier pod sharing it
      pending.push_back(c);
    }
    if (pending.empty()) return {};
    const std::string* pinned = pod.node_name ? &*pod.node_name : nullptr;
    return place(display_name(pod.meta), std::move(pending), pinned, must_match);
  }

  Status place(const std::string& pod, std::vector<const ResourceClaim*> claims,
               const std::string* pinned, const std::vector<const NodeSelector*>& must_match) {
    Placement placement;
    placement.pod = pod;
    for (const ResourceClaim* c : claims) placement.claims.push_back(display_name(c->meta));
    const Node* best_node = nullptr;
    NodeOutcome best;
    std::size_t feasible = 0;
    const std::int64_t least = least_devices(claims);
    std::size_t skipped = 0;
    for (std::size_t n = 0; n < nodes_.size(); ++n) {
      const Node* node = nodes_[n];
      if (pinned != nullptr && node->meta.name != *pinned) continue;
      if (free_[n] < least) {
        ++skipped;
        continue;
      }
      if (!options_.only_node.empty() && node->meta.name != options_.only_node) continue;
      const bool selectors_ok =
          std::all_of(must_match.begin(), must_match.end(),
                      [node](const NodeSelector* s) { return node_selector_matches(*s, *node); });
      if (!selectors_ok) continue;
      ++result_.nodes_tried;
      auto outcome = allocator_.allocate(*node, claims, allocated_);
      if (!outcome.ok()) return std::move(outcome).error();
      result_.solver_steps += outcome->steps;
      if (!outcome->allocated) {
        if (placement.reason.empty())
          placement.reason = "node " + node->meta.name + ": " + outcome->reason;
        continue;
      }
      if (best_node == nullptr || outcome->score < best.score) {
        best_node = node;
        best = std::move(*outcome);
      }
      if (++feasible == options_.feasible_nodes_to_score) break;
    }
    if (best_node == nullptr) {
      if (placement.reason.empty() && skipped > 0) {
        placement.reason = "no node has " + std::to_string(least) + " free devices";
      }
      if (placement.reason.empty()) placement.reason = "no node is eligible";
      for (const ResourceClaim* c : claims) result_.claims.push_back(*c);
    } else {
      placement.allocated = true;
      placement.node = best_node->meta.name;
      placement.reason.clear();
      placement.score = best.score;
      for (std::size_t i = 0; i < claims.size(); ++i) {
        ResourceClaim done = *claims[i];
        done.status.allocation = std::move(best.results[i]);
        take(*done.status.allocation);
        placed_.insert(claims[i]);
        result_.claims.push_back(std::move(done));
      }
    }
    result_.placements.push_back(std::move(placement));
    return {};
  }

  const Inventory& inventory_;
  ClusterOptions options_;
  NodeAllocator allocator_;
  std::map<std::string, const ResourceClaim*> claims_;
  std::map<std::string, const ResourceClaimTemplate*> templates_;
  std::deque<ResourceClaim> generated_;  // stable addresses
  std::vector<const Node*> nodes_;
  std::set<std::string> used_by_pod_;
  std::set<const ResourceClaim*> placed_;
  AllocatedDevices allocated_;
  std::vector<std::int64_t> free_;  ///< per node (in nodes_ order)
  std::map<std::string, std::vector<std::size_t>> nodes_of_device_;
  ClusterResult result_;
};

}  // namespace

Result<ClusterResult> allocate_cluster(const Inventory& inventory, const ClusterOptions& options) {
  return ClusterAllocator(inventory, options).run();
}

}  // namespace sluice::dra
