// `sluice dra plan`: places a queue of Workloads (sluice.dev/v1alpha1: claim templates x
// replicas, optional all-or-nothing gangs, priorities) on a cluster, once with Sluice's allocator
// and once per first-fit baseline that behaves like the upstream scheduler, and reports
// placements, utilisation, topology spread and stranded devices side by side.
//
// Order: higher priority first, input order among equals. Replica i of workload W is a pod
// `W-i` whose template entries become claims `W-i-<entry>`; a named claim is shared by every
// replica (allocated once, and the replicas follow its node). A gang is placed replica by
// replica and given back whole when one replica does not fit.
//
// Stranded devices for W: free devices on nodes where one more replica of W no longer fits
// (capacity that exists but cannot serve that shape of request).
#pragma once

#include "core/result.h"
#include "dra/cluster.h"
#include "dra/model.h"

#include <cstdint>
#include <string>
#include <vector>

namespace sluice::dra {

struct PlanOptions {
  std::uint64_t seed = 1;  ///< the random-node baseline's tie-breaks
};

struct WorkloadOutcome {
  std::string workload;  ///< "ns/name"
  std::int64_t placed = 0;
  std::vector<std::string> nodes;  ///< per placed replica
  std::string reason;              ///< why the first replica that did not fit did not
};

struct StrategyReport {
  std::string name;
  std::vector<WorkloadOutcome> workloads;  ///< in placement order
  std::vector<Placement> placements;       ///< every pod placed, in order
  std::int64_t pods_placed = 0;
  std::int64_t devices_allocated = 0;  ///< by the plan (not counting the input's allocations)
  std::int64_t devices_free = 0;       ///< left over
  std::int64_t devices_total = 0;      ///< on every node
  /// Pods spanning more NUMA nodes (PCIe roots) than the node's group sizes require.
  std::int64_t pods_over_numa = 0;
  std::int64_t pods_over_pcie = 0;
  std::vector<std::int64_t> stranded;  ///< per workload (in placement order)
  std::uint64_t solver_steps = 0;
  double seconds = 0;
};

struct PlanReport {
  std::vector<const Workload*> order;  ///< placement order
  std::int64_t pods_total = 0;
  std::int64_t devices_total = 0;
  std::vector<StrategyReport> strategies;  ///< Sluice first, then the baselines
};

/// Places inventory.workloads with each strategy. Errors: no workloads, dangling template or
/// claim references (named by workload and field), fatal CEL errors.
Result<PlanReport> plan_workloads(const Inventory& inventory, const PlanOptions& options = {});

/// The report as the text `sluice dra plan` prints.
std::string format_plan(const PlanReport& report);

}  // namespace sluice::dra
