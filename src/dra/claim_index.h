// The ResourceClaims of an inventory by "namespace/name", including the claims Kubernetes would
// generate from ResourceClaimTemplates for pods (named from the pod's status when it lists them,
// else `<pod>-<entry>`). Shared by allocation, explain and plan, so that a pod's entries resolve
// the same way everywhere.
#pragma once

#include "core/result.h"
#include "dra/model.h"

#include <cstddef>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::dra {

class ClaimIndex {
 public:
  /// `inventory` must outlive the index.
  explicit ClaimIndex(const Inventory& inventory);

  /// The claim named "ns/name", or null.
  const ResourceClaim* find(std::string_view key) const;

  /// The claim entry `index` of `pod` refers to, generating it from its template when needed.
  /// Errors name the pod and the field (a missing claim or template).
  Result<const ResourceClaim*> resolve(const Pod& pod, std::size_t index);

  /// Every claim `pod` uses, in its order, each once.
  Result<std::vector<const ResourceClaim*>> claims_of(const Pod& pod);

  /// Adds a claim made from `tmpl` for `owner` (the `plan` workloads), named `name` in `ns`.
  const ResourceClaim* generate(const ResourceClaimTemplate& tmpl, const std::string& ns,
                                const std::string& name);

  const ResourceClaimTemplate* find_template(std::string_view key) const;

 private:
  std::map<std::string, const ResourceClaim*, std::less<>> claims_;
  std::map<std::string, const ResourceClaimTemplate*, std::less<>> templates_;
  std::deque<ResourceClaim> generated_;  // stable addresses
};

/// "ns/name" for a namespaced object's key (as display_name() prints it).
std::string object_key(const std::string& ns, const std::string& name);

}  // namespace sluice::dra
