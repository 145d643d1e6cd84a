// InferencePool, InferenceObjective and InferenceModelRewrite: the Kubernetes CRD kinds.
#include "config/documents.h"

#include <set>

namespace sluice::config::detail {
namespace {

void expect_object(const YamlReader& doc) {
  doc.expect_map({"apiVersion", "kind", "metadata", "spec", "status"});
}

EndpointPickerRef read_picker_ref(const YamlReader& r) {
  r.expect_map({"group", "kind", "name", "port", "failureMode"});
  EndpointPickerRef ref;
  ref.group = r.optional_string("group").value_or("");
  ref.kind = r.optional_string("kind").value_or("Service");
  ref.name = r.required_string("name");
  if (r.has("port")) {
    const YamlReader port = r.child("port");
    port.expect_map({"number"});
    ref.port = static_cast<int>(port.child("number").as_int(1, 65535));
  } else if (ref.kind == "Service") {
    r.child("port").fail("is required when kind is Service");
  }
  if (auto mode = r.optional_string("failureMode")) {
    if (*mode == "FailOpen") {
      ref.failure_mode = FailureMode::kFailOpen;
    } else if (*mode != "FailClose") {
      r.child("failureMode").fail("must be FailOpen or FailClose");
    }
  }
  return ref;
}

}  // namespace

void parse_inference_pool(const YamlReader& doc, const std::string& name, Documents& out) {
  expect_object(doc);
  const YamlReader spec = doc.child("spec");
  spec.expect_map({"selector", "targetPorts", "appProtocol", "endpointPickerRef"});
  PoolDoc pd;
  pd.path = doc.path();
  pd.pool.name = name;
  pd.pool.location = doc.location();

  const YamlReader selector = spec.child("selector");
  pd.selector_location = selector.location();
  if (selector.is_null()) selector.fail("is required (use matchLabels: {} to select everything)");
  selector.expect_map({"matchLabels"});
  pd.pool.selector = selector.child("matchLabels").string_map();

  const YamlReader ports = spec.child("targetPorts");
  if (ports.is_null()) ports.fail("is required");
  ports.expect_sequence();
  if (ports.size() < 1 || ports.size() > 8) ports.fail("must list 1 to 8 ports");
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    const YamlReader port = ports.at(i);
    port.expect_map({"number"});
    const YamlReader number = port.child("number");
    const std::int64_t n = number.as_int(1, 65535);
    if (!seen.insert(n).second) number.fail("duplicate port " + std::to_string(n));
    pd.pool.target_ports.push_back(static_cast<std::uint16_t>(n));
  }

  if (auto proto = spec.optional_string("appProtocol")) {
    if (*proto == "kubernetes.io/h2c") {
      pd.pool.h2c = true;
    } else if (*proto != "http") {
      spec.child("appProtocol").fail("must be http or kubernetes.io/h2c");
    }
  }
  if (spec.has("endpointPickerRef")) {
    pd.pool.endpoint_picker_ref = read_picker_ref(spec.child("endpointPickerRef"));
  }
  out.pools.push_back(std::move(pd));
}

void parse_inference_objective(const YamlReader& doc, const std::string& name, Documents& out) {
  expect_object(doc);
  const YamlReader spec = doc.child("spec");
  spec.expect_map({"priority", "poolRef"});
  ObjectiveDoc od;
  od.path = doc.path();
  od.objective.name = name;
  od.objective.location = doc.location();
  // int32 per the CRD; unset means 0.
  od.objective.priority =
      static_cast<int>(spec.optional_int("priority", INT32_MIN, INT32_MAX).value_or(0));
  od.pool = read_pool_ref(spec.child("poolRef"));
  od.objective.pool = od.pool.name;
  out.objectives.push_back(std::move(od));
}

void parse_inference_model_rewrite(const YamlReader& doc, const std::string& name, Documents& out) {
  expect_object(doc);
  const YamlReader spec = doc.child("spec");
  spec.expect_map({"poolRef", "rules"});
  RewriteDoc rd;
  rd.name = name;
  rd.path = doc.path();
  rd.location = doc.location();
  rd.pool = read_pool_ref(spec.child("poolRef"));
  const YamlReader rules = spec.child("rules");
  if (rules.is_null()) rules.fail("is required");
  rules.expect_sequence();
  if (rules.size() == 0) rules.fail("must list at least one rule");
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const YamlReader rule = rules.at(i);
    rule.expect_map({"matches", "targets"});
    RewriteRule rr;
    rr.rewrite_name = name;
    rr.pool = rd.pool.name;
    rr.location = rule.location();
    std::vector<Ref> refs;
    const YamlReader matches = rule.child("matches");
    if (!matches.is_null()) {
      matches.expect_sequence();
      for (std::size_t m = 0; m < matches.size(); ++m) {
        const YamlReader match = matches.at(m);
        match.expect_map({"model"});
        const YamlReader model = match.child("model");
        model.expect_map({"type", "value"});
        if (auto type = model.optional_string("type"); type && *type != "Exact") {
          model.child("type").fail("must be Exact");
        }
        const YamlReader value = model.child("value");
        const std::string v = model.required_string("value");
        for (const Ref& r : refs) {
          if (r.name == v) value.fail("model \"" + v + "\" is matched twice in this rule");
        }
        refs.push_back(Ref{v, value.location(), value.path()});
        rr.models.push_back(v);
      }
    }
    const YamlReader targets = rule.child("targets");
    if (targets.is_null()) targets.fail("is required");
    targets.expect_sequence();
    if (targets.size() == 0) targets.fail("must list at least one target");
    std::size_t weighted = 0;
    for (std::size_t t = 0; t < targets.size(); ++t) {
      const YamlReader target = targets.at(t);
      target.expect_map({"modelRewrite", "weight"});
      RewriteTarget rt;
      rt.model_rewrite = target.required_string("modelRewrite");
      if (auto w = target.optional_int("weight", 1, 1000000)) {
        rt.weight = static_cast<std::uint32_t>(*w);
        ++weighted;
      }
      rr.total_weight += rt.weight;
      rr.targets.push_back(std::move(rt));
    }
    // Mixing weighted and unweighted targets has no obvious meaning; an all-unweighted rule
    // splits evenly.
    if (weighted != 0 && weighted != targets.size()) {
      targets.fail("set weight on every target or on none");
    }
    rd.rules.push_back(std::move(rr));
    rd.matches.push_back(std::move(refs));
    rd.rule_paths.push_back(rule.path());
  }
  out.rewrites.push_back(std::move(rd));
}

}  // namespace sluice::config::detail
