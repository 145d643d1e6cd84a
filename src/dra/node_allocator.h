// Allocating a set of claims on one node: turns the objects into the solver's index-based problem
// (devices the node can use, candidates per request after class and request selectors, taints and
// tolerations, capacity requests, constraints on attribute values, shared counters, topology keys),
// solves it, and writes the result in the v1 `status.allocation` form.
//
// Prioritized lists (`firstAvailable`) are tried in Kubernetes' order: the first alternative of
// every request first, then the next alternative of the last request, and so on; the first
// combination that fits wins, and its result names the subrequest (`req/sub`).
#pragma once

#include "core/result.h"
#include "dra/model.h"
#include "dra/pools.h"
#include "dra/selectors.h"
#include "dra/solver.h"

#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

namespace sluice::dra {

/// Devices allocated so far, by "driver/pool/device" (see device_id()).
using AllocatedDevices = std::set<std::string, std::less<>>;

struct NodeOutcome {
  bool allocated = false;
  /// Per claim, in the order given: the allocation (when allocated).
  std::vector<AllocationResult> results;
  /// Why not, in one line (when not allocated).
  std::string reason;
  SolverScore score;
  std::uint64_t steps = 0;  ///< solver search steps, over every firstAvailable combination tried
};

class NodeAllocator {
 public:
  /// `inventory` must outlive the allocator (device views and selectors point into it).
  explicit NodeAllocator(const Inventory& inventory);

  /// Allocates `claims` together on `node`, next to the `allocated` devices. An error is fatal,
  /// as in Kubernetes: an unknown device class, a CEL compile error, a CEL runtime error or a
  /// non-bool selector result. Not fitting is an outcome with a reason, not an error.
  Result<NodeOutcome> allocate(const Node& node, std::span<const ResourceClaim* const> claims,
                               const AllocatedDevices& allocated);

  /// The slices that may apply to `node`: those naming it plus those that select nodes.
  std::vector<const ResourceSlice*> slices_for(const Node& node) const;

 private:
  const DeviceView& view_of(const std::string& driver, const Device& device);

  const Inventory& inventory_;
  std::map<std::string, const DeviceClass*, std::less<>> classes_;
  std::map<std::string, std::vector<const ResourceSlice*>, std::less<>> slices_by_node_;
  std::vector<const ResourceSlice*> selecting_slices_;  ///< nodeSelector, allNodes, per device
  SelectorCache selectors_;
  std::map<const Device*, std::unique_ptr<DeviceView>> views_;
  /// Selector results per (device, selector) for the allocator's lifetime: they do not depend on
  /// what is allocated, and the views and compiled selectors they point at live as long.
  SelectorMemo memo_;
};

}  // namespace sluice::dra
