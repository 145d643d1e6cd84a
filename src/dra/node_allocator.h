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
#include <string_view>
#include <vector>

namespace sluice::dra {

/// Kubernetes' AllocationResultsMaxSize: a claim needing more devices cannot be allocated.
inline constexpr std::int64_t kMaxDevicesPerClaim = 32;

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

/// Whether constraint `c` binds request `request` when it is served by `alternative` ("req", or
/// "req/sub" for a firstAvailable entry): an empty request list binds every request.
bool constraint_binds(const DeviceConstraint& c, std::string_view request,
                      std::string_view alternative);

/// Why a device is not a candidate for a request (`sluice dra explain`), in the order checked.
enum class Rejection : std::uint8_t {
  kClassSelector,    ///< a DeviceClass selector is false
  kRequestSelector,  ///< a request selector is false
  kSelectorError,    ///< a selector failed to evaluate (fatal in Kubernetes)
  kTaint,            ///< a NoSchedule / NoExecute taint no toleration covers
  kCapacity,         ///< capacity.requests exceed the device's capacity
  kInUse,            ///< allocated to another claim
  kCounters,         ///< consumes more of a shared counter than is left
};
std::string_view rejection_name(Rejection r);

struct DeviceRejection {
  std::uint32_t device = 0;  ///< index into NodeTrace::devices.devices
  Rejection why = Rejection::kClassSelector;
  std::string detail;  ///< the selector, taint, counter or holder concerned
};

/// One way to serve a request (`exactly`, or one `firstAvailable` entry), as explain sees it.
struct AlternativeTrace {
  std::size_t claim = 0;  ///< index into the claims given to allocate()
  std::string name;       ///< "req" or "req/sub"
  std::string device_class;
  std::int64_t count = 1;
  bool all = false;
  std::vector<std::uint32_t> candidates;  ///< passed every check
  std::vector<DeviceRejection> rejected;
  std::string impossible;  ///< non-empty: cannot be served at all (why)
};

/// What allocate() saw on one node: filled only when the caller asks (explain), so that the
/// allocation path pays nothing for it. With a trace, selector errors are recorded per device
/// instead of ending the call.
struct NodeTrace {
  /// Input: who holds each allocated device ("driver/pool/device" -> "claim ns/name").
  const std::map<std::string, std::string, std::less<>>* holders = nullptr;
  NodeDevices devices;
  std::vector<AlternativeTrace> alternatives;  ///< every alternative of every request, in order
  /// Per firstAvailable combination tried: the result request names and why they did not fit.
  std::vector<std::string> attempts;
};

class NodeAllocator {
 public:
  /// `inventory` must outlive the allocator (device views and selectors point into it).
  explicit NodeAllocator(const Inventory& inventory);

  /// Allocates `claims` together on `node`, next to the `allocated` devices. An error is fatal,
  /// as in Kubernetes: an unknown device class, a CEL compile error, a CEL runtime error or a
  /// non-bool selector result. Not fitting is an outcome with a reason, not an error.
  /// With `trace`, also records why each device was or was not a candidate (see NodeTrace).
  Result<NodeOutcome> allocate(const Node& node, std::span<const ResourceClaim* const> claims,
                               const AllocatedDevices& allocated, NodeTrace* trace = nullptr);

  /// Searches first-fit, as Kubernetes does (first_fit.h), instead of by score.
  void use_first_fit(bool on) { first_fit_ = on; }

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
  bool first_fit_ = false;
};

}  // namespace sluice::dra
