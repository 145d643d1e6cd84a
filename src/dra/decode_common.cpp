// Decoders shared by several kinds: metadata, core/v1 NodeSelector, tolerations, opaque config,
// CEL selectors; and the core/v1 kinds Node and Pod.
#include "dra/decode_objects.h"

#include <charconv>
#include <limits>

namespace sluice::dra::decode_detail {
namespace {

constexpr std::size_t kUnbounded = std::numeric_limits<std::size_t>::max();
constexpr std::size_t kMaxSelectors = 32;
constexpr std::size_t kMaxTolerations = 16;
constexpr std::size_t kMaxExpressionLength = 10 * 1024;

NodeSelectorRequirement read_requirement(const Reader& r, bool field) {
  r.expect_map({"key", "operator", "values"});
  NodeSelectorRequirement req;
  req.key = r.required_string("key");
  if (field && req.key != "metadata.name") {
    r.child("key").fail("matchFields supports only \"metadata.name\", not \"" + req.key + "\"");
  }
  std::string op = r.required_string("operator");
  if (op == "In") {
    req.op = NodeSelectorOperator::kIn;
  } else if (op == "NotIn") {
    req.op = NodeSelectorOperator::kNotIn;
  } else if (op == "Exists" && !field) {
    req.op = NodeSelectorOperator::kExists;
  } else if (op == "DoesNotExist" && !field) {
    req.op = NodeSelectorOperator::kDoesNotExist;
  } else if (op == "Gt" && !field) {
    req.op = NodeSelectorOperator::kGt;
  } else if (op == "Lt" && !field) {
    req.op = NodeSelectorOperator::kLt;
  } else {
    r.child("operator")
        .fail("unsupported operator \"" + op + "\"" +
              (field ? " (matchFields allows In, NotIn)"
                     : " (expected In, NotIn, Exists, DoesNotExist, Gt or Lt)"));
  }
  req.values = r.string_list("values", kUnbounded);
  Reader values = r.child("values");
  switch (req.op) {
    case NodeSelectorOperator::kIn:
    case NodeSelectorOperator::kNotIn:
      if (req.values.empty()) values.fail("must be non-empty for operator " + op);
      if (field && req.values.size() != 1) values.fail("matchFields needs exactly one value");
      break;
    case NodeSelectorOperator::kExists:
    case NodeSelectorOperator::kDoesNotExist:
      if (!req.values.empty()) values.fail("must be empty for operator " + op);
      break;
    case NodeSelectorOperator::kGt:
    case NodeSelectorOperator::kLt: {
      if (req.values.size() != 1) values.fail("needs exactly one value for operator " + op);
      const std::string& v = req.values[0];
      std::int64_t n = 0;
      auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || ptr != v.data() + v.size()) {
        values.fail("must be an integer for operator " + op + ", got \"" + v + "\"");
      }
      break;
    }
  }
  return req;
}

}  // namespace

ObjectMeta read_meta(const Reader& object, bool namespaced) {
  Reader m = object.child("metadata");
  if (m.is_null()) m.fail("required");
  m.expect_map({"name", "generateName", "namespace", "selfLink", "uid", "resourceVersion",
                "generation", "creationTimestamp", "deletionTimestamp",
                "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences",
                "finalizers", "managedFields"});
  ObjectMeta meta;
  meta.name = m.required_string("name");
  if (m.has("namespace")) {
    if (!namespaced) m.child("namespace").fail("not allowed: this kind is cluster-scoped");
    meta.ns = m.child("namespace").as_string();
    if (!is_dns_label(meta.ns)) m.child("namespace").fail("must be a DNS label");
  } else if (namespaced) {
    meta.ns = "default";
  }
  meta.uid = m.optional_string("uid").value_or("");
  if (m.has("generation")) {
    meta.generation = m.child("generation").as_int(0, std::numeric_limits<std::int64_t>::max());
  }
  meta.labels = m.child("labels").string_map();
  meta.annotations = m.child("annotations").string_map();
  return meta;
}

NodeSelector read_node_selector(const Reader& r) {
  r.expect_map({"nodeSelectorTerms"});
  NodeSelector sel;
  r.for_each_item("nodeSelectorTerms", kUnbounded, [&](const Reader& t) {
    t.expect_map({"matchExpressions", "matchFields"});
    NodeSelectorTerm term;
    t.for_each_item("matchExpressions", kUnbounded, [&](const Reader& e) {
      term.match_expressions.push_back(read_requirement(e, false));
    });
    t.for_each_item("matchFields", kUnbounded, [&](const Reader& e) {
      term.match_fields.push_back(read_requirement(e, true));
    });
    sel.node_selector_terms.push_back(std::move(term));
  });
  if (sel.node_selector_terms.empty()) r.child("nodeSelectorTerms").fail("must be non-empty");
  return sel;
}

std::vector<DeviceToleration> read_tolerations(const Reader& parent, std::string_view key) {
  std::vector<DeviceToleration> out;
  parent.for_each_item(key, kMaxTolerations, [&](const Reader& r) {
    r.expect_map({"key", "operator", "value", "effect", "tolerationSeconds"});
    DeviceToleration t;
    t.key = r.optional_string("key").value_or("");
    if (!t.key.empty() && !is_label_key(t.key)) {
      r.child("key").fail("invalid key \"" + t.key + "\"");
    }
    std::string op = r.optional_string("operator").value_or("Equal");
    if (op == "Equal") {
      t.op = TolerationOperator::kEqual;
    } else if (op == "Exists") {
      t.op = TolerationOperator::kExists;
    } else {
      r.child("operator").fail("must be Equal or Exists, got \"" + op + "\"");
    }
    t.value = r.optional_string("value").value_or("");
    if (t.op == TolerationOperator::kExists && !t.value.empty()) {
      r.child("value").fail("must be empty when operator is Exists");
    }
    if (t.key.empty() && t.op != TolerationOperator::kExists) {
      r.child("operator").fail("must be Exists when key is empty");
    }
    std::string effect = r.optional_string("effect").value_or("");
    if (effect == "NoSchedule") {
      t.effect = TaintEffect::kNoSchedule;
    } else if (effect == "NoExecute") {
      t.effect = TaintEffect::kNoExecute;
    } else if (effect == "None") {
      t.effect = TaintEffect::kNone;
    } else if (!effect.empty()) {
      r.child("effect").fail("must be NoSchedule, NoExecute, None or empty, got \"" + effect +
                             "\"");
    }
    if (r.has("tolerationSeconds")) {
      t.toleration_seconds = r.child("tolerationSeconds")
                                 .as_int(std::numeric_limits<std::int64_t>::min(),
                                         std::numeric_limits<std::int64_t>::max());
    }
    out.push_back(std::move(t));
  });
  return out;
}

OpaqueDeviceConfiguration read_opaque(const Reader& r) {
  r.expect_map({"driver", "parameters"});
  OpaqueDeviceConfiguration o;
  o.driver = r.required_string("driver");
  if (!is_dns_subdomain(o.driver)) r.child("driver").fail("must be a DNS subdomain");
  Reader params = r.child("parameters");
  if (params.is_null()) params.fail("required");
  o.parameters = params.as_flow_text();
  if (o.parameters.size() > 10 * 1024) params.fail("must be at most 10Ki");
  return o;
}

std::vector<std::string> read_selectors(const Reader& parent) {
  std::vector<std::string> out;
  parent.for_each_item("selectors", kMaxSelectors, [&](const Reader& s) {
    s.expect_map({"cel"});
    Reader cel = s.child("cel");
    if (cel.is_null()) cel.fail("required");
    cel.expect_map({"expression"});
    std::string expr = cel.required_string("expression");
    if (expr.size() > kMaxExpressionLength) {
      cel.child("expression").fail("must be at most 10240 bytes");
    }
    out.push_back(std::move(expr));
  });
  return out;
}

Node read_node(const Reader& object, ObjectMeta meta) {
  object.expect_map({"apiVersion", "kind", "metadata", "spec", "status"});
  return Node{std::move(meta)};
}

void require_subdomain_name(const Reader& object, const ObjectMeta& meta) {
  if (!is_dns_subdomain(meta.name)) {
    object.child("metadata").child("name").fail("must be a DNS subdomain");
  }
}

std::vector<PodResourceClaim> read_pod_resource_claims(const Reader& spec) {
  std::vector<PodResourceClaim> out;
  spec.for_each_item("resourceClaims", kUnbounded, [&](const Reader& r) {
    r.expect_map({"name", "resourceClaimName", "resourceClaimTemplateName"});
    PodResourceClaim c;
    c.name = r.required_string("name");
    if (!is_dns_label(c.name)) r.child("name").fail("must be a DNS label");
    c.resource_claim_name = r.optional_string("resourceClaimName");
    c.resource_claim_template_name = r.optional_string("resourceClaimTemplateName");
    if (c.resource_claim_name.has_value() == c.resource_claim_template_name.has_value()) {
      r.fail("exactly one of resourceClaimName and resourceClaimTemplateName is required");
    }
    out.push_back(std::move(c));
  });
  return out;
}

Workload read_workload(const Reader& object, ObjectMeta meta) {
  object.expect_map({"apiVersion", "kind", "metadata", "spec"});
  Workload w;
  w.meta = std::move(meta);
  Reader spec = object.child("spec");
  spec.expect_map({"priority", "replicas", "gang", "resourceClaims"});
  if (spec.has("priority"))
    w.priority = spec.child("priority").as_int(-1'000'000'000, 1'000'000'000);
  if (spec.has("replicas")) w.replicas = spec.child("replicas").as_int(1, 100'000);
  w.gang = spec.optional_bool("gang").value_or(false);
  w.resource_claims = read_pod_resource_claims(spec);
  if (w.resource_claims.empty()) spec.child("resourceClaims").fail("required (at least one claim)");
  return w;
}

Pod read_pod(const Reader& object, ObjectMeta meta) {
  object.expect_map({"apiVersion", "kind", "metadata", "spec", "status"});
  Pod pod;
  pod.meta = std::move(meta);
  Reader spec = object.child("spec");
  spec.expect_any_map();
  if (auto node = spec.optional_string("nodeName"); node && !node->empty()) pod.node_name = node;
  pod.resource_claims = read_pod_resource_claims(spec);
  Reader status = object.child("status");
  status.expect_any_map();
  status.for_each_item("resourceClaimStatuses", kUnbounded, [&](const Reader& r) {
    r.expect_any_map();
    pod.resource_claim_statuses.push_back(
        {r.required_string("name"), r.optional_string("resourceClaimName")});
  });
  return pod;
}

}  // namespace sluice::dra::decode_detail
