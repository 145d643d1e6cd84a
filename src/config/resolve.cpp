// Cross-document validation: references resolve, names are unique, endpoints are selected.
#include "config/documents.h"

#include <algorithm>
#include <map>
#include <set>

namespace sluice::config::detail {
namespace {

std::string at(const SourceLocation& l) {
  return l.file + ":" + std::to_string(l.line) + ":" + std::to_string(l.column);
}

[[noreturn]] void fail(const SourceLocation& where, const std::string& path,
                       const std::string& what) {
  throw ConfigError(where, path, what);
}

bool selects(const Labels& selector, const Labels& labels) {
  for (const auto& [k, v] : selector) {
    const auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  return true;
}

class Resolver {
 public:
  Resolver(Documents docs, std::vector<std::string> sources) : docs_(std::move(docs)) {
    cfg_.sources = std::move(sources);
  }

  GatewayConfig run() {
    pools();
    endpoints();
    gateway();
    models();
    objectives();
    rewrites();
    pickers();
    return std::move(cfg_);
  }

 private:
  void check_pool(const Ref& ref) const {
    if (pool_index_.count(ref.name) == 0) {
      fail(ref.where, ref.path, "no InferencePool named \"" + ref.name + "\"");
    }
  }

  void pools() {
    for (const PoolDoc& pd : docs_.pools) {
      const auto [it, fresh] = pool_index_.emplace(pd.pool.name, cfg_.pools.size());
      if (!fresh) {
        fail(pd.pool.location, pd.path + ".metadata.name",
             "duplicate InferencePool (first defined at " + at(cfg_.pools[it->second].location) +
                 ")");
      }
      cfg_.pools.push_back(pd.pool);
    }
    if (cfg_.pools.empty()) {
      const std::string file = cfg_.sources.empty() ? std::string() : cfg_.sources.front();
      fail(SourceLocation{file, 1, 1}, "", "the configuration defines no InferencePool");
    }
  }

  // A pool selects every static endpoint whose labels match its selector, as a Kubernetes pool
  // selects pods; an entry without a port becomes one endpoint per pool target port.
  void endpoints() {
    if (docs_.static_endpoint_documents == 0) return;
    for (std::size_t p = 0; p < cfg_.pools.size(); ++p) {
      InferencePool& pool = cfg_.pools[p];
      std::map<std::string, const StaticEndpointEntry*> by_address;
      for (StaticEndpointEntry& e : docs_.static_endpoints) {
        if (!selects(pool.selector, e.labels)) continue;
        e.selected = true;
        std::vector<std::uint16_t> ports;
        if (e.port != 0) {
          ports.push_back(e.port);
        } else {
          ports = pool.target_ports;
        }
        for (std::uint16_t port : ports) {
          PoolEndpoint ep{e.scheme, e.host, port, e.labels, e.location};
          const auto [it, fresh] = by_address.emplace(ep.address(), &e);
          if (!fresh) {
            fail(e.location, e.path + ".address",
                 "endpoint " + ep.address() + " of InferencePool \"" + pool.name +
                     "\" is already listed at " + at(it->second->location));
          }
          pool.endpoints.push_back(std::move(ep));
        }
      }
      if (pool.endpoints.empty()) {
        fail(docs_.pools[p].selector_location, docs_.pools[p].path + ".spec.selector",
             "selects no StaticEndpoints entry (check the endpoints' labels)");
      }
    }
    for (const StaticEndpointEntry& e : docs_.static_endpoints) {
      if (!e.selected) {
        fail(e.location, e.path + ".labels", "no InferencePool selector matches these labels");
      }
    }
  }

  void gateway() {
    if (docs_.gateways.size() > 1) {
      const GatewayDoc& second = docs_.gateways[1];
      fail(
          second.location, second.path,
          "only one Gateway document is allowed (first at " + at(docs_.gateways[0].location) + ")");
    }
    if (docs_.gateways.empty()) {
      if (cfg_.pools.size() == 1 && docs_.model_routes.empty()) {
        cfg_.gateway.default_pool = cfg_.pools.front().name;
      }
      return;
    }
    GatewayDoc& g = docs_.gateways.front();
    cfg_.gateway = g.settings;
    if (g.default_pool) {
      check_pool(*g.default_pool);
      cfg_.gateway.default_pool = g.default_pool->name;
    } else if (cfg_.pools.size() == 1 && docs_.model_routes.empty()) {
      cfg_.gateway.default_pool = cfg_.pools.front().name;
    }
  }

  void models() {
    std::map<std::string, std::size_t> seen;  // model -> index in cfg_.models
    for (const ModelRouteDoc& md : docs_.model_routes) {
      check_pool(md.pool);
      for (std::size_t i = 0; i < md.models.size(); ++i) {
        const ModelRouteEntry& m = md.models[i];
        const auto [it, fresh] = seen.emplace(m.model, cfg_.models.size());
        if (!fresh) {
          fail(m.location, md.model_paths[i],
               "model \"" + m.model + "\" is already routed at " +
                   at(cfg_.models[it->second].location) +
                   " (a model name maps to exactly one pool)");
        }
        cfg_.models.push_back(m);
      }
    }
    // An adapter must live where its base model lives, or it could never be loaded.
    for (const ModelRouteDoc& md : docs_.model_routes) {
      for (std::size_t i = 0; i < md.models.size(); ++i) {
        const ModelRouteEntry& m = md.models[i];
        if (m.base_model.empty()) continue;
        const auto it = seen.find(m.base_model);
        if (it != seen.end() && cfg_.models[it->second].pool != m.pool) {
          fail(m.location, md.model_paths[i] + ".baseModel",
               "base model \"" + m.base_model + "\" is routed to InferencePool \"" +
                   cfg_.models[it->second].pool + "\", not \"" + m.pool + "\"");
        }
      }
    }
  }

  void objectives() {
    std::map<std::string, SourceLocation> seen;
    for (const ObjectiveDoc& od : docs_.objectives) {
      check_pool(od.pool);
      const auto [it, fresh] = seen.emplace(od.objective.name, od.objective.location);
      if (!fresh) {
        fail(od.objective.location, od.path + ".metadata.name",
             "duplicate InferenceObjective (first defined at " + at(it->second) + ")");
      }
      cfg_.objectives.push_back(od.objective);
    }
  }

  void rewrites() {
    std::set<std::string> names;
    std::map<std::pair<std::string, std::string>, SourceLocation> exact;  // (pool, model)
    std::map<std::string, SourceLocation> catch_all;                      // pool
    for (const RewriteDoc& rd : docs_.rewrites) {
      check_pool(rd.pool);
      if (!names.insert(rd.name).second) {
        fail(rd.location, rd.path + ".metadata.name", "duplicate InferenceModelRewrite");
      }
      for (std::size_t r = 0; r < rd.rules.size(); ++r) {
        const RewriteRule& rule = rd.rules[r];
        if (rule.models.empty()) {
          const auto [it, fresh] = catch_all.emplace(rule.pool, rule.location);
          if (!fresh) {
            fail(rule.location, rd.rule_paths[r],
                 "a second catch-all rule for InferencePool \"" + rule.pool +
                     "\" never applies (first at " + at(it->second) + ")");
          }
        }
        for (const Ref& m : rd.matches[r]) {
          const auto [it, fresh] = exact.emplace(std::pair{rule.pool, m.name}, m.where);
          if (!fresh) {
            fail(m.where, m.path,
                 "model \"" + m.name + "\" already has a rewrite rule at " + at(it->second));
          }
          const InferencePool* pool = cfg_.pool_for_model(m.name);
          if (pool == nullptr || pool->name != rule.pool) {
            fail(m.where, m.path,
                 "requests for model \"" + m.name + "\" are not routed to InferencePool \"" +
                     rule.pool + "\" (add it to a ModelRoute for that pool)");
          }
        }
        cfg_.rewrites.push_back(rule);
      }
    }
    // Precedence: an exact match beats a catch-all; then document order, then rule order.
    std::stable_partition(cfg_.rewrites.begin(), cfg_.rewrites.end(),
                          [](const RewriteRule& r) { return !r.models.empty(); });
  }

  void pickers() {
    std::map<std::string, std::size_t> by_name;
    std::optional<std::size_t> unnamed;
    for (std::size_t i = 0; i < docs_.pickers.size(); ++i) {
      const EndpointPickerConfig& c = docs_.pickers[i].config;
      if (c.name.empty()) {
        if (unnamed) {
          fail(c.location, docs_.pickers[i].path,
               "two EndpointPickerConfigs without metadata.name (first at " +
                   at(docs_.pickers[*unnamed].config.location) +
                   "); name them after the pools' endpointPickerRef.name");
        }
        unnamed = i;
      } else if (!by_name.emplace(c.name, i).second) {
        fail(c.location, docs_.pickers[i].path + ".metadata.name",
             "duplicate EndpointPickerConfig");
      }
      cfg_.picker_configs.push_back(c);
    }
    // A pool uses the config named like its endpointPickerRef (the EPP it would call in
    // Kubernetes), else the unnamed one, else the only one.
    for (InferencePool& pool : cfg_.pools) {
      if (pool.endpoint_picker_ref) {
        if (auto it = by_name.find(pool.endpoint_picker_ref->name); it != by_name.end()) {
          pool.picker_config = it->second;
          continue;
        }
      }
      if (unnamed) {
        pool.picker_config = unnamed;
      } else if (cfg_.picker_configs.size() == 1) {
        pool.picker_config = 0;
      }
    }
  }

  Documents docs_;
  GatewayConfig cfg_;
  std::map<std::string, std::size_t> pool_index_;
};

}  // namespace

GatewayConfig resolve(Documents docs, std::vector<std::string> sources) {
  return Resolver(std::move(docs), std::move(sources)).run();
}

}  // namespace sluice::config::detail
