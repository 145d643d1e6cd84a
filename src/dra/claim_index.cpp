#include "dra/claim_index.h"

#include <algorithm>

namespace sluice::dra {

std::string object_key(const std::string& ns, const std::string& name) {
  return ns.empty() ? name : ns + "/" + name;
}

ClaimIndex::ClaimIndex(const Inventory& inventory) {
  for (const ResourceClaim& c : inventory.resource_claims) claims_[display_name(c.meta)] = &c;
  for (const ResourceClaimTemplate& t : inventory.resource_claim_templates) {
    templates_[display_name(t.meta)] = &t;
  }
}

const ResourceClaim* ClaimIndex::find(std::string_view key) const {
  const auto it = claims_.find(key);
  return it == claims_.end() ? nullptr : it->second;
}

const ResourceClaimTemplate* ClaimIndex::find_template(std::string_view key) const {
  const auto it = templates_.find(key);
  return it == templates_.end() ? nullptr : it->second;
}

const ResourceClaim* ClaimIndex::generate(const ResourceClaimTemplate& tmpl, const std::string& ns,
                                          const std::string& name) {
  ResourceClaim& made = generated_.emplace_back();
  made.meta = tmpl.template_meta;
  made.meta.name = name;
  made.meta.ns = ns;
  made.meta.source = tmpl.meta.source;
  made.spec = tmpl.spec;
  claims_[object_key(ns, name)] = &made;
  return &made;
}

Result<const ResourceClaim*> ClaimIndex::resolve(const Pod& pod, std::size_t index) {
  const PodResourceClaim& entry = pod.resource_claims[index];
  const std::string where =
      "Pod " + display_name(pod.meta) + ": spec.resourceClaims[" + std::to_string(index) + "]";
  std::string name;
  if (entry.resource_claim_name) {
    name = *entry.resource_claim_name;
  } else if (entry.resource_claim_template_name) {
    name = pod.meta.name + "-" + entry.name;
    for (const PodResourceClaimStatus& s : pod.resource_claim_statuses) {
      if (s.name == entry.name && s.resource_claim_name) name = *s.resource_claim_name;
    }
  } else {
    return make_error(ErrorCode::kInvalidArgument, where + ": names no claim or template");
  }
  if (const ResourceClaim* found = find(object_key(pod.meta.ns, name))) return found;
  if (entry.resource_claim_name) {
    return make_error(ErrorCode::kInvalidArgument, where + ".resourceClaimName: ResourceClaim " +
                                                       object_key(pod.meta.ns, name) +
                                                       " not found");
  }
  const std::string template_key = object_key(pod.meta.ns, *entry.resource_claim_template_name);
  const ResourceClaimTemplate* tmpl = find_template(template_key);
  if (tmpl == nullptr) {
    return make_error(
        ErrorCode::kInvalidArgument,
        where + ".resourceClaimTemplateName: ResourceClaimTemplate " + template_key + " not found");
  }
  return generate(*tmpl, pod.meta.ns, name);
}

Result<std::vector<const ResourceClaim*>> ClaimIndex::claims_of(const Pod& pod) {
  std::vector<const ResourceClaim*> out;
  for (std::size_t i = 0; i < pod.resource_claims.size(); ++i) {
    auto claim = resolve(pod, i);
    if (!claim.ok()) return std::move(claim).error();
    if (std::find(out.begin(), out.end(), *claim) == out.end()) out.push_back(*claim);
  }
  return out;
}

}  // namespace sluice::dra
