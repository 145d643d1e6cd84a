#include "config/documents.h"

#include <string_view>

namespace sluice::config::detail {
namespace {

using Parser = void (*)(const YamlReader&, const std::string&, Documents&);

struct KindInfo {
  std::string_view kind;
  std::initializer_list<std::string_view> api_versions;  // first is the preferred one
  Parser parse;
  bool name_required;
};

// llm-d moved InferenceObjective/InferenceModelRewrite/EndpointPickerConfig from GIE's
// x-k8s.io group to llm-d.ai; both spellings are accepted so existing files load unchanged.
const KindInfo kKinds[] = {
    {"InferencePool", {"inference.networking.k8s.io/v1"}, parse_inference_pool, true},
    {"InferenceObjective",
     {"llm-d.ai/v1alpha2", "inference.networking.x-k8s.io/v1alpha2"},
     parse_inference_objective,
     true},
    {"InferenceModelRewrite",
     {"llm-d.ai/v1alpha2", "inference.networking.x-k8s.io/v1alpha2"},
     parse_inference_model_rewrite,
     true},
    {"EndpointPickerConfig",
     {"llm-d.ai/v1alpha1", "inference.networking.x-k8s.io/v1alpha1"},
     parse_endpoint_picker_config,
     false},
    {"StaticEndpoints", {"sluice.dev/v1alpha1"}, parse_static_endpoints, true},
    {"ModelRoute", {"sluice.dev/v1alpha1"}, parse_model_route, true},
    {"Gateway", {"sluice.dev/v1alpha1"}, parse_gateway, false},
};

std::string join(std::initializer_list<std::string_view> items) {
  std::string out;
  for (std::string_view s : items) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

std::string kind_list() {
  std::string out;
  for (const KindInfo& k : kKinds) {
    if (!out.empty()) out += ", ";
    out += k.kind;
  }
  return out;
}

// A hint for objects users are likely to paste from a Kubernetes setup.
std::string hint_for(std::string_view kind) {
  if (kind == "HTTPRoute" || kind == "Gateway") {
    return "; route models to pools with sluice.dev/v1alpha1 ModelRoute (see docs/gateway.md)";
  }
  if (kind == "InferenceModel") {
    return "; InferenceModel is deprecated: use InferenceObjective and InferenceModelRewrite";
  }
  return "";
}

}  // namespace

Ref read_pool_ref(const YamlReader& ref) {
  ref.expect_map({"group", "kind", "name"});
  if (auto group = ref.optional_string("group"); group && *group != "inference.networking.k8s.io") {
    ref.child("group").fail("must be inference.networking.k8s.io");
  }
  if (auto kind = ref.optional_string("kind"); kind && *kind != "InferencePool") {
    ref.child("kind").fail("must be InferencePool");
  }
  const YamlReader name = ref.child("name");
  return Ref{ref.required_string("name"), name.location(), name.path()};
}

void parse_document(const YAML::Node& doc, const std::string& file, Documents& out) {
  const SourceLocation start = location_of(doc, file, SourceLocation{file, 1, 1});
  const YamlReader root(doc, "", &file, start);
  if (!doc.IsMap()) {
    throw ConfigError(start, "", "a document must be a mapping with apiVersion and kind");
  }
  const std::string kind = root.required_string("kind");
  const std::string api_version = root.required_string("apiVersion");
  const KindInfo* info = nullptr;
  for (const KindInfo& k : kKinds) {
    if (k.kind == kind) info = &k;
  }
  const bool sluice_gateway = kind == "Gateway" && api_version == "sluice.dev/v1alpha1";
  if (info == nullptr || (kind == "Gateway" && !sluice_gateway)) {
    root.child("kind").fail("unknown kind \"" + kind + "\" with apiVersion " + api_version +
                            " (expected one of: " + kind_list() + ")" + hint_for(kind));
  }
  bool version_ok = false;
  for (std::string_view v : info->api_versions) version_ok = version_ok || v == api_version;
  if (!version_ok) {
    std::string extra;
    if (kind == "InferencePool" && api_version == "inference.networking.x-k8s.io/v1alpha2") {
      extra = "; convert the legacy v1alpha2 pool (targetPortNumber -> targetPorts)";
    }
    root.child("apiVersion")
        .fail("unsupported apiVersion \"" + api_version + "\" for " + kind +
              " (expected: " + join(info->api_versions) + ")" + extra);
  }

  // Metadata first, so that every later error can name the object.
  std::string name;
  const YamlReader meta(doc["metadata"], kind + ".metadata", &file, start);
  if (!meta.is_null()) {
    meta.expect_map({"name", "namespace", "labels", "annotations", "uid", "resourceVersion",
                     "generation", "creationTimestamp", "managedFields"});
    if (meta.has("name")) name = meta.required_string("name");
    (void)meta.child("labels").string_map();
    (void)meta.child("annotations").string_map();
  }
  if (info->name_required && name.empty()) {
    if (meta.is_null()) root.fail(kind + ": metadata.name is required");
    meta.child("name").fail("is required");
  }
  const YamlReader named(doc, name.empty() ? kind : kind + "/" + name, &file, start);
  info->parse(named, name, out);
}

}  // namespace sluice::config::detail
