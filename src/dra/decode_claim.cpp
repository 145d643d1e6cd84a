// DeviceClass, ResourceClaim (spec and status.allocation) and ResourceClaimTemplate.
#include "dra/decode_objects.h"

#include <algorithm>
#include <limits>
#include <set>

namespace sluice::dra::decode_detail {
namespace {

constexpr std::size_t kMaxRequests = 32;
constexpr std::size_t kMaxSubRequests = 8;
constexpr std::size_t kMaxConstraints = 32;
constexpr std::size_t kMaxConfigs = 32;
constexpr std::size_t kMaxResults = 32;
constexpr std::size_t kMaxAllocationConfigs = 64;
constexpr std::size_t kMaxReservedFor = 256;
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

std::map<std::string, Quantity> read_quantity_map(const Reader& r) {
  std::map<std::string, Quantity> out;
  r.for_each_entry(32, [&](const std::string& name, const Reader& q) {
    if (!is_qualified_name(name)) q.fail("invalid qualified name \"" + name + "\"");
    out.emplace(name, q.as_quantity());
  });
  return out;
}

/// The fields ExactDeviceRequest and DeviceSubRequest share.
template <typename T>
void read_request_body(const Reader& r, T& req) {
  req.device_class_name = r.required_string("deviceClassName");
  if (!is_dns_subdomain(req.device_class_name)) {
    r.child("deviceClassName").fail("must be a DNS subdomain");
  }
  req.selectors = read_selectors(r);
  std::string mode = r.optional_string("allocationMode").value_or("");
  if (mode.empty() || mode == "ExactCount") {
    req.allocation_mode = AllocationMode::kExactCount;
  } else if (mode == "All") {
    req.allocation_mode = AllocationMode::kAll;
  } else {
    r.child("allocationMode").fail("must be ExactCount or All, got \"" + mode + "\"");
  }
  if (r.has("count")) {
    if (req.allocation_mode == AllocationMode::kAll) {
      r.child("count").fail("must not be set when allocationMode is All");
    }
    req.count = r.child("count").as_int(1, kInt64Max);
  }
  req.tolerations = read_tolerations(r, "tolerations");
  Reader cap = r.child("capacity");
  cap.expect_map({"requests"});
  req.capacity_requests = read_quantity_map(cap.child("requests"));
}

DeviceRequest read_request(const Reader& r) {
  r.expect_map({"name", "exactly", "firstAvailable"});
  DeviceRequest req;
  req.name = r.required_string("name");
  if (!is_dns_label(req.name)) r.child("name").fail("must be a DNS label");
  bool has_exactly = r.has("exactly");
  bool has_first = r.has("firstAvailable");
  if (has_exactly == has_first) r.fail("exactly one of exactly and firstAvailable is required");
  if (has_exactly) {
    Reader e = r.child("exactly");
    e.expect_map({"deviceClassName", "selectors", "allocationMode", "count", "adminAccess",
                  "tolerations", "capacity"});
    ExactDeviceRequest exact;
    read_request_body(e, exact);
    exact.admin_access = e.optional_bool("adminAccess");
    req.exactly = std::move(exact);
    return req;
  }
  std::set<std::string, std::less<>> names;
  r.for_each_item("firstAvailable", kMaxSubRequests, [&](const Reader& s) {
    s.expect_map({"name", "deviceClassName", "selectors", "allocationMode", "count", "tolerations",
                  "capacity"});
    DeviceSubRequest sub;
    sub.name = s.required_string("name");
    if (!is_dns_label(sub.name)) s.child("name").fail("must be a DNS label");
    if (!names.insert(sub.name).second) s.child("name").fail("duplicate subrequest name");
    read_request_body(s, sub);
    req.first_available.push_back(std::move(sub));
  });
  if (req.first_available.empty()) r.child("firstAvailable").fail("must be non-empty");
  return req;
}

/// `ref` is "req" or "req/sub" naming a request (and subrequest) of `requests`.
bool request_exists(const std::vector<DeviceRequest>& requests, std::string_view ref) {
  auto slash = ref.find('/');
  auto name = ref.substr(0, slash);
  auto it = std::find_if(requests.begin(), requests.end(),
                         [&](const DeviceRequest& r) { return r.name == name; });
  if (it == requests.end()) return false;
  if (slash == std::string_view::npos) return true;
  auto sub = ref.substr(slash + 1);
  return std::any_of(it->first_available.begin(), it->first_available.end(),
                     [&](const DeviceSubRequest& s) { return s.name == sub; });
}

std::vector<std::string> read_request_refs(const Reader& parent,
                                           const std::vector<DeviceRequest>& requests) {
  std::vector<std::string> refs;
  parent.for_each_item("requests", kMaxRequests, [&](const Reader& r) {
    std::string ref = r.as_string();
    if (!request_exists(requests, ref)) r.fail("no request named \"" + ref + "\" in this claim");
    refs.push_back(std::move(ref));
  });
  return refs;
}

std::string read_full_qualified(const Reader& r) {
  std::string name = r.as_string();
  if (name.find('/') == std::string::npos || !is_qualified_name(name)) {
    r.fail("must be a fully qualified name <domain>/<name>, got \"" + name + "\"");
  }
  return name;
}

}  // namespace

ResourceClaimSpec read_claim_spec(const Reader& spec) {
  if (spec.is_null()) spec.fail("required");
  spec.expect_map({"devices"});
  Reader devices = spec.child("devices");
  devices.expect_map({"requests", "constraints", "config"});
  ResourceClaimSpec out;
  std::set<std::string, std::less<>> names;
  devices.for_each_item("requests", kMaxRequests, [&](const Reader& r) {
    DeviceRequest req = read_request(r);
    if (!names.insert(req.name).second) r.child("name").fail("duplicate request name");
    out.requests.push_back(std::move(req));
  });
  devices.for_each_item("constraints", kMaxConstraints, [&](const Reader& c) {
    c.expect_map({"requests", "matchAttribute", "distinctAttribute"});
    DeviceConstraint con;
    con.requests = read_request_refs(c, out.requests);
    if (c.has("matchAttribute"))
      con.match_attribute = read_full_qualified(c.child("matchAttribute"));
    if (c.has("distinctAttribute")) {
      con.distinct_attribute = read_full_qualified(c.child("distinctAttribute"));
    }
    if (con.match_attribute.has_value() == con.distinct_attribute.has_value()) {
      c.fail("exactly one of matchAttribute and distinctAttribute is required");
    }
    out.constraints.push_back(std::move(con));
  });
  devices.for_each_item("config", kMaxConfigs, [&](const Reader& c) {
    c.expect_map({"requests", "opaque"});
    DeviceClaimConfiguration conf;
    conf.requests = read_request_refs(c, out.requests);
    if (!c.has("opaque")) c.child("opaque").fail("required");
    conf.opaque = read_opaque(c.child("opaque"));
    out.config.push_back(std::move(conf));
  });
  return out;
}

namespace {

AllocationResult read_allocation(const Reader& a) {
  a.expect_map({"devices", "nodeSelector", "allocationTimestamp"});
  AllocationResult out;
  Reader devices = a.child("devices");
  devices.expect_map({"results", "config"});
  devices.for_each_item("results", kMaxResults, [&](const Reader& r) {
    r.expect_map({"request", "driver", "pool", "device", "adminAccess", "tolerations",
                  "bindingConditions", "bindingFailureConditions", "shareID", "consumedCapacity"});
    DeviceRequestAllocationResult res;
    res.request = r.required_string("request");
    res.driver = r.required_string("driver");
    res.pool = r.required_string("pool");
    res.device = r.required_string("device");
    res.admin_access = r.optional_bool("adminAccess");
    res.tolerations = read_tolerations(r, "tolerations");
    res.binding_conditions = r.string_list("bindingConditions", 4);
    res.binding_failure_conditions = r.string_list("bindingFailureConditions", 4);
    res.share_id = r.optional_string("shareID");
    res.consumed_capacity = read_quantity_map(r.child("consumedCapacity"));
    out.results.push_back(std::move(res));
  });
  devices.for_each_item("config", kMaxAllocationConfigs, [&](const Reader& c) {
    c.expect_map({"source", "requests", "opaque"});
    DeviceAllocationConfiguration conf;
    std::string source = c.required_string("source");
    if (source == "FromClass") {
      conf.source = AllocationConfigSource::kFromClass;
    } else if (source == "FromClaim") {
      conf.source = AllocationConfigSource::kFromClaim;
    } else {
      c.child("source").fail("must be FromClass or FromClaim, got \"" + source + "\"");
    }
    conf.requests = c.string_list("requests", kMaxRequests);
    if (!c.has("opaque")) c.child("opaque").fail("required");
    conf.opaque = read_opaque(c.child("opaque"));
    out.config.push_back(std::move(conf));
  });
  if (a.has("nodeSelector")) out.node_selector = read_node_selector(a.child("nodeSelector"));
  out.allocation_timestamp = a.optional_string("allocationTimestamp");
  return out;
}

}  // namespace

DeviceClass read_device_class(const Reader& object, ObjectMeta meta) {
  object.expect_map({"apiVersion", "kind", "metadata", "spec"});
  require_subdomain_name(object, meta);
  DeviceClass dc;
  dc.meta = std::move(meta);
  Reader spec = object.child("spec");
  spec.expect_map({"selectors", "config", "extendedResourceName"});
  dc.selectors = read_selectors(spec);
  spec.for_each_item("config", kMaxConfigs, [&](const Reader& c) {
    c.expect_map({"opaque"});
    if (!c.has("opaque")) c.child("opaque").fail("required");
    dc.config.push_back({read_opaque(c.child("opaque"))});
  });
  dc.extended_resource_name = spec.optional_string("extendedResourceName");
  return dc;
}

ResourceClaim read_resource_claim(const Reader& object, ObjectMeta meta) {
  object.expect_map({"apiVersion", "kind", "metadata", "spec", "status"});
  require_subdomain_name(object, meta);
  ResourceClaim claim;
  claim.meta = std::move(meta);
  claim.spec = read_claim_spec(object.child("spec"));
  Reader status = object.child("status");
  // status.devices (driver-reported device status) does not matter for allocation.
  status.expect_map({"allocation", "reservedFor", "devices"});
  if (status.has("allocation"))
    claim.status.allocation = read_allocation(status.child("allocation"));
  status.for_each_item("reservedFor", kMaxReservedFor, [&](const Reader& r) {
    r.expect_map({"apiGroup", "resource", "name", "uid"});
    claim.status.reserved_for.push_back({r.optional_string("apiGroup").value_or(""),
                                         r.required_string("resource"), r.required_string("name"),
                                         r.required_string("uid")});
  });
  return claim;
}

ResourceClaimTemplate read_resource_claim_template(const Reader& object, ObjectMeta meta) {
  object.expect_map({"apiVersion", "kind", "metadata", "spec"});
  require_subdomain_name(object, meta);
  ResourceClaimTemplate t;
  t.meta = std::move(meta);
  Reader spec = object.child("spec");
  if (spec.is_null()) spec.fail("required");
  spec.expect_map({"metadata", "spec"});
  Reader tm = spec.child("metadata");
  tm.expect_map({"labels", "annotations", "name", "namespace", "generateName", "finalizers"});
  t.template_meta.labels = tm.child("labels").string_map();
  t.template_meta.annotations = tm.child("annotations").string_map();
  t.spec = read_claim_spec(spec.child("spec"));
  return t;
}

}  // namespace sluice::dra::decode_detail
