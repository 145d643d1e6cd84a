// Which devices a node can use: the ResourceSlices that apply to it (nodeName, nodeSelector,
// allNodes, or per device with perDeviceNodeSelection), grouped into pools at their highest
// generation, with incomplete pools marked (fewer slices than resourceSliceCount). The order is
// deterministic: pools by driver then name, slices by name, devices as published (Kubernetes 1.36
// sorts the same way; 1.35 used Go map order).
#pragma once

#include "dra/model.h"

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace sluice::dra {

/// Whether `node` satisfies `selector` (terms ORed, requirements ANDed; matchExpressions on
/// labels, matchFields on metadata.name). An empty selector matches nothing, as in Kubernetes.
bool node_selector_matches(const NodeSelector& selector, const Node& node);

struct NodePool {
  std::string driver;
  std::string name;
  std::int64_t generation = 0;
  /// Fewer slices of this generation than resourceSliceCount: ExactCount may still allocate
  /// from it, allocationMode All may not.
  bool incomplete = false;
  std::vector<const CounterSet*> counter_sets;  ///< sharedCounters of the pool's slices
  /// Some device is tied to this node (nodeName or a node selector) rather than to all nodes.
  bool node_local = false;
};

struct NodeDevice {
  std::size_t pool = 0;  ///< index into NodeDevices::pools
  const ResourceSlice* slice = nullptr;
  const Device* device = nullptr;
};

struct NodeDevices {
  std::vector<NodePool> pools;
  std::vector<NodeDevice> devices;
};

/// The pools and devices of `inventory` available on `node`.
NodeDevices devices_for_node(const Inventory& inventory, const Node& node);

/// The same from a preselected list of slices (all that could apply to the node, in inventory
/// order): what an allocator with a per-node index of slices uses.
NodeDevices devices_for_node(std::span<const ResourceSlice* const> slices, const Node& node);

/// A device's value of attribute `name` as constraints read it: the fully qualified name, or the
/// bare id when the domain is the device's driver. Null when the device lacks it.
const DeviceAttribute* device_attribute(const Device& device, const std::string& driver,
                                        const std::string& name);

/// An attribute value as YAML would print it ("3", "true", "pci0000:00", "1.2.3").
std::string attribute_text(const DeviceAttribute& attribute);

/// "driver/pool/device": a device's identity across the cluster.
std::string device_id(const std::string& driver, const std::string& pool,
                      const std::string& device);

}  // namespace sluice::dra
