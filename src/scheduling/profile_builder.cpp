// build_profile(), default_profile() and round_robin_profile() (declared in registry.h).
#include "scheduling/filters.h"
#include "scheduling/pickers.h"
#include "scheduling/registry.h"
#include "scheduling/scorers.h"

#include <cmath>

namespace sluice::scheduling {

Result<Profile> build_profile(std::span<const PluginSpec> plugins, const ProfileSpec& spec) {
  std::vector<Plugin> built;
  built.reserve(plugins.size());
  for (const PluginSpec& ps : plugins) {
    auto plugin = make_plugin(ps.type, ps.name, ps.parameters);
    if (!plugin) {
      return std::move(plugin).error();
    }
    for (const Plugin& other : built) {
      if (other.name == plugin->name) {
        return make_error(ErrorCode::kInvalidArgument, "duplicate plugin name '" + other.name + "'",
                          other.name + ".name");
      }
    }
    built.push_back(std::move(plugin).value());
  }

  Profile profile;
  profile.name = spec.name.empty() ? "default" : spec.name;
  const std::string where = "schedulingProfiles[" + profile.name + "]";
  for (const ProfilePluginRef& ref : spec.plugins) {
    const Plugin* plugin = nullptr;
    for (const Plugin& p : built) {
      if (p.name == ref.plugin_ref) {
        plugin = &p;
      }
    }
    if (plugin == nullptr) {
      return make_error(ErrorCode::kInvalidArgument,
                        where + ": pluginRef '" + ref.plugin_ref + "' names no plugin",
                        where + ".pluginRef");
    }
    const double weight = ref.weight.value_or(1.0);
    if (!std::isfinite(weight) || weight < 0.0) {
      return make_error(ErrorCode::kInvalidArgument,
                        where + ": weight of '" + ref.plugin_ref + "' must be >= 0",
                        where + ".weight");
    }
    switch (plugin->kind) {
      case PluginKind::kFilter:
        profile.filters.push_back({plugin->name, plugin->type, plugin->filter});
        break;
      case PluginKind::kScorer:
        profile.scorers.push_back({plugin->name, plugin->type, plugin->scorer, weight});
        if (plugin->prefix) {
          profile.prefix = *plugin->prefix;
        }
        break;
      case PluginKind::kPicker:
        if (profile.picker) {
          return make_error(ErrorCode::kInvalidArgument,
                            where + ": more than one picker ('" + profile.picker_name + "', '" +
                                plugin->name + "')",
                            where + ".pluginRef");
        }
        profile.picker = plugin->picker;
        profile.picker_name = plugin->name;
        profile.picker_type = plugin->type;
        break;
      case PluginKind::kProfileHandler:
      case PluginKind::kDataProducer:
        break;
    }
  }
  // A producer's settings apply whether or not a profile references it (llm-d runs every
  // producer); it wins over a scorer's own parameters.
  for (const Plugin& p : built) {
    if (p.kind == PluginKind::kDataProducer && p.prefix) {
      profile.prefix = *p.prefix;
    }
  }
  if (!profile.picker) {
    profile.picker = std::make_shared<MaxScorePicker>();
    profile.picker_name = profile.picker_type = "max-score-picker";
  }
  return profile;
}

Profile default_profile() {
  Profile p;
  p.name = "default";
  p.filters = {
      {"health-filter", "health-filter", std::make_shared<HealthFilter>()},
      {"model-served-filter", "model-served-filter", std::make_shared<ModelServedFilter>()},
      {"saturation-filter", "saturation-filter",
       std::make_shared<SaturationFilter>(SaturationFilter::Options{})}};
  p.scorers = {
      {"queue-scorer", "queue-scorer", std::make_shared<MinMaxLoadScorer>(LoadSignal::kQueue), 2.0},
      {"kv-cache-utilization-scorer", "kv-cache-utilization-scorer",
       std::make_shared<KvCacheScorer>(), 2.0},
      {"prefix-cache-scorer", "prefix-cache-scorer", std::make_shared<PrefixCacheScorer>(), 3.0},
      {"lora-affinity-scorer", "lora-affinity-scorer", std::make_shared<LoraAffinityScorer>(), 1.0},
      {"active-request-scorer", "active-request-scorer",
       std::make_shared<MinMaxLoadScorer>(LoadSignal::kInFlight), 1.0},
  };
  p.picker = std::make_shared<MaxScorePicker>();
  p.picker_name = p.picker_type = "max-score-picker";
  return p;
}

Profile round_robin_profile() {
  Profile p;
  p.name = "round-robin";
  p.filters = {
      {"health-filter", "health-filter", std::make_shared<HealthFilter>()},
      {"model-served-filter", "model-served-filter", std::make_shared<ModelServedFilter>()}};
  p.picker = std::make_shared<RoundRobinPicker>();
  p.picker_name = p.picker_type = "round-robin-picker";
  return p;
}

}  // namespace sluice::scheduling
