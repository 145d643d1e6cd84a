#include "dra/encode.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <string_view>

namespace sluice::dra {
namespace {

/// Whether a plain (unquoted) scalar `s` would be read back as something other than this string
/// (a number, bool, null) or would not parse; such strings are written double-quoted.
bool needs_quotes(std::string_view s) {
  if (s.empty()) return true;
  static constexpr std::array<std::string_view, 22> kSpecial = {
      "true", "false", "True", "False", "TRUE", "FALSE", "yes", "no",   "Yes",  "No",   "YES",
      "NO",   "on",    "off",  "On",    "Off",  "ON",    "OFF", "null", "Null", "NULL", "~"};
  for (auto w : kSpecial) {
    if (s == w) return true;
  }
  char c = s.front();
  if (!((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) return false;
  // Could be a number (decimal, hex, octal, exponent, .inf), a timestamp or a sexagesimal: quote
  // unless a letter rules all of those out ("10Gi", "1g.10gb" stay plain).
  return s.find_first_not_of("0123456789+-._:abcdefABCDEFoOxXinINT tZz") == std::string_view::npos;
}

class ClaimWriter {
 public:
  explicit ClaimWriter(YAML::Emitter& out) : out_(out) {}

  void claim(const ResourceClaim& c) {
    out_ << YAML::BeginMap;
    key_string("apiVersion", "resource.k8s.io/v1");
    key_string("kind", "ResourceClaim");
    meta(c.meta);
    out_ << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << "devices" << YAML::Value << YAML::BeginMap;
    if (!c.spec.requests.empty()) {
      out_ << YAML::Key << "requests" << YAML::Value << YAML::BeginSeq;
      for (const auto& r : c.spec.requests) request(r);
      out_ << YAML::EndSeq;
    }
    if (!c.spec.constraints.empty()) {
      out_ << YAML::Key << "constraints" << YAML::Value << YAML::BeginSeq;
      for (const auto& con : c.spec.constraints) {
        out_ << YAML::BeginMap;
        string_list("requests", con.requests);
        if (con.match_attribute) key_string("matchAttribute", *con.match_attribute);
        if (con.distinct_attribute) key_string("distinctAttribute", *con.distinct_attribute);
        out_ << YAML::EndMap;
      }
      out_ << YAML::EndSeq;
    }
    if (!c.spec.config.empty()) {
      out_ << YAML::Key << "config" << YAML::Value << YAML::BeginSeq;
      for (const auto& conf : c.spec.config) {
        out_ << YAML::BeginMap;
        string_list("requests", conf.requests);
        opaque(conf.opaque);
        out_ << YAML::EndMap;
      }
      out_ << YAML::EndSeq;
    }
    out_ << YAML::EndMap << YAML::EndMap;
    status(c.status);
    out_ << YAML::EndMap;
  }

 private:
  void string(std::string_view s) {
    if (needs_quotes(s)) out_ << YAML::DoubleQuoted;
    out_ << std::string(s);
  }
  void key_string(std::string_view key, std::string_view value) {
    out_ << YAML::Key << std::string(key) << YAML::Value;
    string(value);
  }
  void string_list(std::string_view key, const std::vector<std::string>& values) {
    if (values.empty()) return;
    out_ << YAML::Key << std::string(key) << YAML::Value << YAML::BeginSeq;
    for (const auto& v : values) string(v);
    out_ << YAML::EndSeq;
  }
  void string_map(std::string_view key, const StringMap& m) {
    if (m.empty()) return;
    out_ << YAML::Key << std::string(key) << YAML::Value << YAML::BeginMap;
    for (const auto& [k, v] : m) {
      out_ << YAML::Key << k << YAML::Value;
      string(v);
    }
    out_ << YAML::EndMap;
  }
  void quantity_map(std::string_view key, const std::map<std::string, Quantity>& m) {
    if (m.empty()) return;
    out_ << YAML::Key << std::string(key) << YAML::Value << YAML::BeginMap;
    for (const auto& [k, q] : m) key_string(k, q.to_string());
    out_ << YAML::EndMap;
  }

  void meta(const ObjectMeta& m) {
    out_ << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
    key_string("name", m.name);
    if (!m.ns.empty()) key_string("namespace", m.ns);
    if (!m.uid.empty()) key_string("uid", m.uid);
    if (m.generation != 0) out_ << YAML::Key << "generation" << YAML::Value << m.generation;
    string_map("labels", m.labels);
    string_map("annotations", m.annotations);
    out_ << YAML::EndMap;
  }

  void selectors(const std::vector<std::string>& exprs) {
    if (exprs.empty()) return;
    out_ << YAML::Key << "selectors" << YAML::Value << YAML::BeginSeq;
    for (const auto& e : exprs) {
      out_ << YAML::BeginMap << YAML::Key << "cel" << YAML::Value << YAML::BeginMap;
      out_ << YAML::Key << "expression" << YAML::Value << YAML::DoubleQuoted << e;
      out_ << YAML::EndMap << YAML::EndMap;
    }
    out_ << YAML::EndSeq;
  }

  void tolerations(const std::vector<DeviceToleration>& ts) {
    if (ts.empty()) return;
    out_ << YAML::Key << "tolerations" << YAML::Value << YAML::BeginSeq;
    for (const auto& t : ts) {
      out_ << YAML::BeginMap;
      if (!t.key.empty()) key_string("key", t.key);
      key_string("operator", t.op == TolerationOperator::kExists ? "Exists" : "Equal");
      if (!t.value.empty()) key_string("value", t.value);
      if (t.effect) key_string("effect", effect_name(*t.effect));
      if (t.toleration_seconds) {
        out_ << YAML::Key << "tolerationSeconds" << YAML::Value << *t.toleration_seconds;
      }
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndSeq;
  }

  static std::string_view effect_name(TaintEffect e) {
    switch (e) {
      case TaintEffect::kNoSchedule:
        return "NoSchedule";
      case TaintEffect::kNoExecute:
        return "NoExecute";
      case TaintEffect::kNone:
        return "None";
    }
    return "None";
  }

  template <typename T>
  void request_body(const T& r) {
    key_string("deviceClassName", r.device_class_name);
    selectors(r.selectors);
    if (r.allocation_mode == AllocationMode::kAll) {
      key_string("allocationMode", "All");
    } else {
      key_string("allocationMode", "ExactCount");
      out_ << YAML::Key << "count" << YAML::Value << r.count;
    }
    tolerations(r.tolerations);
    if (!r.capacity_requests.empty()) {
      out_ << YAML::Key << "capacity" << YAML::Value << YAML::BeginMap;
      quantity_map("requests", r.capacity_requests);
      out_ << YAML::EndMap;
    }
  }

  void request(const DeviceRequest& r) {
    out_ << YAML::BeginMap;
    key_string("name", r.name);
    if (r.exactly) {
      out_ << YAML::Key << "exactly" << YAML::Value << YAML::BeginMap;
      request_body(*r.exactly);
      if (r.exactly->admin_access) {
        out_ << YAML::Key << "adminAccess" << YAML::Value << *r.exactly->admin_access;
      }
      out_ << YAML::EndMap;
    }
    if (!r.first_available.empty()) {
      out_ << YAML::Key << "firstAvailable" << YAML::Value << YAML::BeginSeq;
      for (const auto& sub : r.first_available) {
        out_ << YAML::BeginMap;
        key_string("name", sub.name);
        request_body(sub);
        out_ << YAML::EndMap;
      }
      out_ << YAML::EndSeq;
    }
    out_ << YAML::EndMap;
  }

  void opaque(const OpaqueDeviceConfiguration& o) {
    out_ << YAML::Key << "opaque" << YAML::Value << YAML::BeginMap;
    key_string("driver", o.driver);
    out_ << YAML::Key << "parameters" << YAML::Value;
    YAML::Node params;
    try {
      params = YAML::Load(o.parameters);
    } catch (const YAML::Exception&) {
      params = YAML::Node(YAML::NodeType::Map);  // unparsable text cannot come from decode()
    }
    if (!params.IsDefined() || params.IsNull()) params = YAML::Node(YAML::NodeType::Map);
    out_ << params;
    out_ << YAML::EndMap;
  }

  void requirements(std::string_view key, const std::vector<NodeSelectorRequirement>& reqs) {
    if (reqs.empty()) return;
    static constexpr std::array<std::string_view, 6> kOps = {"In",           "NotIn", "Exists",
                                                             "DoesNotExist", "Gt",    "Lt"};
    out_ << YAML::Key << std::string(key) << YAML::Value << YAML::BeginSeq;
    for (const auto& r : reqs) {
      out_ << YAML::BeginMap;
      key_string("key", r.key);
      key_string("operator", kOps[static_cast<std::size_t>(r.op)]);
      string_list("values", r.values);
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndSeq;
  }

  void node_selector(const NodeSelector& sel) {
    out_ << YAML::Key << "nodeSelector" << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << "nodeSelectorTerms" << YAML::Value << YAML::BeginSeq;
    for (const auto& term : sel.node_selector_terms) {
      out_ << YAML::BeginMap;
      requirements("matchExpressions", term.match_expressions);
      requirements("matchFields", term.match_fields);
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndSeq << YAML::EndMap;
  }

  void status(const ResourceClaimStatus& s) {
    if (!s.allocation && s.reserved_for.empty()) return;
    out_ << YAML::Key << "status" << YAML::Value << YAML::BeginMap;
    if (s.allocation) allocation(*s.allocation);
    if (!s.reserved_for.empty()) {
      out_ << YAML::Key << "reservedFor" << YAML::Value << YAML::BeginSeq;
      for (const auto& r : s.reserved_for) {
        out_ << YAML::BeginMap;
        if (!r.api_group.empty()) key_string("apiGroup", r.api_group);
        key_string("resource", r.resource);
        key_string("name", r.name);
        key_string("uid", r.uid);
        out_ << YAML::EndMap;
      }
      out_ << YAML::EndSeq;
    }
    out_ << YAML::EndMap;
  }

  void allocation(const AllocationResult& a) {
    out_ << YAML::Key << "allocation" << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << "devices" << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << "results" << YAML::Value << YAML::BeginSeq;
    for (const auto& r : a.results) {
      out_ << YAML::BeginMap;
      key_string("request", r.request);
      key_string("driver", r.driver);
      key_string("pool", r.pool);
      key_string("device", r.device);
      if (r.admin_access) out_ << YAML::Key << "adminAccess" << YAML::Value << *r.admin_access;
      tolerations(r.tolerations);
      string_list("bindingConditions", r.binding_conditions);
      string_list("bindingFailureConditions", r.binding_failure_conditions);
      if (r.share_id) key_string("shareID", *r.share_id);
      quantity_map("consumedCapacity", r.consumed_capacity);
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndSeq;
    if (!a.config.empty()) {
      out_ << YAML::Key << "config" << YAML::Value << YAML::BeginSeq;
      for (const auto& c : a.config) {
        out_ << YAML::BeginMap;
        key_string("source",
                   c.source == AllocationConfigSource::kFromClass ? "FromClass" : "FromClaim");
        string_list("requests", c.requests);
        opaque(c.opaque);
        out_ << YAML::EndMap;
      }
      out_ << YAML::EndSeq;
    }
    out_ << YAML::EndMap;
    if (a.node_selector) node_selector(*a.node_selector);
    if (a.allocation_timestamp) key_string("allocationTimestamp", *a.allocation_timestamp);
    out_ << YAML::EndMap;
  }

  YAML::Emitter& out_;
};

}  // namespace

std::string encode_claim(const ResourceClaim& claim) {
  YAML::Emitter out;
  out.SetIndent(2);
  out << YAML::BeginDoc;
  ClaimWriter(out).claim(claim);
  std::string text = out.c_str();
  text += '\n';
  return text;
}

std::string encode_claims(const std::vector<ResourceClaim>& claims) {
  std::string text;
  for (const auto& c : claims) text += encode_claim(c);
  return text;
}

}  // namespace sluice::dra
