// The gateway's validated, immutable configuration (plain data).
//
// Produced only by load_gateway_config()/parse_gateway_config() (config/loader.h) from a
// multi-document Kubernetes-style YAML stream; docs/gateway.md ("Configuration") documents every
// YAML field that lands here. Everything in a GatewayConfig has already been cross-checked: every
// poolRef names a pool in `pools`, every scheduling-profile pluginRef names a plugin of the same
// EndpointPickerConfig, model names are unique, rewrite weights are in range. Consumers treat it as
// read-only and share it as `std::shared_ptr<const GatewayConfig>`.
#pragma once

#include "core/clock.h"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sluice::config {

/// Where a document or field was written: 1-based line and column.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

/// `key: value` labels, as in Kubernetes metadata and matchLabels.
using Labels = std::map<std::string, std::string>;

/// What to do when the endpoint picker fails (InferencePool `endpointPickerRef.failureMode`).
enum class FailureMode { kFailClose, kFailOpen };

/// InferencePool `spec.endpointPickerRef`: kept for fidelity with Kubernetes manifests. Sluice's
/// picker is built in; `name` selects the EndpointPickerConfig of the same metadata.name if any.
struct EndpointPickerRef {
  std::string group;  ///< "" (core) by default
  std::string kind = "Service";
  std::string name;
  int port = 0;  ///< required when kind is Service; 0 when absent otherwise
  FailureMode failure_mode = FailureMode::kFailClose;
};

/// One model-server endpoint of a pool, resolved from StaticEndpoints.
struct PoolEndpoint {
  std::string scheme = "http";  ///< "http" or "https"
  std::string host;             ///< IP address or DNS name (IPv6 without brackets)
  std::uint16_t port = 0;
  Labels labels;
  SourceLocation location;  ///< of the StaticEndpoints entry, for later error messages
  /// "host:port" (IPv6 in brackets): the endpoint's identity in metrics, logs and headers.
  std::string address() const;
};

/// `InferencePool` (inference.networking.k8s.io/v1).
struct InferencePool {
  std::string name;
  Labels selector;  ///< spec.selector.matchLabels; may be empty (selects all)
  std::vector<std::uint16_t> target_ports;  ///< 1..8 unique ports
  bool h2c = false;                         ///< appProtocol "kubernetes.io/h2c" (else "http")
  std::optional<EndpointPickerRef> endpoint_picker_ref;
  /// Endpoints selected from StaticEndpoints documents, in document order, deduplicated by address.
  std::vector<PoolEndpoint> endpoints;
  /// Index into GatewayConfig::picker_configs, or nullopt for the scheduler's built-in default.
  std::optional<std::size_t> picker_config;
  SourceLocation location;
};

/// A model name (base model or LoRA adapter) served by a pool (from `ModelRoute`).
struct ModelRouteEntry {
  std::string model;       ///< the OpenAI `model` value clients send
  std::string pool;        ///< InferencePool name
  std::string base_model;  ///< for a LoRA adapter, its base model; empty for a base model
  SourceLocation location;
};

/// `InferenceObjective`: a named priority, chosen per request by header
/// x-llm-d-inference-objective.
struct InferenceObjective {
  std::string name;
  int priority = 0;  ///< higher is more important; negative means sheddable under saturation
  std::string pool;
  SourceLocation location;
};

/// One weighted target of a rewrite rule.
struct RewriteTarget {
  std::string model_rewrite;  ///< model name sent upstream
  std::uint32_t weight = 1;   ///< 1..1,000,000, relative to the rule's other targets
};

/// One rule of an InferenceModelRewrite, already ordered by precedence in GatewayConfig.
struct RewriteRule {
  std::string rewrite_name;  ///< metadata.name of the owning InferenceModelRewrite
  std::string pool;
  std::vector<std::string> models;  ///< exact model names matched; empty = catch-all
  std::vector<RewriteTarget> targets;
  std::uint64_t total_weight = 0;  ///< sum of target weights, > 0
  SourceLocation location;
};

/// A plugin instance of an EndpointPickerConfig.
struct PluginSpec {
  std::string type;       ///< e.g. "queue-scorer"
  std::string name;       ///< unique within its config; defaults to `type`
  YAML::Node parameters;  ///< validated by the scheduling module's factory for `type`
  SourceLocation location;
};

/// One `schedulingProfiles[].plugins[]` entry.
struct ProfilePluginRef {
  std::string plugin_ref;        ///< a PluginSpec::name of the same config
  std::optional<double> weight;  ///< scorer weight; nullopt lets the plugin choose (usually 1)
};

struct SchedulingProfile {
  std::string name;
  std::vector<ProfilePluginRef> plugins;
};

/// `EndpointPickerConfig` (llm-d.ai/v1alpha1, formerly inference.networking.x-k8s.io/v1alpha1).
/// Sections Sluice does not interpret itself are kept as raw nodes for the modules that do.
struct EndpointPickerConfig {
  std::string name;  ///< metadata.name if given (optional in llm-d files), else ""
  std::vector<std::string> feature_gates;
  std::vector<PluginSpec> plugins;
  /// If the file lists none, one profile "default" referencing every plugin (llm-d's behaviour).
  std::vector<SchedulingProfile> scheduling_profiles;
  YAML::Node data_layer;           ///< `dataLayer`, or null
  YAML::Node flow_control;         ///< `flowControl`, or null
  YAML::Node request_handler;      ///< `requestHandler`, or null
  YAML::Node saturation_detector;  ///< `saturationDetector`, or null
  SourceLocation location;
};

/// Active health checking and passive ejection of endpoints.
struct HealthCheckSettings {
  std::string path = "/health";
  Duration interval = std::chrono::seconds(5);
  Duration timeout = std::chrono::seconds(1);
  int unhealthy_threshold = 3;  ///< consecutive failures (active or passive) before ejection
  int healthy_threshold = 1;    ///< consecutive successful checks to come back
};

/// The `Gateway` (sluice.dev/v1alpha1) settings document; all fields optional with these defaults.
struct GatewaySettings {
  std::string listen_address = "0.0.0.0";
  std::uint16_t listen_port = 8080;
  Duration connect_timeout = std::chrono::seconds(5);
  Duration first_byte_timeout = std::chrono::seconds(300);  ///< long prompts can queue for minutes
  Duration stream_idle_timeout = std::chrono::seconds(60);
  int max_retries = 2;  ///< extra attempts on connect failure or 5xx before the first byte
  Duration scrape_interval = std::chrono::milliseconds(50);
  Duration metrics_stale_after = std::chrono::milliseconds(1000);  ///< stale = saturated
  HealthCheckSettings health_check;
  std::string default_pool;  ///< pool for models no ModelRoute names; "" = reject with 404
};

/// The whole configuration.
struct GatewayConfig {
  GatewaySettings gateway;
  std::vector<InferencePool> pools;            ///< in document order; names unique
  std::vector<ModelRouteEntry> models;         ///< model names unique
  std::vector<InferenceObjective> objectives;  ///< names unique
  /// All rewrite rules in precedence order per pool: exact-match rules first, then catch-alls;
  /// within each class, document order of the InferenceModelRewrite, then rule order.
  std::vector<RewriteRule> rewrites;
  std::vector<EndpointPickerConfig> picker_configs;
  std::vector<std::string> sources;  ///< files (or source names) loaded

  /// Lookups for start-up wiring (linear; not for the request path).
  const InferencePool* find_pool(const std::string& name) const;
  const InferenceObjective* find_objective(const std::string& name) const;
  /// The pool serving `model`: its ModelRoute, else default_pool; nullptr if none.
  const InferencePool* pool_for_model(const std::string& model) const;
};

}  // namespace sluice::config
