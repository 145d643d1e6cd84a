// MODEL-READY: the resource.k8s.io/v1 object model
//
// Plain structs for the objects the DRA allocator reads and writes, as of Kubernetes 1.35
// (kubernetes/api resource/v1/types.go), plus the core/v1 Node and Pod fields it needs. Field
// names follow the Go/JSON names (the comment on each field gives the JSON path); the codec in
// decode.h / encode.h converts between these structs and `kubectl get -o yaml` documents.
//
// Conventions: an optional Kubernetes pointer field is std::optional; a pointer-to-bool whose only
// meaningful value is `true` (allNodes, perDeviceNodeSelection) is a plain bool; maps keyed by a
// qualified name keep the name exactly as written ("gpu.example.com/model" or the short "model",
// which belongs to the driver's domain; see parse_qualified_name()). std::map gives deterministic
// iteration and output order.
#pragma once

#include "cel/quantity.h"

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::dra {

using Quantity = cel::Quantity;
using StringMap = std::map<std::string, std::string>;

/// metadata: the subset the allocator uses. Other metadata fields are accepted and dropped.
struct ObjectMeta {
  std::string name;             ///< metadata.name
  std::string ns;               ///< metadata.namespace (empty for cluster-scoped kinds)
  std::string uid;              ///< metadata.uid
  StringMap labels;             ///< metadata.labels
  StringMap annotations;        ///< metadata.annotations
  std::int64_t generation = 0;  ///< metadata.generation
  /// Not a Kubernetes field: where the object was read ("cluster.yaml:12"), for messages.
  std::string source;
};

/// "ns/name" for namespaced objects, "name" otherwise.
inline std::string display_name(const ObjectMeta& meta) {
  return meta.ns.empty() ? meta.name : meta.ns + "/" + meta.name;
}

// ---------------------------------------------------------------------------------------------
// Qualified names

/// A qualified name split into its domain and identifier.
struct QualifiedName {
  std::string_view domain;
  std::string_view id;
};

/// Splits `name` at its first '/' as Kubernetes does: "ext.example.com/family" ->
/// {"ext.example.com", "family"}; a bare "model" belongs to `driver` -> {driver, "model"}.
inline QualifiedName parse_qualified_name(std::string_view name, std::string_view driver) {
  auto slash = name.find('/');
  if (slash == std::string_view::npos) return {driver, name};
  return {name.substr(0, slash), name.substr(slash + 1)};
}

// ---------------------------------------------------------------------------------------------
// Node selectors (core/v1 NodeSelector)

enum class NodeSelectorOperator : std::uint8_t { kIn, kNotIn, kExists, kDoesNotExist, kGt, kLt };

struct NodeSelectorRequirement {
  std::string key;                                      ///< key
  NodeSelectorOperator op = NodeSelectorOperator::kIn;  ///< operator
  std::vector<std::string> values;                      ///< values
};

/// The requirements of a term are ANDed.
struct NodeSelectorTerm {
  std::vector<NodeSelectorRequirement> match_expressions;  ///< matchExpressions (node labels)
  std::vector<NodeSelectorRequirement> match_fields;       ///< matchFields (metadata.name)
};

/// The terms are ORed.
struct NodeSelector {
  std::vector<NodeSelectorTerm> node_selector_terms;  ///< nodeSelectorTerms
};

// ---------------------------------------------------------------------------------------------
// ResourceSlice and devices

/// DeviceAttribute: exactly one of int, bool, string, version.
struct DeviceAttribute {
  enum class Kind : std::uint8_t { kInt, kBool, kString, kVersion };
  Kind kind = Kind::kString;
  std::int64_t int_value = 0;  ///< int
  bool bool_value = false;     ///< bool
  std::string string_value;    ///< string, or the semver text of version (as written)

  static DeviceAttribute of_int(std::int64_t v) { return {Kind::kInt, v, false, {}}; }
  static DeviceAttribute of_bool(bool v) { return {Kind::kBool, 0, v, {}}; }
  static DeviceAttribute of_string(std::string v) {
    return {Kind::kString, 0, false, std::move(v)};
  }
  static DeviceAttribute of_version(std::string v) {
    return {Kind::kVersion, 0, false, std::move(v)};
  }
  friend bool operator==(const DeviceAttribute& a, const DeviceAttribute& b) {
    if (a.kind != b.kind) return false;
    switch (a.kind) {
      case Kind::kInt:
        return a.int_value == b.int_value;
      case Kind::kBool:
        return a.bool_value == b.bool_value;
      default:
        return a.string_value == b.string_value;
    }
  }
};

/// capacity.requestPolicy.validRange
struct CapacityRequestPolicyRange {
  Quantity min;                  ///< min
  std::optional<Quantity> max;   ///< max
  std::optional<Quantity> step;  ///< step
};

/// capacity.requestPolicy (DRAConsumableCapacity): at most one of validValues / validRange.
struct CapacityRequestPolicy {
  std::optional<Quantity> default_value;                  ///< default
  std::vector<Quantity> valid_values;                     ///< validValues (ascending)
  std::optional<CapacityRequestPolicyRange> valid_range;  ///< validRange
};

struct DeviceCapacity {
  Quantity value;                                       ///< value
  std::optional<CapacityRequestPolicy> request_policy;  ///< requestPolicy
};

struct Counter {
  Quantity value;  ///< value
};

/// spec.sharedCounters[]
struct CounterSet {
  std::string name;                         ///< name
  std::map<std::string, Counter> counters;  ///< counters
};

/// devices[].consumesCounters[]
struct DeviceCounterConsumption {
  std::string counter_set;                  ///< counterSet
  std::map<std::string, Counter> counters;  ///< counters
};

enum class TaintEffect : std::uint8_t { kNone, kNoSchedule, kNoExecute };

struct DeviceTaint {
  std::string key;                                ///< key
  std::string value;                              ///< value
  TaintEffect effect = TaintEffect::kNoSchedule;  ///< effect: None | NoSchedule | NoExecute
  std::optional<std::string> time_added;          ///< timeAdded (RFC 3339, kept as text)
};

/// spec.devices[]
struct Device {
  std::string name;                                   ///< name
  std::map<std::string, DeviceAttribute> attributes;  ///< attributes (qualified name -> value)
  std::map<std::string, DeviceCapacity> capacity;     ///< capacity (qualified name -> capacity)
  std::vector<DeviceCounterConsumption> consumes_counters;  ///< consumesCounters
  // Per-device node selection, only with the slice's perDeviceNodeSelection: exactly one of these.
  std::optional<std::string> node_name;                 ///< nodeName
  std::optional<NodeSelector> node_selector;            ///< nodeSelector
  bool all_nodes = false;                               ///< allNodes
  std::vector<DeviceTaint> taints;                      ///< taints
  std::optional<bool> binds_to_node;                    ///< bindsToNode
  std::vector<std::string> binding_conditions;          ///< bindingConditions
  std::vector<std::string> binding_failure_conditions;  ///< bindingFailureConditions
  std::optional<bool> allow_multiple_allocations;       ///< allowMultipleAllocations
};

/// spec.pool
struct ResourcePool {
  std::string name;                       ///< name
  std::int64_t generation = 0;            ///< generation
  std::int64_t resource_slice_count = 1;  ///< resourceSliceCount
};

struct ResourceSlice {
  ObjectMeta meta;
  std::string driver;  ///< spec.driver
  ResourcePool pool;   ///< spec.pool
  // Exactly one of the next four.
  std::optional<std::string> node_name;       ///< spec.nodeName
  std::optional<NodeSelector> node_selector;  ///< spec.nodeSelector
  bool all_nodes = false;                     ///< spec.allNodes
  bool per_device_node_selection = false;     ///< spec.perDeviceNodeSelection
  std::vector<CounterSet> shared_counters;    ///< spec.sharedCounters
  std::vector<Device> devices;                ///< spec.devices
};

// ---------------------------------------------------------------------------------------------
// DeviceClass

/// opaque: driver-specific parameters, ignored by allocation.
struct OpaqueDeviceConfiguration {
  std::string driver;  ///< driver
  /// parameters, as a YAML/JSON text (flow style) of the object as written.
  std::string parameters;
};

/// DeviceClass.spec.config[]
struct DeviceClassConfiguration {
  OpaqueDeviceConfiguration opaque;  ///< opaque
};

struct DeviceClass {
  ObjectMeta meta;
  std::vector<std::string> selectors;                 ///< spec.selectors[].cel.expression
  std::vector<DeviceClassConfiguration> config;       ///< spec.config
  std::optional<std::string> extended_resource_name;  ///< spec.extendedResourceName
};

// ---------------------------------------------------------------------------------------------
// ResourceClaim

enum class AllocationMode : std::uint8_t { kExactCount, kAll };
enum class TolerationOperator : std::uint8_t { kEqual, kExists };

struct DeviceToleration {
  std::string key;                                     ///< key
  TolerationOperator op = TolerationOperator::kEqual;  ///< operator (default Equal)
  std::string value;                                   ///< value
  std::optional<TaintEffect> effect;                   ///< effect (unset/"" = every effect)
  std::optional<std::int64_t> toleration_seconds;      ///< tolerationSeconds
};

/// spec.devices.requests[].exactly
struct ExactDeviceRequest {
  std::string device_class_name;                                 ///< deviceClassName
  std::vector<std::string> selectors;                            ///< selectors[].cel.expression
  AllocationMode allocation_mode = AllocationMode::kExactCount;  ///< allocationMode
  std::int64_t count = 1;                                        ///< count (ExactCount only)
  std::optional<bool> admin_access;                              ///< adminAccess
  std::vector<DeviceToleration> tolerations;                     ///< tolerations
  std::map<std::string, Quantity> capacity_requests;             ///< capacity.requests
};

/// spec.devices.requests[].firstAvailable[]: like exactly, plus a name, minus adminAccess.
struct DeviceSubRequest {
  std::string name;                                              ///< name
  std::string device_class_name;                                 ///< deviceClassName
  std::vector<std::string> selectors;                            ///< selectors[].cel.expression
  AllocationMode allocation_mode = AllocationMode::kExactCount;  ///< allocationMode
  std::int64_t count = 1;                                        ///< count
  std::vector<DeviceToleration> tolerations;                     ///< tolerations
  std::map<std::string, Quantity> capacity_requests;             ///< capacity.requests
};

/// spec.devices.requests[]: exactly one of `exactly` and a non-empty `first_available`.
struct DeviceRequest {
  std::string name;                               ///< name
  std::optional<ExactDeviceRequest> exactly;      ///< exactly
  std::vector<DeviceSubRequest> first_available;  ///< firstAvailable
};

/// spec.devices.constraints[]: exactly one of match_attribute / distinct_attribute.
struct DeviceConstraint {
  std::vector<std::string> requests;              ///< requests (empty = all)
  std::optional<std::string> match_attribute;     ///< matchAttribute
  std::optional<std::string> distinct_attribute;  ///< distinctAttribute
};

/// spec.devices.config[]
struct DeviceClaimConfiguration {
  std::vector<std::string> requests;  ///< requests (empty = all)
  OpaqueDeviceConfiguration opaque;   ///< opaque
};

/// ResourceClaimSpec; the fields live under spec.devices.
struct ResourceClaimSpec {
  std::vector<DeviceRequest> requests;           ///< spec.devices.requests
  std::vector<DeviceConstraint> constraints;     ///< spec.devices.constraints
  std::vector<DeviceClaimConfiguration> config;  ///< spec.devices.config
};

/// status.allocation.devices.results[]
struct DeviceRequestAllocationResult {
  std::string request;                                  ///< request ("req" or "req/sub")
  std::string driver;                                   ///< driver
  std::string pool;                                     ///< pool
  std::string device;                                   ///< device
  std::optional<bool> admin_access;                     ///< adminAccess
  std::vector<DeviceToleration> tolerations;            ///< tolerations
  std::vector<std::string> binding_conditions;          ///< bindingConditions
  std::vector<std::string> binding_failure_conditions;  ///< bindingFailureConditions
  std::optional<std::string> share_id;                  ///< shareID
  std::map<std::string, Quantity> consumed_capacity;    ///< consumedCapacity
};

enum class AllocationConfigSource : std::uint8_t { kFromClass, kFromClaim };

/// status.allocation.devices.config[]
struct DeviceAllocationConfiguration {
  AllocationConfigSource source = AllocationConfigSource::kFromClaim;  ///< source
  std::vector<std::string> requests;                                   ///< requests
  OpaqueDeviceConfiguration opaque;                                    ///< opaque
};

/// status.allocation
struct AllocationResult {
  std::vector<DeviceRequestAllocationResult> results;  ///< devices.results
  std::vector<DeviceAllocationConfiguration> config;   ///< devices.config
  std::optional<NodeSelector> node_selector;           ///< nodeSelector
  std::optional<std::string> allocation_timestamp;     ///< allocationTimestamp (RFC 3339)
};

/// status.reservedFor[]
struct ResourceClaimConsumerReference {
  std::string api_group;  ///< apiGroup ("" for core)
  std::string resource;   ///< resource ("pods")
  std::string name;       ///< name
  std::string uid;        ///< uid
};

struct ResourceClaimStatus {
  std::optional<AllocationResult> allocation;                ///< allocation
  std::vector<ResourceClaimConsumerReference> reserved_for;  ///< reservedFor
};

struct ResourceClaim {
  ObjectMeta meta;
  ResourceClaimSpec spec;      ///< spec
  ResourceClaimStatus status;  ///< status
};

struct ResourceClaimTemplate {
  ObjectMeta meta;
  ObjectMeta template_meta;  ///< spec.metadata (labels / annotations for generated claims)
  ResourceClaimSpec spec;    ///< spec.spec
};

// ---------------------------------------------------------------------------------------------
// core/v1

struct Node {
  ObjectMeta meta;  ///< metadata; the node name is meta.name, its labels meta.labels
};

/// pod.spec.resourceClaims[]: exactly one of the two sources.
struct PodResourceClaim {
  std::string name;                                         ///< name
  std::optional<std::string> resource_claim_name;           ///< resourceClaimName
  std::optional<std::string> resource_claim_template_name;  ///< resourceClaimTemplateName
};

/// pod.status.resourceClaimStatuses[]: the claim generated for a template entry.
struct PodResourceClaimStatus {
  std::string name;                                ///< name
  std::optional<std::string> resource_claim_name;  ///< resourceClaimName
};

struct Pod {
  ObjectMeta meta;
  std::optional<std::string> node_name;                         ///< spec.nodeName
  std::vector<PodResourceClaim> resource_claims;                ///< spec.resourceClaims
  std::vector<PodResourceClaimStatus> resource_claim_statuses;  ///< status.resourceClaimStatuses
};

// ---------------------------------------------------------------------------------------------
// sluice.dev/v1alpha1 Workload: Sluice's own kind, the input of `sluice dra plan`.

/// A group of identical pods to place: `replicas` pods, each with the claims of
/// `resource_claims` (a template entry gives every replica its own claim, a named claim is
/// shared). Higher priority is placed first; a gang is placed whole or not at all.
struct Workload {
  ObjectMeta meta;
  std::int64_t priority = 0;                      ///< spec.priority
  std::int64_t replicas = 1;                      ///< spec.replicas
  bool gang = false;                              ///< spec.gang
  std::vector<PodResourceClaim> resource_claims;  ///< spec.resourceClaims (as a Pod's)
};

// ---------------------------------------------------------------------------------------------
// Everything read from any number of files.

struct Inventory {
  std::vector<DeviceClass> device_classes;
  std::vector<ResourceClaim> resource_claims;
  std::vector<ResourceClaimTemplate> resource_claim_templates;
  std::vector<ResourceSlice> resource_slices;
  std::vector<Node> nodes;
  std::vector<Pod> pods;
  std::vector<Workload> workloads;

  /// Moves every object of `other` to the end of this inventory's vectors.
  void append(Inventory&& other) {
    auto move_all = [](auto& to, auto& from) {
      to.insert(to.end(), std::make_move_iterator(from.begin()),
                std::make_move_iterator(from.end()));
      from.clear();
    };
    move_all(device_classes, other.device_classes);
    move_all(resource_claims, other.resource_claims);
    move_all(resource_claim_templates, other.resource_claim_templates);
    move_all(resource_slices, other.resource_slices);
    move_all(nodes, other.nodes);
    move_all(pods, other.pods);
    move_all(workloads, other.workloads);
  }
  std::size_t object_count() const {
    return device_classes.size() + resource_claims.size() + resource_claim_templates.size() +
           resource_slices.size() + nodes.size() + pods.size() + workloads.size();
  }
};

using Cluster = Inventory;

}  // namespace sluice::dra
