#include "dra/node_allocator.h"

#include "dra/device_checks.h"
#include "dra/first_fit.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

namespace sluice::dra {
namespace {

/// One way to serve a request: `exactly`, or one `firstAvailable` entry.
struct Alternative {
  std::string name;     ///< "req" or "req/sub": the result's request name
  std::string request;  ///< "req": what constraints and configs name
  std::string device_class;
  const DeviceClass* cls = nullptr;
  const std::vector<std::string>* selectors = nullptr;
  AllocationMode mode = AllocationMode::kExactCount;
  std::int64_t count = 1;
  bool admin_access = false;
  const std::vector<DeviceToleration>* tolerations = nullptr;
  const std::map<std::string, Quantity>* capacity_requests = nullptr;
  std::vector<std::uint32_t> candidates;  ///< device indices
  std::string impossible;                 ///< non-empty: cannot be served at all (why)
};

/// One list of selectors a device must pass, who owns it (for error messages), and the
/// rejection a false result records.
struct SelectorStage {
  const std::string* owner;
  const std::vector<SelectorPtr>* selectors;
  Rejection when_false;
};

struct FlatRequest {
  std::size_t claim = 0;
  std::vector<Alternative> alternatives;
};

std::string attribute_key(const DeviceAttribute& a) {
  switch (a.kind) {
    case DeviceAttribute::Kind::kInt:
      return "i" + std::to_string(a.int_value);
    case DeviceAttribute::Kind::kBool:
      return a.bool_value ? "bt" : "bf";
    case DeviceAttribute::Kind::kString:
      return "s" + a.string_value;
    case DeviceAttribute::Kind::kVersion:
      return "v" + a.string_value;
  }
  return "";
}

/// Interns strings to small ids, per purpose.
class Interner {
 public:
  std::uint32_t id(const std::string& key) {
    return map_.emplace(key, static_cast<std::uint32_t>(map_.size())).first->second;
  }

 private:
  std::unordered_map<std::string, std::uint32_t> map_;
};

/// Moves `choice` to the next firstAvailable combination in Kubernetes' order (the last
/// request's next alternative first); false after the last one.
bool next_combination(const std::vector<FlatRequest>& requests, std::vector<std::size_t>& choice) {
  for (std::size_t r = requests.size(); r > 0; --r) {
    if (++choice[r - 1] < requests[r - 1].alternatives.size()) return true;
    choice[r - 1] = 0;
  }
  return false;
}

/// explain: moves the candidates that are in use, or that need more of a shared counter than is
/// left, from each traced alternative's candidates to its rejections.
void trace_free_devices(const NodeDevices& devices, const SolverProblem& base,
                        const std::vector<bool>& broken, const std::vector<FlatRequest>& requests,
                        const std::vector<std::string>& counter_names, NodeTrace& trace) {
  std::size_t a = 0;
  for (const FlatRequest& request : requests) {
    for (const Alternative& alt : request.alternatives) {
      AlternativeTrace& at = trace.alternatives[a++];
      at.candidates.clear();
      for (std::uint32_t i : alt.candidates) {
        const NodeDevice& d = devices.devices[i];
        const NodePool& pool = devices.pools[d.pool];
        if (base.in_use[i] && !alt.admin_access) {
          std::string holder = "another claim";
          const std::string id = device_id(pool.driver, pool.name, d.device->name);
          if (trace.holders != nullptr) {
            if (const auto it = trace.holders->find(id); it != trace.holders->end()) {
              holder = it->second;
            }
          }
          at.rejected.push_back(DeviceRejection{i, Rejection::kInUse, holder});
          continue;
        }
        if (broken[i]) {
          at.rejected.push_back(DeviceRejection{
              i, Rejection::kCounters, "consumes a counter its pool's sharedCounters lack"});
          continue;
        }
        std::string short_counter;
        for (const CounterUse& use : base.consumes[i]) {
          if (use.amount > base.counter_available[use.counter]) {
            short_counter = counter_names[use.counter] + ": needs " + milli_text(use.amount) +
                            ", " + milli_text(base.counter_available[use.counter]) + " left";
            break;
          }
        }
        if (!short_counter.empty()) {
          at.rejected.push_back(DeviceRejection{i, Rejection::kCounters, short_counter});
          continue;
        }
        at.candidates.push_back(i);
      }
    }
  }
}

/// status.allocation.devices.config in Kubernetes' order: the configs of each request's class
/// (for the alternative chosen), request by request, then the claim's own configs that apply to
/// the requests (all of them when a config names none).
void add_configs(const ResourceClaim& claim, std::size_t claim_index,
                 const std::vector<FlatRequest>& requests,
                 const std::vector<const Alternative*>& chosen, AllocationResult& result) {
  std::vector<std::string> served;  // request names and "req/sub" names of this claim
  for (std::size_t r = 0; r < requests.size(); ++r) {
    if (requests[r].claim != claim_index) continue;
    const Alternative& alt = *chosen[r];
    served.push_back(alt.request);
    if (alt.name != alt.request) served.push_back(alt.name);
    for (const DeviceClassConfiguration& config : alt.cls->config) {
      result.config.push_back(DeviceAllocationConfiguration{
          AllocationConfigSource::kFromClass, {alt.name}, config.opaque});
    }
  }
  for (const DeviceClaimConfiguration& config : claim.spec.config) {
    const bool applies =
        config.requests.empty() ||
        std::any_of(config.requests.begin(), config.requests.end(), [&](const std::string& name) {
          return std::find(served.begin(), served.end(), name) != served.end();
        });
    if (applies) {
      result.config.push_back(DeviceAllocationConfiguration{AllocationConfigSource::kFromClaim,
                                                            config.requests, config.opaque});
    }
  }
}

}  // namespace

bool constraint_binds(const DeviceConstraint& c, std::string_view request,
                      std::string_view alternative) {
  if (c.requests.empty()) return true;
  return std::find(c.requests.begin(), c.requests.end(), request) != c.requests.end() ||
         std::find(c.requests.begin(), c.requests.end(), alternative) != c.requests.end();
}

std::string_view rejection_name(Rejection r) {
  switch (r) {
    case Rejection::kClassSelector:
      return "class selector is false";
    case Rejection::kRequestSelector:
      return "request selector is false";
    case Rejection::kSelectorError:
      return "selector error";
    case Rejection::kTaint:
      return "taint not tolerated";
    case Rejection::kCapacity:
      return "capacity too small";
    case Rejection::kInUse:
      return "allocated to";
    case Rejection::kCounters:
      return "shared counter exhausted";
  }
  return "?";
}

NodeAllocator::NodeAllocator(const Inventory& inventory) : inventory_(inventory) {
  for (const DeviceClass& c : inventory.device_classes) classes_[c.meta.name] = &c;
  for (const ResourceSlice& s : inventory.resource_slices) {
    if (s.node_name) {
      slices_by_node_[*s.node_name].push_back(&s);
    } else {
      selecting_slices_.push_back(&s);
    }
  }
}

std::vector<const ResourceSlice*> NodeAllocator::slices_for(const Node& node) const {
  std::vector<const ResourceSlice*> out = selecting_slices_;
  if (const auto it = slices_by_node_.find(node.meta.name); it != slices_by_node_.end()) {
    out.insert(out.end(), it->second.begin(), it->second.end());
  }
  return out;
}

const DeviceView& NodeAllocator::view_of(const std::string& driver, const Device& device) {
  auto& slot = views_[&device];
  if (!slot) slot = std::make_unique<DeviceView>(DeviceView::from_model(driver, device));
  return *slot;
}

Result<NodeOutcome> NodeAllocator::allocate(const Node& node,
                                            std::span<const ResourceClaim* const> claims,
                                            const AllocatedDevices& allocated, NodeTrace* trace) {
  NodeDevices devices = devices_for_node(slices_for(node), node);
  // Requests and their alternatives, with candidates.
  std::vector<FlatRequest> requests;
  for (std::size_t c = 0; c < claims.size(); ++c) {
    const ResourceClaim& claim = *claims[c];
    const std::string owner = "claim " + display_name(claim.meta);
    for (const DeviceRequest& request : claim.spec.requests) {
      FlatRequest flat;
      flat.claim = c;
      auto add = [&](std::string name, const auto& r, bool admin) {
        Alternative alt;
        alt.name = std::move(name);
        alt.request = request.name;
        alt.device_class = r.device_class_name;
        alt.selectors = &r.selectors;
        alt.mode = r.allocation_mode;
        alt.count = r.count;
        alt.admin_access = admin;
        alt.tolerations = &r.tolerations;
        alt.capacity_requests = &r.capacity_requests;
        flat.alternatives.push_back(std::move(alt));
      };
      if (request.exactly) {
        add(request.name, *request.exactly, request.exactly->admin_access.value_or(false));
      }
      for (const DeviceSubRequest& sub : request.first_available) {
        add(request.name + "/" + sub.name, sub, false);
      }
      for (Alternative& alt : flat.alternatives) {
        const auto cls = classes_.find(alt.device_class);
        if (cls == classes_.end()) {
          return make_error(ErrorCode::kInvalidArgument, owner + ": request " + alt.name +
                                                             ": device class '" + alt.device_class +
                                                             "' not found");
        }
        alt.cls = cls->second;
        std::vector<SelectorPtr> class_selectors;
        std::vector<SelectorPtr> request_selectors;
        for (const std::string& e : cls->second->selectors) {
          auto s = selectors_.get_or_compile(e);
          if (!s.ok())
            return make_error(ErrorCode::kInvalidArgument,
                              "device class " + alt.device_class + ": " + s.error().message);
          class_selectors.push_back(*s);
        }
        for (const std::string& e : *alt.selectors) {
          auto s = selectors_.get_or_compile(e);
          if (!s.ok())
            return make_error(ErrorCode::kInvalidArgument, owner + ": " + s.error().message);
          request_selectors.push_back(*s);
        }
        AlternativeTrace* at = nullptr;
        if (trace != nullptr) {
          at = &trace->alternatives.emplace_back();
          at->claim = c;
          at->name = alt.name;
          at->device_class = alt.device_class;
          at->count = alt.count;
          at->all = alt.mode == AllocationMode::kAll;
        }
        const std::string class_owner = "device class " + alt.device_class;
        const SelectorStage stages[] = {{&class_owner, &class_selectors, Rejection::kClassSelector},
                                        {&owner, &request_selectors, Rejection::kRequestSelector}};
        bool incomplete = false;
        for (std::uint32_t i = 0; i < devices.devices.size(); ++i) {
          const NodeDevice& d = devices.devices[i];
          const NodePool& pool = devices.pools[d.pool];
          const DeviceView& view = view_of(pool.driver, *d.device);
          // Without a trace the first rejection is all that matters; with one, its detail.
          auto reject = [&](Rejection why, auto&& detail) {
            if (at != nullptr) at->rejected.push_back(DeviceRejection{i, why, detail()});
          };
          // The class's selectors, then the request's: the first that is false (or fails)
          // rejects the device.
          bool rejected = false;
          for (const SelectorStage& stage : stages) {
            std::size_t false_at = 0;
            auto matched = selectors_match(*stage.owner, *stage.selectors, view, &memo_, &false_at);
            if (!matched.ok()) {
              if (at == nullptr) return std::move(matched).error();
              reject(Rejection::kSelectorError, [&] { return matched.error().message; });
            } else if (!*matched) {
              reject(stage.when_false, [&] { return (*stage.selectors)[false_at]->expression(); });
            } else {
              continue;
            }
            rejected = true;
            break;
          }
          if (rejected) continue;
          if (const DeviceTaint* taint = untolerated_taint(*d.device, *alt.tolerations)) {
            reject(Rejection::kTaint, [&] { return taint_text(*taint); });
            continue;
          }
          if (const auto gap = capacity_gap(*d.device, *alt.capacity_requests); !gap.empty()) {
            reject(Rejection::kCapacity, [&] { return gap; });
            continue;
          }
          incomplete = incomplete || pool.incomplete;
          alt.candidates.push_back(i);
        }
        if (alt.mode == AllocationMode::kAll && incomplete) {
          alt.impossible = "allocationMode All needs complete pools";
        }
        if (at != nullptr) at->impossible = alt.impossible;
      }
      requests.push_back(std::move(flat));
    }
  }

  // What every combination shares: devices in use, counters, topology.
  SolverProblem base;
  base.device_count = static_cast<std::uint32_t>(devices.devices.size());
  base.in_use.assign(devices.devices.size(), false);
  SolverLabels labels;
  std::vector<std::string> counter_names;              // "set/counter"
  std::map<std::string, std::uint32_t> counter_index;  // "pool#/set/counter"
  for (std::size_t p = 0; p < devices.pools.size(); ++p) {
    for (const CounterSet* set : devices.pools[p].counter_sets) {
      for (const auto& [name, counter] : set->counters) {
        counter_index[std::to_string(p) + "/" + set->name + "/" + name] =
            static_cast<std::uint32_t>(base.counter_available.size());
        counter_names.push_back(set->name + "/" + name);
        labels.counters.push_back("counter " + counter_names.back() + " (in thousandths)");
        base.counter_available.push_back(milli_units(counter.value, false));
      }
    }
  }
  base.consumes.resize(devices.devices.size());
  std::vector<bool> broken(devices.devices.size(), false);  // consumes a counter that is missing
  Interner numa;
  Interner root;
  Interner parent;
  for (std::uint32_t i = 0; i < devices.devices.size(); ++i) {
    const NodeDevice& d = devices.devices[i];
    const NodePool& pool = devices.pools[d.pool];
    base.in_use[i] = allocated.contains(device_id(pool.driver, pool.name, d.device->name));
    std::string parent_key = "device/" + std::to_string(i);
    for (const DeviceCounterConsumption& use : d.device->consumes_counters) {
      parent_key = std::to_string(d.pool) + "/" + use.counter_set;
      for (const auto& [name, counter] : use.counters) {
        const auto it = counter_index.find(parent_key + "/" + name);
        if (it == counter_index.end()) {
          broken[i] = true;
          continue;
        }
        base.consumes[i].push_back(CounterUse{it->second, milli_units(counter.value, true)});
      }
    }
    auto key = [&](const char* name) {
      const DeviceAttribute* a = device_attribute(*d.device, pool.driver, name);
      return a ? attribute_key(*a) : "device/" + std::to_string(i);
    };
    base.topology.push_back({numa.id(key("resource.kubernetes.io/numaNode")),
                             root.id(key("resource.kubernetes.io/pcieRoot")),
                             parent.id(parent_key)});
  }
  // Devices in use take their share of the counters.
  for (std::uint32_t i = 0; i < devices.devices.size(); ++i) {
    if (!base.in_use[i]) continue;
    for (const CounterUse& use : base.consumes[i])
      base.counter_available[use.counter] -= use.amount;
  }

  // Constraints: the attribute's value per device does not depend on the firstAvailable choice,
  // so it is read once here; each combination only says which requests are bound.
  Interner values;
  for (std::size_t c = 0; c < claims.size(); ++c) {
    for (const DeviceConstraint& con : claims[c]->spec.constraints) {
      SolverConstraint& sc = base.constraints.emplace_back();
      sc.distinct = con.distinct_attribute.has_value();
      const std::string& name = sc.distinct ? *con.distinct_attribute : *con.match_attribute;
      labels.constraints.push_back(
          (sc.distinct ? "distinctAttribute " : "matchAttribute ") + name +
          (claims.size() > 1 ? " of " + display_name(claims[c]->meta) : std::string()));
      for (const NodeDevice& d : devices.devices) {
        const DeviceAttribute* a = device_attribute(*d.device, devices.pools[d.pool].driver, name);
        sc.value_of_device.push_back(a ? values.id(attribute_key(*a)) : kMissingValue);
      }
    }
  }

  if (trace != nullptr) trace_free_devices(devices, base, broken, requests, counter_names, *trace);

  // firstAvailable combinations, in Kubernetes' order.
  NodeOutcome outcome;
  std::vector<std::size_t> choice(requests.size(), 0);
  constexpr int kMaxCombinations = 256;
  bool exhausted = false;
  for (int tried = 0; tried < kMaxCombinations; ++tried) {
    SolverProblem problem = base;
    labels.requests.clear();
    problem.labels = &labels;
    std::vector<const Alternative*> chosen;
    std::string impossible;
    std::vector<std::int64_t> claim_devices(claims.size(), 0);  // the least each claim needs
    for (std::size_t r = 0; r < requests.size(); ++r) {
      const Alternative& alt = requests[r].alternatives[choice[r]];
      chosen.push_back(&alt);
      labels.requests.push_back(&alt.name);
      if (!alt.impossible.empty() && impossible.empty()) {
        impossible = "request " + alt.name + ": " + alt.impossible;
      }
      SolverRequest sr;
      for (std::uint32_t i : alt.candidates) {
        if (!broken[i]) sr.candidates.push_back(i);
      }
      sr.count = static_cast<std::uint32_t>(std::max<std::int64_t>(alt.count, 1));
      sr.all = alt.mode == AllocationMode::kAll;
      sr.admin_access = alt.admin_access;
      claim_devices[requests[r].claim] += sr.all ? static_cast<std::int64_t>(sr.candidates.size())
                                                 : static_cast<std::int64_t>(sr.count);
      problem.requests.push_back(std::move(sr));
    }
    for (std::size_t c = 0; c < claims.size() && impossible.empty(); ++c) {
      if (claim_devices[c] > kMaxDevicesPerClaim) {
        impossible = "claim " + display_name(claims[c]->meta) + " needs " +
                     std::to_string(claim_devices[c]) + " devices, more than the limit of " +
                     std::to_string(kMaxDevicesPerClaim) + " per claim";
      }
    }
    // Which of this combination's requests each constraint binds (its values are in `base`).
    std::size_t k = 0;
    for (std::size_t c = 0; c < claims.size(); ++c) {
      for (const DeviceConstraint& con : claims[c]->spec.constraints) {
        SolverConstraint& sc = problem.constraints[k++];
        for (std::size_t r = 0; r < requests.size(); ++r) {
          if (requests[r].claim == c &&
              constraint_binds(con, chosen[r]->request, chosen[r]->name)) {
            sc.requests.push_back(static_cast<std::uint32_t>(r));
          }
        }
      }
    }
    if (impossible.empty()) {
      const SolverResult solved = first_fit_ ? first_fit(problem) : solve(problem);
      outcome.steps += solved.steps;
      if (solved.outcome == SolverResult::Outcome::kAllocated) {
        outcome.allocated = true;
        outcome.score = solved.score;
        outcome.results.resize(claims.size());
        for (std::size_t r = 0; r < requests.size(); ++r) {
          AllocationResult& result = outcome.results[requests[r].claim];
          for (std::uint32_t i : solved.devices[r]) {
            const NodeDevice& d = devices.devices[i];
            const NodePool& pool = devices.pools[d.pool];
            DeviceRequestAllocationResult item;
            item.request = chosen[r]->name;
            item.driver = pool.driver;
            item.pool = pool.name;
            item.device = d.device->name;
            if (chosen[r]->admin_access) item.admin_access = true;
            item.tolerations = *chosen[r]->tolerations;
            result.results.push_back(std::move(item));
            if (pool.node_local && !result.node_selector) {
              NodeSelectorTerm term;
              term.match_fields.push_back(NodeSelectorRequirement{
                  "metadata.name", NodeSelectorOperator::kIn, {node.meta.name}});
              result.node_selector = NodeSelector{{std::move(term)}};
            }
          }
        }
        for (std::size_t c = 0; c < claims.size(); ++c) {
          add_configs(*claims[c], c, requests, chosen, outcome.results[c]);
        }
        if (trace != nullptr) trace->devices = std::move(devices);
        return outcome;
      }
      if (outcome.reason.empty()) outcome.reason = solved.reason;
      if (trace != nullptr) trace->attempts.push_back(solved.reason);
    } else {
      if (outcome.reason.empty()) outcome.reason = impossible;
      if (trace != nullptr) trace->attempts.push_back(impossible);
    }
    if (!next_combination(requests, choice)) {
      exhausted = true;
      break;
    }
  }
  if (trace != nullptr) trace->devices = std::move(devices);
  if (exhausted) return outcome;
  outcome.reason = "more than " + std::to_string(kMaxCombinations) +
                   " firstAvailable combinations; the first ones did not fit: " + outcome.reason;
  return outcome;
}

}  // namespace sluice::dra
