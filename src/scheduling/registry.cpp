#include "scheduling/registry.h"

#include "scheduling/filters.h"
#include "scheduling/pickers.h"
#include "scheduling/scorers.h"

#include <array>
#include <cmath>
#include <functional>
#include <initializer_list>

namespace sluice::scheduling {
namespace {

// Reads a plugin's `parameters` map: typed getters plus a check that nothing unknown was given.
class Params {
 public:
  Params(std::string_view name, const YAML::Node& node) : name_(name), node_(node) {}

  Status check(std::initializer_list<std::string_view> known) const {
    if (!node_ || node_.IsNull()) {
      return {};
    }
    if (!node_.IsMap()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "plugin '" + name_ + "': parameters must be a mapping",
                        name_ + ".parameters");
    }
    for (const auto& kv : node_) {
      const std::string key = kv.first.Scalar();
      bool found = false;
      for (std::string_view k : known) {
        found = found || k == key;
      }
      if (!found) {
        return make_error(ErrorCode::kInvalidArgument,
                          "plugin '" + name_ + "': unknown parameter '" + key + "'", field(key));
      }
    }
    return {};
  }

  // Positive integer parameter; absent leaves `out` unchanged.
  Status get_count(std::string_view key, std::size_t& out) const {
    const YAML::Node v = lookup(key);
    if (!v) {
      return {};
    }
    long long n = 0;
    if (!convert(v, n) || n <= 0) {
      return bad(key, "a positive integer");
    }
    out = static_cast<std::size_t>(n);
    return {};
  }

  Status get_fraction(std::string_view key, double& out) const {
    const YAML::Node v = lookup(key);
    if (!v) {
      return {};
    }
    double d = 0;
    if (!convert(v, d) || !(d >= 0.0 && d <= 1.0)) {
      return bad(key, "a number in [0,1]");
    }
    out = d;
    return {};
  }

  Status get_bool(std::string_view key, bool& out) const {
    const YAML::Node v = lookup(key);
    if (!v) {
      return {};
    }
    if (!convert(v, out)) {
      return bad(key, "true or false");
    }
    return {};
  }

 private:
  YAML::Node lookup(std::string_view key) const {
    if (!node_ || !node_.IsMap()) {
      return YAML::Node(YAML::NodeType::Undefined);
    }
    for (const auto& kv : node_) {
      if (kv.first.Scalar() == key) {
        return kv.second;
      }
    }
    return YAML::Node(YAML::NodeType::Undefined);
  }

  template <typename T>
  static bool convert(const YAML::Node& v, T& out) {
    if (!v.IsScalar()) {
      return false;
    }
    try {
      out = v.as<T>();
      return true;
    } catch (const YAML::Exception&) {
      return false;
    }
  }

  std::string field(std::string_view key) const {
    return name_ + ".parameters." + std::string(key);
  }

  Error bad(std::string_view key, std::string_view want) const {
    return make_error(
        ErrorCode::kInvalidArgument,
        "plugin '" + name_ + "': parameter '" + std::string(key) + "' must be " + std::string(want),
        field(key));
  }

  std::string name_;
  const YAML::Node& node_;
};

using Factory = std::function<Result<Plugin>(Plugin, const Params&)>;

Result<Plugin> no_params_filter(Plugin p, const Params& params, std::shared_ptr<const Filter> f) {
  if (Status s = params.check({}); !s) {
    return std::move(s).error();
  }
  p.kind = PluginKind::kFilter;
  p.filter = std::move(f);
  return p;
}

Result<Plugin> no_params_scorer(Plugin p, const Params& params, std::shared_ptr<const Scorer> s) {
  if (Status st = params.check({}); !st) {
    return std::move(st).error();
  }
  p.kind = PluginKind::kScorer;
  p.scorer = std::move(s);
  return p;
}

template <typename PickerT>
Result<Plugin> picker(Plugin p, const Params& params) {
  std::size_t max = kDefaultRankedEndpoints;
  if (Status s = params.check({"maxNumOfEndpoints"}); !s) {
    return std::move(s).error();
  }
  if (Status s = params.get_count("maxNumOfEndpoints", max); !s) {
    return std::move(s).error();
  }
  p.kind = PluginKind::kPicker;
  p.picker = std::make_shared<PickerT>(max);
  return p;
}

Result<Plugin> saturation_filter(Plugin p, const Params& params) {
  SaturationFilter::Options o;
  std::size_t queue = o.queue_threshold;
  Status s = params.check({"queueThreshold", "kvCacheThreshold", "fallbackToAll"});
  if (s) s = params.get_count("queueThreshold", queue);
  if (s) s = params.get_fraction("kvCacheThreshold", o.kv_threshold);
  if (s) s = params.get_bool("fallbackToAll", o.fallback_to_all);
  if (!s) {
    return std::move(s).error();
  }
  o.queue_threshold = static_cast<std::uint32_t>(std::min<std::size_t>(queue, UINT32_MAX));
  p.kind = PluginKind::kFilter;
  p.filter = std::make_shared<SaturationFilter>(o);
  return p;
}

Result<Plugin> prefix_settings(Plugin p, const Params& params, PluginKind kind) {
  PrefixConfig c;
  Status s = params.check(
      {"blockSize", "hashBlockSize", "maxPrefixBlocksToMatch", "lruCapacityPerServer", "autoTune"});
  if (s) s = params.get_count("blockSize", c.block_chars);
  if (s) s = params.get_count("hashBlockSize", c.block_chars);
  if (s) s = params.get_count("maxPrefixBlocksToMatch", c.max_blocks);
  if (s) s = params.get_count("lruCapacityPerServer", c.lru_capacity);
  bool auto_tune = false;  // accepted for llm-d compatibility; Sluice does not auto-tune
  if (s) s = params.get_bool("autoTune", auto_tune);
  if (!s) {
    return std::move(s).error();
  }
  p.kind = kind;
  if (kind == PluginKind::kScorer) {
    p.scorer = std::make_shared<PrefixCacheScorer>();
  }
  p.prefix = c;
  return p;
}

Result<Plugin> prefix_scorer(Plugin p, const Params& params) {
  return prefix_settings(std::move(p), params, PluginKind::kScorer);
}

Result<Plugin> prefix_producer(Plugin p, const Params& params) {
  return prefix_settings(std::move(p), params, PluginKind::kDataProducer);
}

struct Entry {
  std::string_view type;
  Factory factory;
};

const std::vector<Entry>& registry() {
  static const std::vector<Entry> entries = {
      {"health-filter",
       [](Plugin p, const Params& q) {
         return no_params_filter(std::move(p), q, std::make_shared<HealthFilter>());
       }},
      {"model-served-filter",
       [](Plugin p, const Params& q) {
         return no_params_filter(std::move(p), q, std::make_shared<ModelServedFilter>());
       }},
      {"saturation-filter", saturation_filter},
      {"decode-filter",
       [](Plugin p, const Params& q) {
         return no_params_filter(std::move(p), q, std::make_shared<PassThroughFilter>());
       }},
      {"queue-scorer",
       [](Plugin p, const Params& q) {
         return no_params_scorer(std::move(p), q,
                                 std::make_shared<MinMaxLoadScorer>(LoadSignal::kQueue));
       }},
      {"running-requests-size-scorer",
       [](Plugin p, const Params& q) {
         return no_params_scorer(std::move(p), q,
                                 std::make_shared<MinMaxLoadScorer>(LoadSignal::kRunning));
       }},
      {"active-request-scorer",
       [](Plugin p, const Params& q) {
         return no_params_scorer(std::move(p), q,
                                 std::make_shared<MinMaxLoadScorer>(LoadSignal::kInFlight));
       }},
      {"kv-cache-utilization-scorer",
       [](Plugin p, const Params& q) {
         return no_params_scorer(std::move(p), q, std::make_shared<KvCacheScorer>());
       }},
      {"kv-cache-scorer",
       [](Plugin p, const Params& q) {
         return no_params_scorer(std::move(p), q, std::make_shared<KvCacheScorer>());
       }},
      {"prefix-cache-scorer", prefix_scorer},
      {"no-hit-lru-scorer",
       [](Plugin p, const Params& q) {
         return no_params_scorer(std::move(p), q, std::make_shared<NoHitLruScorer>());
       }},
      {"approx-prefix-cache-producer", prefix_producer},
      {"lora-affinity-scorer",
       [](Plugin p, const Params& q) {
         return no_params_scorer(std::move(p), q, std::make_shared<LoraAffinityScorer>());
       }},
      {"session-affinity-scorer",
       [](Plugin p, const Params& q) {
         return no_params_scorer(std::move(p), q, std::make_shared<SessionAffinityScorer>());
       }},
      {"max-score-picker", picker<MaxScorePicker>},
      {"weighted-random-picker", picker<WeightedRandomPicker>},
      {"random-picker", picker<RandomPicker>},
      {"round-robin-picker", picker<RoundRobinPicker>},
      {"single-profile-handler",
       [](Plugin p, const Params& q) -> Result<Plugin> {
         if (Status s = q.check({}); !s) {
           return std::move(s).error();
         }
         p.kind = PluginKind::kProfileHandler;
         return p;
       }},
  };
  return entries;
}

std::string known_types() {
  std::string out;
  for (const Entry& e : registry()) {
    out += out.empty() ? "" : ", ";
    out += e.type;
  }
  return out;
}

}  // namespace

std::span<const std::string_view> plugin_types() {
  static const std::vector<std::string_view> types = [] {
    std::vector<std::string_view> t;
    for (const Entry& e : registry()) {
      t.push_back(e.type);
    }
    return t;
  }();
  return types;
}

Result<Plugin> make_plugin(std::string_view type, std::string_view name,
                           const YAML::Node& parameters) {
  Plugin p;
  p.type = std::string(type);
  p.name = name.empty() ? p.type : std::string(name);
  for (const Entry& e : registry()) {
    if (e.type == type) {
      const Params params(p.name, parameters);
      return e.factory(std::move(p), params);
    }
  }
  return make_error(
      ErrorCode::kInvalidArgument,
      "plugin '" + p.name + "': unknown type '" + p.type + "' (known: " + known_types() + ")",
      p.name + ".type");
}

}  // namespace sluice::scheduling
