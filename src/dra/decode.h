// Reading resource.k8s.io/v1 objects (and core/v1 Nodes and Pods) from YAML or JSON text into the
// model of model.h, with the validation the Kubernetes API server applies that matters for
// allocation.
//
// Accepted input: one or many YAML documents separated by `---`; JSON (a YAML subset), including
// a JSON array of objects; `kind: List` (or `DeviceClassList`, `ResourceClaimList`, ...) with
// `items`, as `kubectl get ... -o yaml` prints several objects. Kinds: DeviceClass, ResourceClaim,
// ResourceClaimTemplate, ResourceSlice (apiVersion resource.k8s.io/v1; v1beta2 has the same
// shape and is accepted too; v1beta1 / v1alpha3 are rejected with a hint), Node and Pod (v1).
//
// Strictness: unknown kinds and unknown fields of resource.k8s.io objects are errors. What
// kubectl adds (metadata.managedFields, resourceVersion, creationTimestamp, ...; status.devices
// of claims) is accepted and dropped. Node and Pod read only what the allocator needs
// (labels, spec.nodeName, spec.resourceClaims, status.resourceClaimStatuses) and ignore the rest.
//
// Every error is kInvalidArgument with `source:line:col: <Kind> <ns/name>: <field path>: <what>`
// in the message and the field path in Error::field; malformed YAML gives the line and column.
// No input crashes or throws.
#pragma once

#include "core/result.h"
#include "dra/model.h"

#include <string_view>

namespace sluice::dra {

/// Decodes every object in `text`. `source_name` (a file name) prefixes error messages and is
/// recorded in each object's meta.source as `source_name:line`.
Result<Inventory> decode(std::string_view text, std::string_view source_name);

/// Compiles every CEL selector in `inventory` (device classes, claims, templates) and reports
/// the first that does not compile, naming the object and field
/// (`DeviceClass gpu: spec.selectors[1].cel.expression: ...`).
Status validate_cel(const Inventory& inventory);

/// Checks references between objects, which decode() cannot see one file at a time: each
/// request's deviceClassName names a DeviceClass; each pod's resourceClaimName /
/// resourceClaimTemplateName names a claim / template in the pod's namespace; each
/// consumesCounters.counterSet names a counter set of the same driver and pool.
Status validate_references(const Inventory& inventory);

}  // namespace sluice::dra
