#include "dra/plan.h"

#include "dra/claim_index.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <utility>

namespace sluice::dra {
namespace {

/// One strategy's run over the queue.
class PlanRun {
 public:
  PlanRun(const Inventory& inventory, const std::vector<const Workload*>& order,
          const ClusterOptions& options)
      : order_(order), index_(inventory), scheduler_(inventory, options) {}

  Result<StrategyReport> run(std::string name) {
    const auto start = std::chrono::steady_clock::now();
    report_.name = std::move(name);
    for (const Workload* w : order_) {
      auto outcome = place_workload(*w);
      if (!outcome.ok()) return std::move(outcome).error();
      report_.workloads.push_back(std::move(*outcome));
    }
    for (const Workload* w : order_) {
      auto stranded = stranded_for(*w);
      if (!stranded.ok()) return std::move(stranded).error();
      report_.stranded.push_back(*stranded);
    }
    for (std::int64_t free : scheduler_.free_counts()) report_.devices_free += free;
    for (std::int64_t all : scheduler_.device_counts()) report_.devices_total += all;
    report_.solver_steps = scheduler_.solver_steps();
    report_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return std::move(report_);
  }

 private:
  /// The claims of replica `i` of `w` still to allocate, and node selectors of shared claims
  /// already allocated.
  Result<std::vector<const ResourceClaim*>> replica_claims(
      const Workload& w, const std::string& pod, std::vector<const NodeSelector*>& must_match) {
    std::vector<const ResourceClaim*> out;
    for (std::size_t e = 0; e < w.resource_claims.size(); ++e) {
      const PodResourceClaim& entry = w.resource_claims[e];
      const std::string field =
          "Workload " + display_name(w.meta) + ": spec.resourceClaims[" + std::to_string(e) + "]";
      if (entry.resource_claim_name) {
        const ResourceClaim* c = index_.find(object_key(w.meta.ns, *entry.resource_claim_name));
        if (c == nullptr) {
          return make_error(ErrorCode::kInvalidArgument,
                            field + ".resourceClaimName: ResourceClaim " +
                                object_key(w.meta.ns, *entry.resource_claim_name) + " not found");
        }
        named_.insert(c);
        sort_pod_claim(c, shared_, out, must_match);
        continue;
      }
      const std::string key = object_key(w.meta.ns, *entry.resource_claim_template_name);
      const ResourceClaimTemplate* t = index_.find_template(key);
      if (t == nullptr) {
        return make_error(
            ErrorCode::kInvalidArgument,
            field + ".resourceClaimTemplateName: ResourceClaimTemplate " + key + " not found");
      }
      out.push_back(index_.generate(*t, w.meta.ns, pod + "-" + entry.name));
    }
    return out;
  }

  Result<WorkloadOutcome> place_workload(const Workload& w) {
    WorkloadOutcome outcome;
    outcome.workload = display_name(w.meta);
    std::vector<Placement> placed;
    std::vector<const ResourceClaim*> newly_shared;
    for (std::int64_t i = 0; i < w.replicas; ++i) {
      const std::string pod = w.meta.name + "-" + std::to_string(i);
      std::vector<const NodeSelector*> must_match;
      auto claims = replica_claims(w, pod, must_match);
      if (!claims.ok()) return std::move(claims).error();
      auto placement = scheduler_.place(object_key(w.meta.ns, pod), *claims, nullptr, must_match);
      if (!placement.ok()) return std::move(placement).error();
      if (!placement->allocated) {
        if (outcome.reason.empty()) {
          outcome.reason = "replica " + std::to_string(i) + ": " + placement->reason;
        }
        if (w.gang) break;
        continue;
      }
      for (std::size_t c = 0; c < claims->size(); ++c) {
        if (!is_shared((*claims)[c])) continue;
        shared_[(*claims)[c]] = placement->results[c];
        newly_shared.push_back((*claims)[c]);
      }
      placed.push_back(std::move(*placement));
    }
    if (w.gang && static_cast<std::int64_t>(placed.size()) < w.replicas) {
      for (const Placement& p : placed) scheduler_.release(p);
      for (const ResourceClaim* c : newly_shared) shared_.erase(c);
      outcome.reason = "gang of " + std::to_string(w.replicas) + " given back (" +
                       std::to_string(placed.size()) + " fitted); " + outcome.reason;
      return outcome;
    }
    for (Placement& p : placed) {
      outcome.nodes.push_back(p.node);
      ++report_.pods_placed;
      std::int64_t devices = 0;
      for (const AllocationResult& r : p.results)
        devices += static_cast<std::int64_t>(r.results.size());
      report_.devices_allocated += devices;
      const auto& needed = least_groups(p.node, devices);
      if (p.score.size() > 1 && p.score[0] > needed[0]) ++report_.pods_over_numa;
      if (p.score.size() > 1 && p.score[1] > needed[1]) ++report_.pods_over_pcie;
      report_.placements.push_back(std::move(p));
    }
    outcome.placed = static_cast<std::int64_t>(outcome.nodes.size());
    return outcome;
  }

  /// The fewest NUMA nodes and PCIe roots that `devices` devices of `node` can span (from the
  /// sizes of its groups, used or not): a pod spanning more was spread needlessly.
  std::array<std::uint32_t, 2> least_groups(const std::string& node_name, std::int64_t devices) {
    const Node* node = nullptr;
    for (const Node* n : scheduler_.nodes()) {
      if (n->meta.name == node_name) node = n;
    }
    auto& sizes = group_sizes_[node_name];
    if (sizes[0].empty() && node != nullptr) {
      const NodeDevices all =
          devices_for_node(scheduler_.node_allocator().slices_for(*node), *node);
      static constexpr const char* kKeys[] = {"resource.kubernetes.io/numaNode",
                                              "resource.kubernetes.io/pcieRoot"};
      for (std::size_t level = 0; level < 2; ++level) {
        std::map<std::string, std::int64_t> groups;
        for (std::size_t i = 0; i < all.devices.size(); ++i) {
          const NodeDevice& d = all.devices[i];
          const DeviceAttribute* a =
              device_attribute(*d.device, all.pools[d.pool].driver, kKeys[level]);
          ++groups[a ? attribute_text(*a) : "device " + std::to_string(i)];
        }
        for (const auto& [key, size] : groups) sizes[level].push_back(size);
        std::sort(sizes[level].rbegin(), sizes[level].rend());
      }
    }
    std::array<std::uint32_t, 2> out{1, 1};
    for (std::size_t level = 0; level < 2; ++level) {
      std::int64_t covered = 0;
      std::uint32_t k = 0;
      for (std::int64_t size : sizes[level]) {
        if (covered >= devices) break;
        covered += size;
        ++k;
      }
      out[level] = std::max<std::uint32_t>(k, 1);
    }
    return out;
  }

  bool is_shared(const ResourceClaim* c) const { return named_.count(c) > 0; }

  /// Free devices on nodes where one more replica of `w` (its template claims) does not fit.
  Result<std::int64_t> stranded_for(const Workload& w) {
    std::vector<const ResourceClaim*> probe;
    for (const PodResourceClaim& entry : w.resource_claims) {
      if (!entry.resource_claim_template_name) continue;
      const ResourceClaimTemplate* t =
          index_.find_template(object_key(w.meta.ns, *entry.resource_claim_template_name));
      if (t != nullptr) probe.push_back(index_.generate(*t, w.meta.ns, w.meta.name + "-probe"));
    }
    if (probe.empty()) return 0;
    std::int64_t stranded = 0;
    const std::int64_t least = least_devices(probe);
    for (std::size_t n = 0; n < scheduler_.nodes().size(); ++n) {
      const std::int64_t free = scheduler_.free_counts()[n];
      if (free == 0) continue;
      bool fits = false;
      if (free >= least) {
        auto r = scheduler_.fits(*scheduler_.nodes()[n], probe);
        if (!r.ok()) return std::move(r).error();
        fits = *r;
      }
      if (!fits) stranded += free;
    }
    return stranded;
  }

  const std::vector<const Workload*>& order_;
  ClaimIndex index_;
  ClusterScheduler scheduler_;
  PlacedClaims shared_;  ///< named claims allocated for an earlier replica
  std::map<std::string, std::array<std::vector<std::int64_t>, 2>> group_sizes_;  ///< per node
  std::set<const ResourceClaim*> named_;  ///< claims workloads share by resourceClaimName
  StrategyReport report_;
};

}  // namespace

Result<PlanReport> plan_workloads(const Inventory& inventory, const PlanOptions& options) {
  if (inventory.workloads.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "no Workloads in the input (kind: Workload, apiVersion: sluice.dev/v1alpha1; "
                      "see examples/dra/workload.yaml)");
  }
  PlanReport report;
  for (const Workload& w : inventory.workloads) {
    report.order.push_back(&w);
    report.pods_total += w.replicas;
  }
  std::stable_sort(report.order.begin(), report.order.end(),
                   [](const Workload* a, const Workload* b) { return a->priority > b->priority; });
  const struct {
    const char* name;
    Strategy strategy;
  } strategies[] = {{"sluice", Strategy::kSluice},
                    {"first-fit, random node", Strategy::kFirstFitRandomNode},
                    {"first-fit, first node", Strategy::kFirstFitFirstNode}};
  for (const auto& s : strategies) {
    ClusterOptions cluster;
    cluster.strategy = s.strategy;
    cluster.seed = options.seed;
    cluster.feasible_nodes_to_score = 0;
    PlanRun run(inventory, report.order, cluster);
    auto result = run.run(s.name);
    if (!result.ok()) return std::move(result).error();
    report.strategies.push_back(std::move(*result));
  }
  report.devices_total = report.strategies.front().devices_total;
  return report;
}

namespace {

/// Rows of cells printed as left-aligned columns.
class Table {
 public:
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  void write(std::ostringstream& out) const {
    std::vector<std::size_t> width;
    for (const auto& r : rows_) {
      width.resize(std::max(width.size(), r.size()), 0);
      for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
    }
    for (const auto& r : rows_) {
      std::string line;
      for (std::size_t i = 0; i < r.size(); ++i) {
        line += r[i];
        if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 3, ' ');
      }
      out << "  " << line << "\n";
    }
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

std::string percent(std::int64_t part, std::int64_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", whole == 0 ? 0.0 : 100.0 * part / whole);
  return buf;
}

std::string describe(const Workload& w) {
  std::string out = display_name(w.meta) + " (priority " + std::to_string(w.priority) + ", ";
  if (w.gang) return out + "gang of " + std::to_string(w.replicas) + ")";
  return out + std::to_string(w.replicas) + (w.replicas == 1 ? " replica)" : " replicas)");
}

}  // namespace

std::string format_plan(const PlanReport& report) {
  std::ostringstream out;
  const auto& strategies = report.strategies;
  out << "Plan: " << report.order.size() << " workloads, " << report.pods_total << " pods, on "
      << report.devices_total << " devices.\n\n";
  Table summary;
  std::vector<std::string> header{""};
  for (const StrategyReport& s : strategies) header.push_back(s.name);
  summary.row(header);
  auto metric = [&](const std::string& name, auto value) {
    std::vector<std::string> row{name};
    for (const StrategyReport& s : strategies) row.push_back(value(s));
    summary.row(std::move(row));
  };
  metric("pods placed", [&](const StrategyReport& s) {
    return std::to_string(s.pods_placed) + " of " + std::to_string(report.pods_total);
  });
  metric("devices allocated", [&](const StrategyReport& s) {
    return std::to_string(s.devices_allocated) + " (" +
           percent(s.devices_allocated, report.devices_total) + ")";
  });
  metric("devices left free",
         [](const StrategyReport& s) { return std::to_string(s.devices_free); });
  for (std::size_t w = 0; w < report.order.size(); ++w) {
    metric("stranded for " + display_name(report.order[w]->meta),
           [w](const StrategyReport& s) { return std::to_string(s.stranded[w]); });
  }
  metric("pods over more NUMA nodes than needed",
         [](const StrategyReport& s) { return std::to_string(s.pods_over_numa); });
  metric("pods over more PCIe roots than needed",
         [](const StrategyReport& s) { return std::to_string(s.pods_over_pcie); });
  metric("solver steps", [](const StrategyReport& s) { return std::to_string(s.solver_steps); });
  metric("time", [](const StrategyReport& s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f ms", s.seconds * 1e3);
    return std::string(buf);
  });
  summary.write(out);
  out << "\n(stranded for W: free devices on nodes where one more replica of W does not fit)\n";
  out << "\nPlacements, in priority order:\n";
  for (std::size_t w = 0; w < report.order.size(); ++w) {
    out << describe(*report.order[w]) << "\n";
    Table rows;
    for (const StrategyReport& s : strategies) {
      const WorkloadOutcome& o = s.workloads[w];
      std::string text = std::to_string(o.placed) + "/" + std::to_string(report.order[w]->replicas);
      if (!o.nodes.empty()) {
        std::map<std::string, int> per_node;
        std::vector<std::string> order;
        for (const std::string& n : o.nodes) {
          if (per_node[n]++ == 0) order.push_back(n);
        }
        text += " on ";
        for (std::size_t i = 0; i < order.size(); ++i) {
          text += (i ? ", " : "") + order[i];
          if (per_node[order[i]] > 1) text += " x" + std::to_string(per_node[order[i]]);
        }
      }
      if (!o.reason.empty()) text += (o.nodes.empty() ? ": " : "; ") + o.reason;
      rows.row({s.name, text});
    }
    rows.write(out);
  }
  return out.str();
}

}  // namespace sluice::dra
