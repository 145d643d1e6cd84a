// Per-kind decoders behind decode() (internal to src/dra decode*.cpp). Each reads the whole
// object node (apiVersion, kind, metadata, spec, status) and throws DecodeError on bad input.
#pragma once

#include "dra/decode_reader.h"
#include "dra/model.h"

namespace sluice::dra::decode_detail {

/// metadata; `namespaced` says whether metadata.namespace is allowed (defaults to "default").
ObjectMeta read_meta(const Reader& object, bool namespaced);

DeviceClass read_device_class(const Reader& object, ObjectMeta meta);
ResourceClaim read_resource_claim(const Reader& object, ObjectMeta meta);
ResourceClaimTemplate read_resource_claim_template(const Reader& object, ObjectMeta meta);
ResourceSlice read_resource_slice(const Reader& object, ObjectMeta meta);
Node read_node(const Reader& object, ObjectMeta meta);
Pod read_pod(const Reader& object, ObjectMeta meta);
Workload read_workload(const Reader& object, ObjectMeta meta);
/// spec.resourceClaims of a Pod or Workload.
std::vector<PodResourceClaim> read_pod_resource_claims(const Reader& spec);

ResourceClaimSpec read_claim_spec(const Reader& spec);

/// metadata.name must be a DNS subdomain (the resource.k8s.io kinds).
void require_subdomain_name(const Reader& object, const ObjectMeta& meta);

// Shared pieces.
NodeSelector read_node_selector(const Reader& r);
std::vector<DeviceToleration> read_tolerations(const Reader& parent, std::string_view key);
OpaqueDeviceConfiguration read_opaque(const Reader& r);
/// selectors[]: each `{cel: {expression}}`, at most 32, expressions non-empty.
std::vector<std::string> read_selectors(const Reader& parent);

}  // namespace sluice::dra::decode_detail
