// validate_cel() and validate_references(): checks that need more than one object at a time.
#include "cel/program.h"
#include "dra/decode.h"

#include <set>
#include <tuple>

namespace sluice::dra {
namespace {

Error object_error(const ObjectMeta& meta, std::string_view kind, const std::string& field,
                   const std::string& what) {
  std::string msg = meta.source.empty() ? std::string() : meta.source + ": ";
  msg += std::string(kind) + " " + display_name(meta) + ": " + field + ": " + what;
  return make_error(ErrorCode::kInvalidArgument, std::move(msg), field);
}

Status compile_all(const ObjectMeta& meta, std::string_view kind, const std::string& base,
                   const std::vector<std::string>& selectors) {
  for (std::size_t i = 0; i < selectors.size(); ++i) {
    auto program = cel::Program::compile(selectors[i]);
    if (!program.ok()) {
      return object_error(meta, kind, base + "selectors[" + std::to_string(i) + "].cel.expression",
                          "invalid CEL: " + program.error().message);
    }
  }
  return {};
}

Status compile_spec(const ObjectMeta& meta, std::string_view kind, const std::string& base,
                    const ResourceClaimSpec& spec) {
  for (std::size_t i = 0; i < spec.requests.size(); ++i) {
    const DeviceRequest& req = spec.requests[i];
    std::string path = base + "devices.requests[" + std::to_string(i) + "].";
    if (req.exactly) {
      if (auto st = compile_all(meta, kind, path + "exactly.", req.exactly->selectors); !st) {
        return st;
      }
    }
    for (std::size_t j = 0; j < req.first_available.size(); ++j) {
      auto sub_path = path + "firstAvailable[" + std::to_string(j) + "].";
      if (auto st = compile_all(meta, kind, sub_path, req.first_available[j].selectors); !st) {
        return st;
      }
    }
  }
  return {};
}

template <typename Request>
Status check_class(const ObjectMeta& meta, std::string_view kind, const std::string& path,
                   const Request& req, const std::set<std::string, std::less<>>& classes) {
  if (classes.count(req.device_class_name) == 0) {
    return object_error(meta, kind, path + "deviceClassName",
                        "no DeviceClass named \"" + req.device_class_name + "\"");
  }
  return {};
}

Status check_classes(const ObjectMeta& meta, std::string_view kind, const std::string& base,
                     const ResourceClaimSpec& spec,
                     const std::set<std::string, std::less<>>& classes) {
  for (std::size_t i = 0; i < spec.requests.size(); ++i) {
    const DeviceRequest& req = spec.requests[i];
    std::string path = base + "devices.requests[" + std::to_string(i) + "].";
    if (req.exactly) {
      if (auto st = check_class(meta, kind, path + "exactly.", *req.exactly, classes); !st) {
        return st;
      }
    }
    for (std::size_t j = 0; j < req.first_available.size(); ++j) {
      auto sub_path = path + "firstAvailable[" + std::to_string(j) + "].";
      if (auto st = check_class(meta, kind, sub_path, req.first_available[j], classes); !st) {
        return st;
      }
    }
  }
  return {};
}

}  // namespace

Status validate_cel(const Inventory& inventory) {
  for (const auto& dc : inventory.device_classes) {
    if (auto st = compile_all(dc.meta, "DeviceClass", "spec.", dc.selectors); !st) return st;
  }
  for (const auto& c : inventory.resource_claims) {
    if (auto st = compile_spec(c.meta, "ResourceClaim", "spec.", c.spec); !st) return st;
  }
  for (const auto& t : inventory.resource_claim_templates) {
    if (auto st = compile_spec(t.meta, "ResourceClaimTemplate", "spec.spec.", t.spec); !st) {
      return st;
    }
  }
  return {};
}

Status validate_references(const Inventory& inventory) {
  std::set<std::string, std::less<>> classes;
  for (const auto& dc : inventory.device_classes) classes.insert(dc.meta.name);
  for (const auto& c : inventory.resource_claims) {
    if (auto st = check_classes(c.meta, "ResourceClaim", "spec.", c.spec, classes); !st) return st;
  }
  for (const auto& t : inventory.resource_claim_templates) {
    if (auto st = check_classes(t.meta, "ResourceClaimTemplate", "spec.spec.", t.spec, classes);
        !st) {
      return st;
    }
  }

  using Key = std::pair<std::string, std::string>;  // namespace, name
  std::set<Key> claims;
  std::set<Key> templates;
  for (const auto& c : inventory.resource_claims) claims.emplace(c.meta.ns, c.meta.name);
  for (const auto& t : inventory.resource_claim_templates)
    templates.emplace(t.meta.ns, t.meta.name);
  auto check_claims = [&](const ObjectMeta& meta, const char* kind,
                          const std::vector<PodResourceClaim>& entries) -> Status {
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const auto& rc = entries[i];
      std::string path = "spec.resourceClaims[" + std::to_string(i) + "].";
      if (rc.resource_claim_name && claims.count({meta.ns, *rc.resource_claim_name}) == 0) {
        return object_error(
            meta, kind, path + "resourceClaimName",
            "no ResourceClaim \"" + *rc.resource_claim_name + "\" in namespace " + meta.ns);
      }
      if (rc.resource_claim_template_name &&
          templates.count({meta.ns, *rc.resource_claim_template_name}) == 0) {
        return object_error(meta, kind, path + "resourceClaimTemplateName",
                            "no ResourceClaimTemplate \"" + *rc.resource_claim_template_name +
                                "\" in namespace " + meta.ns);
      }
    }
    return {};
  };
  for (const auto& pod : inventory.pods) {
    if (auto st = check_claims(pod.meta, "Pod", pod.resource_claims); !st) return st;
  }
  for (const auto& w : inventory.workloads) {
    if (auto st = check_claims(w.meta, "Workload", w.resource_claims); !st) return st;
  }

  // Counter sets are per pool: (driver, pool, set name).
  std::set<std::tuple<std::string, std::string, std::string>> counter_sets;
  for (const auto& s : inventory.resource_slices) {
    for (const auto& cs : s.shared_counters) counter_sets.emplace(s.driver, s.pool.name, cs.name);
  }
  for (const auto& s : inventory.resource_slices) {
    for (std::size_t d = 0; d < s.devices.size(); ++d) {
      const auto& uses = s.devices[d].consumes_counters;
      for (std::size_t u = 0; u < uses.size(); ++u) {
        if (counter_sets.count({s.driver, s.pool.name, uses[u].counter_set}) == 0) {
          return object_error(
              s.meta, "ResourceSlice",
              "spec.devices[" + std::to_string(d) + "].consumesCounters[" + std::to_string(u) +
                  "].counterSet",
              "no counter set \"" + uses[u].counter_set + "\" in pool " + s.pool.name);
        }
      }
    }
  }
  return {};
}

}  // namespace sluice::dra
