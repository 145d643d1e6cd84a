// Writing ResourceClaims (with status.allocation) as YAML, the way `kubectl get -o yaml` prints
// them and `kubectl apply` accepts them.
//
// Output: one YAML document per claim, each starting with `---`: apiVersion
// resource.k8s.io/v1, kind ResourceClaim, metadata (name, namespace, uid, generation, labels,
// annotations when set), spec.devices (requests, constraints, config; allocationMode and count
// written out as the API server defaults them) and status (allocation.devices.results[] with
// request, driver, pool, device and the optional fields when set; allocation.devices.config;
// allocation.nodeSelector; allocationTimestamp; reservedFor). Quantities are printed in
// Kubernetes' canonical form. Strings that YAML would read as another type are quoted.
// decode() reads the output back to an equal model.
#pragma once

#include "dra/model.h"

#include <string>
#include <vector>

namespace sluice::dra {

/// The claims as YAML documents.
std::string encode_claims(const std::vector<ResourceClaim>& claims);

/// One claim as a YAML document (with the leading `---`).
std::string encode_claim(const ResourceClaim& claim);

}  // namespace sluice::dra
