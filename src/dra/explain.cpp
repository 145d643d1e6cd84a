#include "dra/explain.h"

#include "dra/claim_index.h"
#include "dra/cluster.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

namespace sluice::dra {
namespace {

struct NodeReport {
  const Node* node = nullptr;
  std::string skipped;  ///< why the node was not tried at all
  NodeOutcome outcome;
  NodeTrace trace;
};

/// "a, b, c and 4 more".
std::string join_names(const std::vector<std::string>& names, std::size_t limit = 12) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < limit; ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  if (names.size() > limit) out += " and " + std::to_string(names.size() - limit) + " more";
  return out;
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string device_name(const NodeDevices& devices, std::uint32_t i) {
  const NodeDevice& d = devices.devices[i];
  if (devices.pools.size() == 1) return d.device->name;
  return devices.pools[d.pool].name + "/" + d.device->name;
}

std::string rejection_text(Rejection why, const std::string& detail) {
  std::string text(rejection_name(why));
  switch (why) {
    case Rejection::kInUse:
      return text + " " + detail;
    case Rejection::kClassSelector:
    case Rejection::kRequestSelector:
      return text + ": `" + detail + "`";
    default:
      return text + ": " + detail;
  }
}

/// The solver score in words: distinct keys per topology level, then fragmentation.
std::string score_text(const SolverScore& score) {
  static constexpr const char* kLevels[][2] = {
      {"NUMA node", "NUMA nodes"}, {"PCIe root", "PCIe roots"}, {"parent", "parents"}};
  std::string out = "spans ";
  for (std::size_t i = 0; i < score.size() && i < 3; ++i) {
    if (i > 0) out += ", ";
    out += plural(score[i], kLevels[i][0], kLevels[i][1]);
  }
  if (score.size() > 3) {
    out += "; starts using " + plural(score[3], "untouched parent", "untouched parents");
  }
  return out;
}

/// How many devices the first alternatives of a node's requests could use (closeness).
std::size_t candidate_total(const NodeTrace& trace) {
  std::size_t n = 0;
  for (const AlternativeTrace& a : trace.alternatives) n += a.candidates.size();
  return n;
}

/// A reason with its numbers blanked, so that nodes failing the same way group together.
std::string reason_shape(const std::string& reason) {
  std::string out;
  for (char c : reason) {
    if (c >= '0' && c <= '9') {
      if (out.empty() || out.back() != '#') out += '#';
    } else {
      out += c;
    }
  }
  return out;
}

class Explainer {
 public:
  Explainer(const Inventory& inventory, const ExplainOptions& options)
      : inventory_(inventory), options_(options), index_(inventory) {}

  Result<Explanation> run(std::string_view key) {
    if (auto found = find_claim(key); !found.ok()) return std::move(found).error();
    std::ostringstream out;
    const std::string name = "ResourceClaim " + display_name(claim_->meta);
    if (claim_->status.allocation) {
      out << name << " is already allocated: " << devices_of(*claim_->status.allocation) << "\n";
      return Explanation{true, out.str()};
    }
    ClusterOptions cluster;
    cluster.only_node = options_.node;
    ClusterScheduler scheduler(inventory_, cluster);
    std::map<std::string, std::string, std::less<>> holders;
    for (const ResourceClaim& c : inventory_.resource_claims) {
      if (!c.status.allocation) continue;
      for (const DeviceRequestAllocationResult& r : c.status.allocation->results) {
        holders[device_id(r.driver, r.pool, r.device)] = "claim " + display_name(c.meta);
      }
    }
    std::vector<NodeReport> reports;
    for (const Node* node : scheduler.nodes()) {
      if (!options_.node.empty() && node->meta.name != options_.node) continue;
      NodeReport& report = reports.emplace_back();
      report.node = node;
      report.skipped = why_skipped(*node);
      if (!report.skipped.empty()) continue;
      report.trace.holders = &holders;
      auto outcome =
          scheduler.node_allocator().allocate(*node, claims_, scheduler.allocated(), &report.trace);
      if (!outcome.ok()) return std::move(outcome).error();
      report.outcome = std::move(*outcome);
      if (report.trace.devices.devices.empty()) report.skipped = "no devices on this node";
    }
    if (reports.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        options_.node.empty() ? "the input has no Nodes"
                                              : "--node " + options_.node + ": no such Node");
    }
    // A selector error ends the claim's allocation in Kubernetes, whatever other devices match.
    const bool selector_error = std::any_of(reports.begin(), reports.end(), [](const auto& r) {
      return std::any_of(
          r.trace.alternatives.begin(), r.trace.alternatives.end(), [](const AlternativeTrace& a) {
            return std::any_of(a.rejected.begin(), a.rejected.end(),
                               [](auto& x) { return x.why == Rejection::kSelectorError; });
          });
    });
    bool allocatable = false;
    if (!selector_error) {
      const std::string* pinned = pod_ != nullptr && pod_->node_name ? &*pod_->node_name : nullptr;
      auto placement =
          scheduler.place(pod_ ? display_name(pod_->meta) : "", claims_, pinned, must_match_);
      if (!placement.ok()) return std::move(placement).error();
      allocatable = placement->allocated;
      if (allocatable) write_allocatable(out, name, *placement, reports);
    }
    if (!allocatable) write_cause(out, name, reports);
    write_nodes(out, reports);
    return Explanation{allocatable, out.str()};
  }

 private:
  /// The claim, the pod that uses it (if any) and the claims to allocate with it.
  Status find_claim(std::string_view key) {
    claim_ = index_.find(key);
    for (const Pod& pod : inventory_.pods) {
      auto claims = index_.claims_of(pod);
      if (!claims.ok()) return std::move(claims).error();
      if (claim_ == nullptr) claim_ = index_.find(key);  // generated from a template just now
      if (claim_ == nullptr || std::find(claims->begin(), claims->end(), claim_) == claims->end()) {
        continue;
      }
      pod_ = &pod;
      for (const ResourceClaim* c : *claims) sort_pod_claim(c, {}, claims_, must_match_);
      return {};
    }
    if (claim_ == nullptr) {
      std::vector<std::string> known;
      for (const ResourceClaim& c : inventory_.resource_claims)
        known.push_back(display_name(c.meta));
      return make_error(ErrorCode::kInvalidArgument,
                        "ResourceClaim " + std::string(key) + " not found in the input" +
                            (known.empty() ? " (it has no ResourceClaims)"
                                           : " (claims: " + join_names(known, 8) + ")"));
    }
    claims_ = {claim_};
    return {};
  }

  std::string why_skipped(const Node& node) const {
    if (pod_ != nullptr && pod_->node_name && *pod_->node_name != node.meta.name) {
      return "pod " + display_name(pod_->meta) + " is bound to node " + *pod_->node_name;
    }
    for (const NodeSelector* s : must_match_) {
      if (!node_selector_matches(*s, node)) {
        return "another claim of pod " + display_name(pod_->meta) +
               " is allocated with a node selector this node does not match";
      }
    }
    return {};
  }

  /// "request gpus: gpu-0, gpu-1 (driver gpu.nvidia.com, pool node-1)", per request.
  static std::string devices_of(const AllocationResult& allocation) {
    std::vector<std::pair<std::string, std::vector<std::string>>> requests;
    std::set<std::string> sources;
    for (const DeviceRequestAllocationResult& r : allocation.results) {
      if (requests.empty() || requests.back().first != r.request)
        requests.push_back({r.request, {}});
      requests.back().second.push_back(r.device);
      sources.insert("driver " + r.driver + ", pool " + r.pool);
    }
    if (requests.empty()) return "no devices";
    std::string out;
    for (const auto& [request, devices] : requests) {
      out += (out.empty() ? "request " : "; request ") + request + ": " + join_names(devices, 32);
    }
    return out + " (" + join_names({sources.begin(), sources.end()}, 4) + ")";
  }

  void write_allocatable(std::ostringstream& out, const std::string& name,
                         const Placement& placement, const std::vector<NodeReport>& reports) {
    std::vector<std::string> devices;
    for (std::size_t i = 0; i < claims_.size(); ++i) {
      if (claims_[i] == claim_) devices.push_back(devices_of(placement.results[i]));
    }
    out << name << " can be allocated on node " << placement.node << ": " << join_names(devices)
        << "\n";
    std::size_t tied = 0;
    for (const NodeReport& r : reports)
      tied += r.outcome.allocated && r.outcome.score == placement.score;
    if (claims_.size() > 1) {
      out << "It goes together with the other pending claims of pod " << display_name(pod_->meta)
          << " (" << claims_.size() << " claims on one node).\n";
    }
    std::vector<std::string> feasible;
    std::vector<std::string> infeasible;
    for (const NodeReport& r : reports) {
      if (r.outcome.allocated) {
        feasible.push_back(r.node->meta.name + " (" + score_text(r.outcome.score) + ")");
      } else {
        infeasible.push_back(r.node->meta.name);
      }
    }
    out << "Why there: it " << score_text(placement.score)
        << " (the fewest NUMA nodes, PCIe roots and parents win)"
        << (tied > 1 ? "; " + std::to_string(tied) +
                           " nodes tie on that, and this one keeps the fewest devices free (whole "
                           "nodes stay free for large claims)"
                     : "")
        << ".\n";
    out << "Feasible: " << feasible.size() << " of " << reports.size()
        << " nodes: " << join_names(feasible, 8) << "\n";
    if (!infeasible.empty()) out << "Not feasible: " << join_names(infeasible) << "\n";
  }

  void write_cause(std::ostringstream& out, const std::string& name,
                   const std::vector<NodeReport>& reports) {
    out << name << " cannot be allocated on any of " << plural(reports.size(), "node", "nodes")
        << (claims_.size() > 1 ? " (together with the other pending claims of pod " +
                                     display_name(pod_->meta) + ")"
                               : "")
        << ".\n";
    // A selector error decides: Kubernetes stops allocating the claim at the first one.
    for (const NodeReport& r : reports) {
      for (const AlternativeTrace& a : r.trace.alternatives) {
        for (const DeviceRejection& rej : a.rejected) {
          if (rej.why != Rejection::kSelectorError) continue;
          out << "Cause: a selector fails to evaluate, which ends the allocation in Kubernetes: "
              << rej.detail << " (request " << a.name << ", device "
              << device_name(r.trace.devices, rej.device) << " on node " << r.node->meta.name
              << ")\n";
          return write_removals(out, reports);
        }
      }
    }
    // Nodes grouped by how they failed, the largest group first; closest node first in each.
    std::map<std::string, std::vector<const NodeReport*>> groups;
    for (const NodeReport& r : reports) {
      groups[r.skipped.empty() ? reason_shape(r.outcome.reason) : "skipped: " + r.skipped]
          .push_back(&r);
    }
    std::vector<std::vector<const NodeReport*>*> ranked;
    for (auto& [shape, nodes] : groups) {
      std::stable_sort(nodes.begin(), nodes.end(), [](const NodeReport* a, const NodeReport* b) {
        return candidate_total(a->trace) > candidate_total(b->trace);
      });
      ranked.push_back(&nodes);
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto* a, const auto* b) {
      const bool a_skipped = !a->front()->skipped.empty();
      const bool b_skipped = !b->front()->skipped.empty();
      if (a_skipped != b_skipped) return b_skipped;
      return a->size() > b->size();
    });
    bool first = true;
    for (const auto* nodes : ranked) {
      const NodeReport& closest = *nodes->front();
      std::vector<std::string> names;
      for (const NodeReport* r : *nodes) names.push_back(r->node->meta.name);
      out << (first ? "Cause" : "Also") << " on " << plural(nodes->size(), "node", "nodes") << " ("
          << join_names(names, 4) << "): "
          << (closest.skipped.empty() ? closest.outcome.reason : "skipped: " + closest.skipped)
          << "\n";
      first = false;
    }
    write_removals(out, reports);
  }

  /// Over every node tried: per request alternative, how many devices each check removed.
  static void write_removals(std::ostringstream& out, const std::vector<NodeReport>& reports) {
    std::map<std::string, std::map<std::string, std::size_t>> by_alternative;
    std::vector<std::string> order;
    for (const NodeReport& r : reports) {
      for (const AlternativeTrace& a : r.trace.alternatives) {
        if (!by_alternative.contains(a.name)) order.push_back(a.name);
        auto& counts = by_alternative[a.name];
        for (const DeviceRejection& rej : a.rejected) ++counts[rejection_text(rej.why, rej.detail)];
      }
    }
    for (const std::string& alt : order) {
      const auto& counts = by_alternative[alt];
      if (counts.empty()) continue;
      std::vector<std::pair<std::size_t, std::string>> ranked;
      for (const auto& [text, n] : counts) ranked.emplace_back(n, text);
      std::stable_sort(ranked.begin(), ranked.end(),
                       [](const auto& a, const auto& b) { return a.first > b.first; });
      out << "Devices removed from request " << alt << " over all nodes:\n";
      for (const auto& [n, text] : ranked) out << "  " << n << " x " << text << "\n";
    }
  }

  void write_nodes(std::ostringstream& out, const std::vector<NodeReport>& reports) const {
    std::size_t shown = 0;
    for (const NodeReport& r : reports) {
      if (options_.max_nodes != 0 && shown == options_.max_nodes) {
        out << "\n(" << plural(reports.size() - shown, "more node", "more nodes")
            << " not shown; --max-nodes 0 shows all)\n";
        return;
      }
      ++shown;
      out << "\nnode " << r.node->meta.name << ": ";
      if (!r.skipped.empty()) {
        out << "skipped: " << r.skipped << "\n";
        continue;
      }
      out << (r.outcome.allocated ? "fits, " + score_text(r.outcome.score)
                                  : "does not fit: " + r.outcome.reason)
          << "\n";
      const NodeDevices& devices = r.trace.devices;
      for (const AlternativeTrace& a : r.trace.alternatives) {
        std::vector<std::string> names;
        for (std::uint32_t i : a.candidates) names.push_back(device_name(devices, i));
        out << "  request " << a.name << " (class " << a.device_class << ", needs "
            << (a.all ? "all matching devices" : std::to_string(a.count))
            << "): " << plural(a.candidates.size(), "free candidate", "free candidates") << " of "
            << devices.devices.size() << (names.empty() ? "" : ": " + join_names(names)) << "\n";
        if (!a.impossible.empty()) out << "    " << a.impossible << "\n";
        std::map<std::string, std::vector<std::string>> groups;
        std::vector<std::string> order;
        for (const DeviceRejection& rej : a.rejected) {
          const std::string text = rejection_text(rej.why, rej.detail);
          if (!groups.contains(text)) order.push_back(text);
          groups[text].push_back(device_name(devices, rej.device));
        }
        for (const std::string& text : order) {
          out << "    " << text << ": " << join_names(groups[text]) << "\n";
        }
      }
      write_constraint_values(out, r);
      if (r.trace.attempts.size() > 1) {
        out << "  firstAvailable combinations tried, in order:\n";
        for (const std::string& attempt : r.trace.attempts) out << "    " << attempt << "\n";
      }
    }
  }

  /// Per constraint: the attribute's value on each free candidate of the requests it binds.
  void write_constraint_values(std::ostringstream& out, const NodeReport& r) const {
    const NodeDevices& devices = r.trace.devices;
    for (std::size_t c = 0; c < claims_.size(); ++c) {
      for (const DeviceConstraint& con : claims_[c]->spec.constraints) {
        const bool distinct = con.distinct_attribute.has_value();
        const std::string& attribute = distinct ? *con.distinct_attribute : *con.match_attribute;
        std::map<std::string, std::vector<std::string>> by_value;
        std::vector<bool> seen(devices.devices.size(), false);
        for (const AlternativeTrace& a : r.trace.alternatives) {
          const std::string_view request = std::string_view(a.name).substr(0, a.name.find('/'));
          const bool bound = a.claim == c && constraint_binds(con, request, a.name);
          if (!bound) continue;
          for (std::uint32_t i : a.candidates) {
            if (seen[i]) continue;
            seen[i] = true;
            const NodeDevice& d = devices.devices[i];
            const DeviceAttribute* value =
                device_attribute(*d.device, devices.pools[d.pool].driver, attribute);
            by_value[value ? attribute_text(*value) : "(missing)"].push_back(
                device_name(devices, i));
          }
        }
        out << "  constraint " << (distinct ? "distinctAttribute " : "matchAttribute ") << attribute
            << ": ";
        if (by_value.empty()) out << "no free candidates";
        bool first = true;
        for (const auto& [value, names] : by_value) {
          out << (first ? "" : "; ") << value << " on " << join_names(names, 6);
          first = false;
        }
        out << "\n";
      }
    }
  }

  const Inventory& inventory_;
  ExplainOptions options_;
  ClaimIndex index_;
  const ResourceClaim* claim_ = nullptr;
  const Pod* pod_ = nullptr;
  std::vector<const ResourceClaim*> claims_;  ///< pending claims allocated together
  std::vector<const NodeSelector*> must_match_;
};

}  // namespace

Result<Explanation> explain_claim(const Inventory& inventory, std::string_view key,
                                  const ExplainOptions& options) {
  return Explainer(inventory, options).run(key);
}

}  // namespace sluice::dra
