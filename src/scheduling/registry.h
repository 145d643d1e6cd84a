// The plugin registry: every built-in filter, scorer and picker is registered here explicitly,
// under llm-d's type names where llm-d has the same plugin, so EndpointPickerConfig files written
// for llm-d load unchanged. The config module parses the YAML into PluginSpec/ProfileSpec; this
// file turns them into a Profile. Errors name the plugin and the offending type or parameter.
//
// Types (parameters in brackets, all optional):
//   filters:  health-filter; model-served-filter; saturation-filter [queueThreshold (5),
//             kvCacheThreshold (0.8), fallbackToAll (true)]; decode-filter (pass-through).
//   scorers:  queue-scorer; kv-cache-utilization-scorer (alias kv-cache-scorer);
//             running-requests-size-scorer; active-request-scorer (least in-flight);
//             prefix-cache-scorer [blockSize (alias hashBlockSize, 64), maxPrefixBlocksToMatch
//             (256), lruCapacityPerServer (31250)]; lora-affinity-scorer; session-affinity-scorer;
//             no-hit-lru-scorer.
//   pickers:  max-score-picker, weighted-random-picker, random-picker, round-robin-picker
//             [maxNumOfEndpoints (3): primary + fallbacks].
//   other:    single-profile-handler (accepted; Sluice runs exactly one profile per request);
//             approx-prefix-cache-producer [same parameters as prefix-cache-scorer; applies to the
//             profile whether referenced or not, as llm-d's producers do].
#pragma once

#include "core/result.h"
#include "scheduling/profile.h"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::scheduling {

/// One entry of EndpointPickerConfig `plugins[]`. An empty name means "same as type".
struct PluginSpec {
  std::string type;
  std::string name;
  YAML::Node parameters;
};

/// One entry of `schedulingProfiles[].plugins[]`. Weight applies to scorers (default 1.0).
struct ProfilePluginRef {
  std::string plugin_ref;
  std::optional<double> weight;
};

/// One entry of `schedulingProfiles[]`.
struct ProfileSpec {
  std::string name;
  std::vector<ProfilePluginRef> plugins;
};

/// kDataProducer: llm-d's producers (e.g. approx-prefix-cache-producer) compute shared data for
/// scorers; in Sluice the Scheduler does that itself, so a producer only contributes settings.
enum class PluginKind { kFilter, kScorer, kPicker, kProfileHandler, kDataProducer };

/// A constructed plugin; exactly the member matching `kind` is set (none for profile handlers).
struct Plugin {
  PluginKind kind = PluginKind::kFilter;
  std::string type;
  std::string name;
  std::shared_ptr<const Filter> filter;
  std::shared_ptr<const Scorer> scorer;
  std::shared_ptr<const Picker> picker;
  std::optional<PrefixConfig> prefix;  ///< set by prefix-cache-scorer and its producer
};

/// Builds one plugin. Unknown type → kInvalidArgument naming it; unknown or ill-typed parameter →
/// kInvalidArgument with `field` = "<name>.parameters.<key>".
Result<Plugin> make_plugin(std::string_view type, std::string_view name,
                           const YAML::Node& parameters);

/// Builds a profile from the plugin list and one profile's plugin references. Filters run in
/// reference order; at most one picker (max-score-picker when none is referenced, as in llm-d).
/// Errors: unknown pluginRef, duplicate plugin names, two pickers, negative or non-finite weight.
Result<Profile> build_profile(std::span<const PluginSpec> plugins, const ProfileSpec& profile);

/// The default profile ("default"):
///   filters  health-filter → model-served-filter → saturation-filter (defaults, fallbackToAll)
///   scorers  queue-scorer ×2, kv-cache-utilization-scorer ×2, prefix-cache-scorer ×3,
///            lora-affinity-scorer ×1, active-request-scorer ×1
///   picker   max-score-picker (primary + 2 fallbacks)
/// i.e. llm-d's optimized baseline weights (queue 2, kv 2, prefix 3) plus LoRA affinity and the
/// gateway's own in-flight count, which reacts to load between 50 ms metric scrapes.
Profile default_profile();

/// The "round-robin" baseline: health → model-served filters, round-robin-picker, no scorers.
Profile round_robin_profile();

/// Every registered type name, for docs and error messages.
std::span<const std::string_view> plugin_types();

}  // namespace sluice::scheduling
