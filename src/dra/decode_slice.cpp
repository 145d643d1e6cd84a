// ResourceSlice: pool, node selection, shared counters and devices (resource/v1 validation as of
// Kubernetes 1.35).
#include "dra/decode_objects.h"

#include <limits>
#include <set>

namespace sluice::dra::decode_detail {
namespace {

constexpr std::size_t kMaxDevices = 128;
constexpr std::size_t kMaxDevicesAdvanced = 64;  // when a device has taints or consumesCounters
constexpr std::size_t kMaxAttributesAndCapacity = 32;
constexpr std::size_t kMaxCounterSets = 8;
constexpr std::size_t kMaxCounters = 32;
constexpr std::size_t kMaxConsumesCounters = 2;
constexpr std::size_t kMaxTaints = 16;
constexpr std::size_t kMaxBindingConditions = 4;
constexpr std::size_t kMaxAttributeString = 64;
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

void check_qualified(const Reader& r, const std::string& name) {
  if (!is_qualified_name(name)) {
    r.fail("invalid qualified name \"" + name +
           "\" (a C identifier of at most 32 characters, optionally prefixed by a DNS domain "
           "and '/')");
  }
}

DeviceAttribute read_attribute(const Reader& r) {
  r.expect_map({"int", "bool", "string", "version"});
  int set = 0;
  DeviceAttribute a;
  if (r.has("int")) {
    ++set;
    a = DeviceAttribute::of_int(
        r.child("int").as_int(std::numeric_limits<std::int64_t>::min(), kInt64Max));
  }
  if (r.has("bool")) {
    ++set;
    a = DeviceAttribute::of_bool(r.child("bool").as_bool());
  }
  if (r.has("string")) {
    ++set;
    a = DeviceAttribute::of_string(r.child("string").as_string());
    if (a.string_value.size() > kMaxAttributeString)
      r.child("string").fail("must be at most 64 bytes");
  }
  if (r.has("version")) {
    ++set;
    a = DeviceAttribute::of_version(r.child("version").as_string());
    if (!is_semver(a.string_value)) {
      r.child("version").fail("must be a semantic version (semver 2.0.0), got \"" + a.string_value +
                              "\"");
    }
  }
  if (set != 1) r.fail("exactly one of int, bool, string, version is required");
  return a;
}

std::map<std::string, Counter> read_counters(const Reader& r) {
  std::map<std::string, Counter> out;
  r.for_each_entry(kMaxCounters, [&](const std::string& name, const Reader& c) {
    if (!is_c_identifier(name) && !is_dns_label(name)) {
      c.fail("counter name must be a C identifier or a DNS label");
    }
    c.expect_map({"value"});
    Reader v = c.child("value");
    if (v.is_null()) v.fail("required");
    out.emplace(name, Counter{v.as_quantity()});
  });
  if (out.empty()) r.fail("must be non-empty");
  return out;
}

CapacityRequestPolicy read_request_policy(const Reader& r) {
  r.expect_map({"default", "validValues", "validRange"});
  CapacityRequestPolicy p;
  if (r.has("default")) p.default_value = r.child("default").as_quantity();
  r.for_each_item("validValues", 10, [&](const Reader& v) {
    Quantity q = v.as_quantity();
    if (!p.valid_values.empty() && p.valid_values.back().compare(q) >= 0) {
      v.fail("validValues must be in ascending order without duplicates");
    }
    p.valid_values.push_back(std::move(q));
  });
  if (r.has("validRange")) {
    if (!p.valid_values.empty()) r.fail("at most one of validValues and validRange");
    Reader vr = r.child("validRange");
    vr.expect_map({"min", "max", "step"});
    CapacityRequestPolicyRange range;
    if (!vr.has("min")) vr.child("min").fail("required");
    range.min = vr.child("min").as_quantity();
    if (vr.has("max")) {
      range.max = vr.child("max").as_quantity();
      if (range.max->compare(range.min) < 0) vr.child("max").fail("must be >= min");
    }
    if (vr.has("step")) {
      range.step = vr.child("step").as_quantity();
      if (range.step->sign() <= 0) vr.child("step").fail("must be > 0");
    }
    p.valid_range = std::move(range);
  }
  return p;
}

void read_taints(const Reader& d, Device& dev) {
  d.for_each_item("taints", kMaxTaints, [&](const Reader& t) {
    t.expect_map({"key", "value", "effect", "timeAdded"});
    DeviceTaint taint;
    taint.key = t.required_string("key");
    if (!is_label_key(taint.key)) t.child("key").fail("invalid taint key \"" + taint.key + "\"");
    taint.value = t.optional_string("value").value_or("");
    if (taint.value.size() > 63) t.child("value").fail("must be at most 63 characters");
    std::string effect = t.required_string("effect");
    if (effect == "NoSchedule") {
      taint.effect = TaintEffect::kNoSchedule;
    } else if (effect == "NoExecute") {
      taint.effect = TaintEffect::kNoExecute;
    } else if (effect == "None") {
      taint.effect = TaintEffect::kNone;
    } else {
      t.child("effect").fail("must be NoSchedule, NoExecute or None, got \"" + effect + "\"");
    }
    taint.time_added = t.optional_string("timeAdded");
    dev.taints.push_back(std::move(taint));
  });
}

Device read_device(const Reader& d, bool per_device_nodes) {
  d.expect_map({"name", "attributes", "capacity", "consumesCounters", "nodeName", "nodeSelector",
                "allNodes", "taints", "bindsToNode", "bindingConditions",
                "bindingFailureConditions", "allowMultipleAllocations"});
  Device dev;
  dev.name = d.required_string("name");
  if (!is_dns_label(dev.name)) d.child("name").fail("must be a DNS label");
  d.child("attributes")
      .for_each_entry(kMaxAttributesAndCapacity, [&](const std::string& name, const Reader& a) {
        check_qualified(a, name);
        dev.attributes.emplace(name, read_attribute(a));
      });
  d.child("capacity")
      .for_each_entry(kMaxAttributesAndCapacity, [&](const std::string& name, const Reader& c) {
        check_qualified(c, name);
        c.expect_map({"value", "requestPolicy"});
        DeviceCapacity cap;
        if (!c.has("value")) c.child("value").fail("required");
        cap.value = c.child("value").as_quantity();
        if (c.has("requestPolicy"))
          cap.request_policy = read_request_policy(c.child("requestPolicy"));
        dev.capacity.emplace(name, std::move(cap));
      });
  if (dev.attributes.size() + dev.capacity.size() > kMaxAttributesAndCapacity) {
    d.fail("attributes and capacity together must have at most 32 entries");
  }
  d.for_each_item("consumesCounters", kMaxConsumesCounters, [&](const Reader& c) {
    c.expect_map({"counterSet", "counters"});
    DeviceCounterConsumption use;
    use.counter_set = c.required_string("counterSet");
    use.counters = read_counters(c.child("counters"));
    dev.consumes_counters.push_back(std::move(use));
  });
  dev.node_name = d.optional_string("nodeName");
  if (d.has("nodeSelector")) dev.node_selector = read_node_selector(d.child("nodeSelector"));
  dev.all_nodes = d.optional_bool("allNodes").value_or(false);
  int node_fields = (dev.node_name ? 1 : 0) + (dev.node_selector ? 1 : 0) + (dev.all_nodes ? 1 : 0);
  if (per_device_nodes && node_fields != 1) {
    d.fail(
        "exactly one of nodeName, nodeSelector, allNodes is required with "
        "spec.perDeviceNodeSelection");
  }
  if (!per_device_nodes && node_fields != 0) {
    d.fail("nodeName, nodeSelector and allNodes of a device need spec.perDeviceNodeSelection");
  }
  if (dev.node_selector && dev.node_selector->node_selector_terms.size() != 1) {
    d.child("nodeSelector").fail("must have exactly one term");
  }
  read_taints(d, dev);
  dev.binds_to_node = d.optional_bool("bindsToNode");
  dev.binding_conditions = d.string_list("bindingConditions", kMaxBindingConditions);
  dev.binding_failure_conditions = d.string_list("bindingFailureConditions", kMaxBindingConditions);
  dev.allow_multiple_allocations = d.optional_bool("allowMultipleAllocations");
  return dev;
}

}  // namespace

ResourceSlice read_resource_slice(const Reader& object, ObjectMeta meta) {
  object.expect_map({"apiVersion", "kind", "metadata", "spec"});
  require_subdomain_name(object, meta);
  ResourceSlice s;
  s.meta = std::move(meta);
  Reader spec = object.child("spec");
  if (spec.is_null()) spec.fail("required");
  spec.expect_map({"driver", "pool", "nodeName", "nodeSelector", "allNodes",
                   "perDeviceNodeSelection", "devices", "sharedCounters"});
  s.driver = spec.required_string("driver");
  if (s.driver.size() > 63 || !is_dns_subdomain(s.driver)) {
    spec.child("driver").fail("must be a DNS subdomain of at most 63 characters");
  }
  Reader pool = spec.child("pool");
  if (pool.is_null()) pool.fail("required");
  pool.expect_map({"name", "generation", "resourceSliceCount"});
  s.pool.name = pool.required_string("name");
  if (s.pool.name.size() > 253) pool.child("name").fail("must be at most 253 characters");
  for (std::size_t start = 0;;) {
    auto slash = s.pool.name.find('/', start);
    auto part = std::string_view(s.pool.name)
                    .substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!is_dns_subdomain(part)) pool.child("name").fail("must be DNS subdomains separated by '/'");
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (pool.has("generation")) s.pool.generation = pool.child("generation").as_int(0, kInt64Max);
  if (!pool.has("resourceSliceCount")) pool.child("resourceSliceCount").fail("required");
  s.pool.resource_slice_count = pool.child("resourceSliceCount").as_int(1, kInt64Max);

  s.node_name = spec.optional_string("nodeName");
  if (spec.has("nodeSelector")) s.node_selector = read_node_selector(spec.child("nodeSelector"));
  s.all_nodes = spec.optional_bool("allNodes").value_or(false);
  s.per_device_node_selection = spec.optional_bool("perDeviceNodeSelection").value_or(false);
  int node_fields = (s.node_name ? 1 : 0) + (s.node_selector ? 1 : 0) + (s.all_nodes ? 1 : 0) +
                    (s.per_device_node_selection ? 1 : 0);
  if (node_fields != 1) {
    spec.fail(
        "exactly one of nodeName, nodeSelector, allNodes, perDeviceNodeSelection is required");
  }
  if (s.node_name && !is_dns_subdomain(*s.node_name)) {
    spec.child("nodeName").fail("must be a DNS subdomain");
  }
  if (s.node_selector && s.node_selector->node_selector_terms.size() != 1) {
    spec.child("nodeSelector").fail("must have exactly one term");
  }

  std::set<std::string, std::less<>> set_names;
  spec.for_each_item("sharedCounters", kMaxCounterSets, [&](const Reader& c) {
    c.expect_map({"name", "counters"});
    CounterSet cs;
    cs.name = c.required_string("name");
    if (!is_dns_label(cs.name)) c.child("name").fail("must be a DNS label");
    if (!set_names.insert(cs.name).second) c.child("name").fail("duplicate counter set name");
    cs.counters = read_counters(c.child("counters"));
    s.shared_counters.push_back(std::move(cs));
  });
  std::set<std::string, std::less<>> device_names;
  bool advanced = false;
  spec.for_each_item("devices", kMaxDevices, [&](const Reader& d) {
    Device dev = read_device(d, s.per_device_node_selection);
    if (!device_names.insert(dev.name).second) d.child("name").fail("duplicate device name");
    advanced = advanced || !dev.taints.empty() || !dev.consumes_counters.empty();
    s.devices.push_back(std::move(dev));
  });
  if (advanced && s.devices.size() > kMaxDevicesAdvanced) {
    spec.child("devices").fail(
        "must have at most 64 devices when devices use taints or "
        "consumesCounters");
  }
  if (!s.devices.empty() && !s.shared_counters.empty()) {
    spec.child("sharedCounters")
        .fail("a slice has either devices or sharedCounters, not both (Kubernetes 1.35)");
  }
  return s;
}

}  // namespace sluice::dra::decode_detail
