#include "routing/routing_table.h"

#include "scheduling/registry.h"

#include <algorithm>
#include <atomic>

namespace sluice::routing {
namespace {

std::string at(const config::SourceLocation& l) {
  return l.file + ":" + std::to_string(l.line) + ":" + std::to_string(l.column);
}

pool::PoolOptions pool_options(const config::GatewaySettings& g) {
  pool::PoolOptions o;
  o.scrape_interval = g.scrape_interval;
  o.request_timeout = g.health_check.timeout;
  o.health.staleness = g.metrics_stale_after;
  o.health.probe_interval = g.health_check.interval;
  o.health.failure_threshold = static_cast<std::uint32_t>(g.health_check.unhealthy_threshold);
  o.health.recovery_successes = static_cast<std::uint32_t>(g.health_check.healthy_threshold);
  return o;
}

std::vector<pool::EndpointConfig> endpoint_configs(const config::InferencePool& p,
                                                   const config::GatewaySettings& g) {
  std::vector<pool::EndpointConfig> out;
  for (const config::PoolEndpoint& e : p.endpoints) {
    pool::EndpointConfig c;
    c.address = e.address();
    c.scheme = e.scheme;
    c.labels.insert(e.labels.begin(), e.labels.end());
    c.health_path = g.health_check.path;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

Result<std::shared_ptr<const scheduling::Profile>> profile_for(const config::GatewayConfig& config,
                                                               const config::InferencePool& pool) {
  if (!pool.picker_config) {
    return std::make_shared<const scheduling::Profile>(scheduling::default_profile());
  }
  const config::EndpointPickerConfig& picker = config.picker_configs[*pool.picker_config];
  std::vector<scheduling::PluginSpec> plugins;
  for (const config::PluginSpec& p : picker.plugins) {
    plugins.push_back({p.type, p.name, p.parameters});
  }
  scheduling::ProfileSpec spec;
  if (!picker.scheduling_profiles.empty()) {
    const config::SchedulingProfile& first = picker.scheduling_profiles.front();
    spec.name = first.name;
    for (const config::ProfilePluginRef& r : first.plugins) {
      spec.plugins.push_back({r.plugin_ref, r.weight});
    }
  }
  auto profile = scheduling::build_profile(plugins, spec);
  if (!profile.ok()) {
    // Point at the plugin the error is about when the field names one, else at the document.
    config::SourceLocation where = picker.location;
    for (const config::PluginSpec& p : picker.plugins) {
      if (profile.error().field.rfind(p.name, 0) == 0) {
        where = p.location;
      }
    }
    return make_error(profile.error().code,
                      at(where) + ": EndpointPickerConfig: " + profile.error().message,
                      profile.error().field);
  }
  return std::make_shared<const scheduling::Profile>(std::move(*profile));
}

std::uint64_t RoutingTable::next_id() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

Result<std::unique_ptr<RoutingTable>> RoutingTable::create(
    std::shared_ptr<const config::GatewayConfig> config, net::asio::any_io_executor pool_executor) {
  auto table = std::make_unique<RoutingTable>();
  table->config_ = config;
  const config::GatewaySettings& g = config->gateway;
  for (const config::InferencePool& p : config->pools) {
    PoolRoute route;
    route.name = p.name;
    auto profile = profile_for(*config, p);
    if (!profile.ok()) {
      return std::move(profile).error();
    }
    route.profile = std::move(*profile);
    if (p.picker_config) {
      const config::EndpointPickerConfig& picker = config->picker_configs[*p.picker_config];
      auto detector = flow::SaturationDetector::from_yaml(picker.saturation_detector);
      if (!detector.ok()) {
        return make_error(
            ErrorCode::kInvalidArgument,
            at(picker.location) + ": EndpointPickerConfig: " + detector.error().message,
            detector.error().field);
      }
      route.saturation = *detector;
    }
    auto endpoints = endpoint_configs(p, g);
    for (const pool::EndpointConfig& e : endpoints) {
      route.base_urls.push_back(e.scheme + "://" + e.address);
      auto origin = net::parse_http_url(route.base_urls.back());
      if (!origin.ok()) {
        return make_error(ErrorCode::kInvalidArgument,
                          at(p.location) + ": InferencePool/" + p.name + ": endpoint " +
                              route.base_urls.back() + ": " + origin.error().message,
                          "endpoints");
      }
      route.origins.push_back(std::move(origin).value());
    }
    auto created = pool::EndpointPool::create(pool_executor, std::move(endpoints), pool_options(g));
    if (!created.ok()) {
      return make_error(
          created.error().code,
          at(p.location) + ": InferencePool/" + p.name + ": " + created.error().message,
          created.error().field);
    }
    route.endpoints = std::move(*created);
    route.in_flight = std::make_unique<InFlightCounter[]>(route.base_urls.size());
    for (const config::RewriteRule& rule : config->rewrites) {
      if (rule.pool == p.name) {
        route.rewrites.push_back(&rule);
      }
    }
    table->pools_.push_back(std::move(route));
  }
  const auto pool_index = [&](const std::string& name) -> std::uint32_t {
    for (std::uint32_t i = 0; i < table->pools_.size(); ++i) {
      if (table->pools_[i].name == name) return i;
    }
    return 0;  // unreachable: the config module checked every poolRef
  };
  for (const config::ModelRouteEntry& m : config->models) {
    table->models_.emplace(m.model, ModelInfo{pool_index(m.pool), &m});
  }
  if (!g.default_pool.empty()) {
    table->default_pool_ = pool_index(g.default_pool);
  } else if (table->pools_.size() == 1 && config->models.empty()) {
    table->default_pool_ = 0;  // one pool and no routes: every model goes there
  }
  for (const config::InferenceObjective& o : config->objectives) {
    table->priorities_.emplace(o.name, o.priority);
  }
  return table;
}

void RoutingTable::start() {
  for (PoolRoute& p : pools_) {
    p.endpoints->start();
  }
}

void RoutingTable::stop(std::function<void()> on_stopped) {
  auto remaining = std::make_shared<std::size_t>(pools_.size());
  auto done = std::make_shared<std::function<void()>>(std::move(on_stopped));
  if (pools_.empty()) {
    if (*done) (*done)();
    return;
  }
  for (PoolRoute& p : pools_) {
    // Every callback runs on the one pool executor: the countdown needs no atomics.
    p.endpoints->stop([remaining, done] {
      if (--*remaining == 0 && *done) (*done)();
    });
  }
}

std::optional<ModelInfo> RoutingTable::model(std::string_view name) const {
  const auto it = models_.find(name);
  if (it != models_.end()) {
    return it->second;
  }
  if (default_pool_) {
    return ModelInfo{*default_pool_, nullptr};
  }
  return std::nullopt;
}

int RoutingTable::priority(std::string_view objective) const {
  if (objective.empty()) {
    return 0;
  }
  const auto it = priorities_.find(objective);
  return it == priorities_.end() ? 0 : it->second;
}

const std::string* RoutingTable::rewrite(std::uint32_t pool, std::string_view model,
                                         std::uint64_t draw) const {
  for (const config::RewriteRule* rule : pools_[pool].rewrites) {
    const bool matches = rule->models.empty() || std::find(rule->models.begin(), rule->models.end(),
                                                           model) != rule->models.end();
    if (!matches) {
      continue;
    }
    std::uint64_t point = draw % rule->total_weight;
    for (const config::RewriteTarget& t : rule->targets) {
      if (point < t.weight) {
        return &t.model_rewrite;
      }
      point -= t.weight;
    }
  }
  return nullptr;
}

}  // namespace sluice::routing
