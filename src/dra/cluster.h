// Cluster-level allocation: the claims of one pod go on one node (filter the nodes, allocate on
// each candidate, keep the best), claims no pod uses each go on their own, and every decision is
// remembered so the next one sees the devices it took. Claims already allocated in the input
// keep their devices.
//
// Node choice: Sluice takes the best solver score (topology spread, then newly fragmented
// parents), then the node with the fewest free devices left (bin-packing, so whole nodes stay
// free for large claims). The first-fit strategies model the upstream scheduler for `plan`'s
// baseline: Kubernetes' first-fit device search, and a node chosen either at random among the
// feasible ones (kube-scheduler breaks score ties at random, and DRA adds no score in 1.35) or
// simply the first feasible node by name.
#pragma once

#include "core/result.h"
#include "dra/claim_index.h"
#include "dra/model.h"
#include "dra/node_allocator.h"

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace sluice::dra {

enum class Strategy : std::uint8_t {
  kSluice,              ///< best score, then bin-packing
  kFirstFitRandomNode,  ///< upstream: first-fit devices, random feasible node (seeded)
  kFirstFitFirstNode,   ///< first-fit devices on the first feasible node by name
};

struct ClusterOptions {
  /// Stop looking after this many nodes where the claims fit, and take the best of them
  /// (Kubernetes likewise scores only a share of the feasible nodes in big clusters). 0 = all.
  std::size_t feasible_nodes_to_score = 64;
  /// Only this node (`sluice dra allocate --node`); empty = every node.
  std::string only_node;
  Strategy strategy = Strategy::kSluice;
  std::uint64_t seed = 1;  ///< kFirstFitRandomNode
};

/// One decision: a pod's claims (or one claim without a pod) and where they went.
struct Placement {
  std::string pod;                  ///< "ns/name", empty for a claim no pod uses
  std::vector<std::string> claims;  ///< "ns/name" of each claim, in the pod's order
  bool allocated = false;
  std::string node;    ///< when allocated
  std::string reason;  ///< when not: one line, from the node that came closest
  SolverScore score;
  std::vector<AllocationResult> results;  ///< when allocated: per claim
};

/// The allocation state of a cluster and the decisions made on it.
class ClusterScheduler {
 public:
  /// `inventory` must outlive the scheduler. Allocations present in the input are taken.
  ClusterScheduler(const Inventory& inventory, const ClusterOptions& options = {});

  /// Places `claims` together on one node (`pinned`: only that node; `must_match`: node
  /// selectors of claims the pod already holds). Errors are fatal input problems.
  Result<Placement> place(const std::string& pod, const std::vector<const ResourceClaim*>& claims,
                          const std::string* pinned = nullptr,
                          const std::vector<const NodeSelector*>& must_match = {});
  /// Gives back the devices of an allocated placement (a gang that did not fit as a whole).
  void release(const Placement& placement);

  /// Whether `claims` would fit on `node` now (nothing is taken).
  Result<bool> fits(const Node& node, const std::vector<const ResourceClaim*>& claims);

  const AllocatedDevices& allocated() const { return allocated_; }
  const std::vector<const Node*>& nodes() const { return nodes_; }  ///< by name
  /// Devices per node (in nodes() order): all, and still free.
  const std::vector<std::int64_t>& device_counts() const { return total_; }
  const std::vector<std::int64_t>& free_counts() const { return free_; }
  NodeAllocator& node_allocator() { return allocator_; }
  std::uint64_t solver_steps() const { return solver_steps_; }
  std::size_t nodes_tried() const { return nodes_tried_; }

 private:
  void take(const AllocationResult& allocation);
  void count_free_devices();

  ClusterOptions options_;
  NodeAllocator allocator_;
  std::vector<const Node*> nodes_;
  AllocatedDevices allocated_;
  std::vector<std::int64_t> total_;  ///< per node
  std::vector<std::int64_t> free_;   ///< per node
  std::map<std::string, std::vector<std::size_t>, std::less<>> nodes_of_device_;
  std::mt19937_64 random_;
  std::uint64_t solver_steps_ = 0;
  std::size_t nodes_tried_ = 0;
};

struct ClusterResult {
  /// Every claim that was pending, with status.allocation set when it was allocated.
  std::vector<ResourceClaim> claims;
  std::vector<Placement> placements;
  std::uint64_t solver_steps = 0;
  std::size_t nodes_tried = 0;
};

/// Allocates every unallocated claim of `inventory`. Errors are fatal input problems (a dangling
/// claim reference, an unknown class, a CEL error), named by object.
Result<ClusterResult> allocate_cluster(const Inventory& inventory,
                                       const ClusterOptions& options = {});

/// Claims allocated by earlier decisions of a run (the input's own allocations are on the claims).
using PlacedClaims = std::map<const ResourceClaim*, AllocationResult>;

/// One claim of a pod: still to allocate (appended to `pending`), or allocated already (in the
/// input or in `placed`), in which case the pod's other claims must go where its node selector
/// allows (appended to `must_match`).
void sort_pod_claim(const ResourceClaim* claim, const PlacedClaims& placed,
                    std::vector<const ResourceClaim*>& pending,
                    std::vector<const NodeSelector*>& must_match);

/// The fewest devices `claims` can be served with (All counts as one, a prioritized list as its
/// smallest alternative).
std::int64_t least_devices(const std::vector<const ResourceClaim*>& claims);

}  // namespace sluice::dra
