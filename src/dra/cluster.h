// Cluster-level allocation: the claims of one pod go on one node (filter the nodes, allocate on
// each candidate, keep the best by score), claims no pod uses each go on their own, and every
// decision is remembered so the next one sees the devices it took. Claims already allocated in the
// input keep their devices.
#pragma once

#include "core/result.h"
#include "dra/model.h"
#include "dra/node_allocator.h"

#include <cstdint>
#include <string>
#include <vector>

namespace sluice::dra {

struct ClusterOptions {
  /// Stop looking after this many nodes where the claims fit, and take the best of them
  /// (Kubernetes likewise scores only a share of the feasible nodes in big clusters). 0 = all.
  std::size_t feasible_nodes_to_score = 64;
  /// Only this node (`sluice dra allocate --node`); empty = every node.
  std::string only_node;
};

/// One decision: a pod's claims (or one claim without a pod) and where they went.
struct Placement {
  std::string pod;                  ///< "ns/name", empty for a claim no pod uses
  std::vector<std::string> claims;  ///< "ns/name" of each claim, in the pod's order
  bool allocated = false;
  std::string node;    ///< when allocated
  std::string reason;  ///< when not: one line, from the node that came closest
  SolverScore score;
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

}  // namespace sluice::dra
