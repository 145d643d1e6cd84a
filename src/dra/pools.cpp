#include "dra/pools.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <utility>

namespace sluice::dra {
namespace {

bool parse_int(const std::string& text, std::int64_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool requirement_matches(const NodeSelectorRequirement& r, const std::string* value) {
  const auto listed = [&r, value] {
    return value != nullptr &&
           std::find(r.values.begin(), r.values.end(), *value) != r.values.end();
  };
  switch (r.op) {
    case NodeSelectorOperator::kIn:
      return listed();
    case NodeSelectorOperator::kNotIn:
      return !listed();
    case NodeSelectorOperator::kExists:
      return value != nullptr;
    case NodeSelectorOperator::kDoesNotExist:
      return value == nullptr;
    case NodeSelectorOperator::kGt:
    case NodeSelectorOperator::kLt: {
      std::int64_t have = 0;
      std::int64_t bound = 0;
      if (value == nullptr || r.values.size() != 1 || !parse_int(*value, have) ||
          !parse_int(r.values.front(), bound)) {
        return false;
      }
      return r.op == NodeSelectorOperator::kGt ? have > bound : have < bound;
    }
  }
  return false;
}

bool term_matches(const NodeSelectorTerm& term, const Node& node) {
  if (term.match_expressions.empty() && term.match_fields.empty()) return false;
  for (const NodeSelectorRequirement& r : term.match_expressions) {
    const auto it = node.meta.labels.find(r.key);
    if (!requirement_matches(r, it == node.meta.labels.end() ? nullptr : &it->second)) return false;
  }
  for (const NodeSelectorRequirement& r : term.match_fields) {
    const std::string* value = r.key == "metadata.name" ? &node.meta.name : nullptr;
    if (!requirement_matches(r, value)) return false;
  }
  return true;
}

/// Whether a slice (or, with perDeviceNodeSelection, a device) applies to `node`, and whether
/// it is tied to the node rather than available on all nodes.
bool applies(const std::optional<std::string>& node_name,
             const std::optional<NodeSelector>& selector, bool all_nodes, const Node& node,
             bool& local) {
  if (node_name) {
    local = true;
    return *node_name == node.meta.name;
  }
  if (selector) {
    local = true;
    return node_selector_matches(*selector, node);
  }
  return all_nodes;
}

}  // namespace

bool node_selector_matches(const NodeSelector& selector, const Node& node) {
  return std::any_of(selector.node_selector_terms.begin(), selector.node_selector_terms.end(),
                     [&node](const NodeSelectorTerm& t) { return term_matches(t, node); });
}

std::string device_id(const std::string& driver, const std::string& pool,
                      const std::string& device) {
  return driver + "/" + pool + "/" + device;
}

NodeDevices devices_for_node(const Inventory& inventory, const Node& node) {
  std::vector<const ResourceSlice*> slices;
  slices.reserve(inventory.resource_slices.size());
  for (const ResourceSlice& slice : inventory.resource_slices) slices.push_back(&slice);
  return devices_for_node(slices, node);
}

NodeDevices devices_for_node(std::span<const ResourceSlice* const> all, const Node& node) {
  // (driver, pool) -> slices of the pool that apply to the node.
  std::map<std::pair<std::string, std::string>, std::vector<const ResourceSlice*>> by_pool;
  for (const ResourceSlice* slice_ptr : all) {
    const ResourceSlice& slice = *slice_ptr;
    bool local = false;
    const bool relevant =
        slice.per_device_node_selection ||
        applies(slice.node_name, slice.node_selector, slice.all_nodes, node, local);
    if (relevant) by_pool[{slice.driver, slice.pool.name}].push_back(&slice);
  }
  NodeDevices out;
  for (auto& [key, slices] : by_pool) {
    std::int64_t generation = 0;
    for (const ResourceSlice* s : slices) generation = std::max(generation, s->pool.generation);
    std::erase_if(
        slices, [generation](const ResourceSlice* s) { return s->pool.generation != generation; });
    std::sort(slices.begin(), slices.end(), [](const ResourceSlice* a, const ResourceSlice* b) {
      return a->meta.name < b->meta.name;
    });
    NodePool pool;
    pool.driver = key.first;
    pool.name = key.second;
    pool.generation = generation;
    pool.incomplete =
        static_cast<std::int64_t>(slices.size()) < slices.front()->pool.resource_slice_count;
    const std::size_t index = out.pools.size();
    for (const ResourceSlice* slice : slices) {
      for (const CounterSet& set : slice->shared_counters) pool.counter_sets.push_back(&set);
      for (const Device& device : slice->devices) {
        bool local = false;
        if (slice->per_device_node_selection) {
          if (!applies(device.node_name, device.node_selector, device.all_nodes, node, local)) {
            continue;
          }
        } else {
          applies(slice->node_name, slice->node_selector, slice->all_nodes, node, local);
        }
        pool.node_local = pool.node_local || local;
        out.devices.push_back(NodeDevice{index, slice, &device});
      }
    }
    out.pools.push_back(std::move(pool));
  }
  return out;
}

const DeviceAttribute* device_attribute(const Device& device, const std::string& driver,
                                        const std::string& name) {
  if (const auto it = device.attributes.find(name); it != device.attributes.end()) {
    return &it->second;
  }
  const QualifiedName q = parse_qualified_name(name, driver);
  if (q.domain != driver) return nullptr;
  const auto it = device.attributes.find(std::string(q.id));
  return it == device.attributes.end() ? nullptr : &it->second;
}

std::string attribute_text(const DeviceAttribute& attribute) {
  switch (attribute.kind) {
    case DeviceAttribute::Kind::kInt:
      return std::to_string(attribute.int_value);
    case DeviceAttribute::Kind::kBool:
      return attribute.bool_value ? "true" : "false";
    case DeviceAttribute::Kind::kString:
    case DeviceAttribute::Kind::kVersion:
      return attribute.string_value;
  }
  return {};
}

}  // namespace sluice::dra
