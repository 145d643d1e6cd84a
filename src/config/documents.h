// Internal to src/config: one parsed YAML document per kind, before cross-document resolution.
//
// parse_*() read a single document strictly (unknown fields, wrong types and local constraints are
// errors) and keep the location and field path of every cross-reference, so that resolve() can
// report a dangling or conflicting reference at the place it was written. All throw ConfigError.
#pragma once

#include "config/gateway_config.h"
#include "config/yaml_reader.h"

#include <optional>
#include <string>
#include <vector>

namespace sluice::config::detail {

/// A by-name reference to another document, with where it was written.
struct Ref {
  std::string name;
  SourceLocation where;
  std::string path;
};

struct PoolDoc {
  InferencePool pool;
  std::string path;  ///< "InferencePool/<name>"
  SourceLocation selector_location;
};

/// One StaticEndpoints entry; without an explicit port it expands to every pool target port.
struct StaticEndpointEntry {
  std::string scheme;
  std::string host;
  std::uint16_t port = 0;  ///< 0 = use the selecting pool's targetPorts
  Labels labels;
  SourceLocation location;
  std::string path;
  bool selected = false;  ///< set by resolve(): some pool selected it
};

struct ModelRouteDoc {
  std::string name;
  Ref pool;
  std::vector<ModelRouteEntry> models;
  std::vector<std::string> model_paths;  ///< parallel to `models`
};

struct ObjectiveDoc {
  InferenceObjective objective;
  Ref pool;
  std::string path;
};

struct RewriteDoc {
  std::string name;
  std::string path;
  SourceLocation location;
  Ref pool;
  std::vector<RewriteRule> rules;
  std::vector<std::vector<Ref>> matches;  ///< parallel to `rules`: each exact-match model
  std::vector<std::string> rule_paths;    ///< parallel to `rules`
};

struct PickerDoc {
  EndpointPickerConfig config;
  std::string path;
};

struct GatewayDoc {
  GatewaySettings settings;
  std::optional<Ref> default_pool;
  std::string path;
  SourceLocation location;
};

/// Everything read from all sources, in document order.
struct Documents {
  std::vector<PoolDoc> pools;
  std::vector<StaticEndpointEntry> static_endpoints;
  std::size_t static_endpoint_documents = 0;
  std::vector<ModelRouteDoc> model_routes;
  std::vector<ObjectiveDoc> objectives;
  std::vector<RewriteDoc> rewrites;
  std::vector<PickerDoc> pickers;
  std::vector<GatewayDoc> gateways;
};

/// Dispatches one non-empty document on apiVersion/kind into `out`.
void parse_document(const YAML::Node& doc, const std::string& file, Documents& out);

// Per-kind parsers. `doc` is the whole document; `prefix` is "Kind/name".
void parse_inference_pool(const YamlReader& doc, const std::string& name, Documents& out);
void parse_inference_objective(const YamlReader& doc, const std::string& name, Documents& out);
void parse_inference_model_rewrite(const YamlReader& doc, const std::string& name, Documents& out);
void parse_endpoint_picker_config(const YamlReader& doc, const std::string& name, Documents& out);
void parse_static_endpoints(const YamlReader& doc, const std::string& name, Documents& out);
void parse_model_route(const YamlReader& doc, const std::string& name, Documents& out);
void parse_gateway(const YamlReader& doc, const std::string& name, Documents& out);

/// Reads a `poolRef` ({group, kind, name}); group/kind, when given, must be InferencePool's.
Ref read_pool_ref(const YamlReader& ref);

/// Cross-document checks and assembly of the final config.
GatewayConfig resolve(Documents docs, std::vector<std::string> sources);

}  // namespace sluice::config::detail
