// The allocation search for one node, on a compact index-based problem: which devices serve which
// request of a set of claims, given the candidates each request's selectors left, devices already
// in use, matchAttribute / distinctAttribute constraints and shared counters (partitionable
// devices). Pure and deterministic: no CEL, no YAML, no clock.
//
// It gives Kubernetes' yes/no answer (a solution exists iff the upstream depth-first search would
// find one) without its exponential cases: counting bounds reject impossible requests before any
// search, matchAttribute constraints branch on the shared value first, and devices inside a request
// are taken as combinations, not permutations. Among solutions it returns the best by the score
// documented on SolverScore (docs/dra-design.md).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace sluice::dra {

/// The value id of a device that lacks a constraint's attribute.
inline constexpr std::uint32_t kMissingValue = std::numeric_limits<std::uint32_t>::max();

struct SolverRequest {
  /// Devices the request's class and selectors accept (indices < device_count, any order).
  std::vector<std::uint32_t> candidates;
  /// How many devices to allocate (allocationMode ExactCount).
  std::uint32_t count = 1;
  /// allocationMode All: every candidate, which must all be free; at least one.
  bool all = false;
  /// Admin access: devices in use by other claims may be allocated again.
  bool admin_access = false;
};

struct SolverConstraint {
  /// Requests (indices into SolverProblem::requests) the constraint applies to.
  std::vector<std::uint32_t> requests;
  /// Per device, the interned value of the constrained attribute, or kMissingValue.
  std::vector<std::uint32_t> value_of_device;
  /// false: matchAttribute (all the same value); true: distinctAttribute (all different).
  bool distinct = false;
};

/// What a device takes from a shared counter (partitionable devices), in exact integer units.
struct CounterUse {
  std::uint32_t counter = 0;
  std::int64_t amount = 0;
};

struct SolverLabels {
  /// Per SolverProblem::requests, its name ("gpus", "gpus/h100"), shown as "request gpus".
  /// Pointers, so that naming the requests of every attempt costs no allocation.
  std::vector<const std::string*> requests;
  std::vector<std::string> constraints;  ///< "matchAttribute gpu.nvidia.com/pcieRoot"
  std::vector<std::string> counters;     ///< "counter gpu-0-counters/memory (in thousandths)"
};

struct SolverProblem {
  std::uint32_t device_count = 0;
  /// Per device: allocated to another claim already (empty = none in use).
  std::vector<bool> in_use;
  /// Per device: the counters it consumes (empty = none).
  std::vector<std::vector<CounterUse>> consumes;
  /// Per counter: what is left for this allocation.
  std::vector<std::int64_t> counter_available;
  /// Per device: topology keys from the widest level to the narrowest (for example NVLink clique,
  /// NUMA node, pcieRoot, parent GPU), interned per level; every device has the same number of
  /// levels. Empty = no topology preference.
  std::vector<std::vector<std::uint32_t>> topology;
  std::vector<SolverRequest> requests;
  std::vector<SolverConstraint> constraints;
  /// Names used in SolverResult::reason (optional; without them requests, constraints and
  /// counters are named by index). Must outlive solve().
  const SolverLabels* labels = nullptr;
  /// Search nodes to spend looking for a better solution once one is found.
  std::uint64_t improve_budget = 20'000;
  /// Search nodes after which the search gives up without an answer (Kubernetes has a 10 s
  /// timeout for the same purpose).
  std::uint64_t hard_limit = 5'000'000;
};

/// Lower is better, compared lexicographically: per topology level, the number of distinct keys
/// the allocation spans; then the number of narrowest-level groups (parents) it starts using that
/// no device in use touched before (fragmentation).
using SolverScore = std::vector<std::uint32_t>;

struct SolverResult {
  enum class Outcome : std::uint8_t { kAllocated, kInfeasible, kGaveUp };
  Outcome outcome = Outcome::kInfeasible;
  /// kAllocated: per request, its devices in increasing index order.
  std::vector<std::vector<std::uint32_t>> devices;
  SolverScore score;
  /// Search nodes visited: a machine-independent measure of the work done.
  std::uint64_t steps = 0;
  /// kInfeasible / kGaveUp: why, in one line (`request 0: 7 free candidates, needs 8`).
  std::string reason;
};

SolverResult solve(const SolverProblem& problem);

}  // namespace sluice::dra
