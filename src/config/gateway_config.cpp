#include "config/gateway_config.h"

namespace sluice::config {

std::string PoolEndpoint::address() const {
  const bool v6 = host.find(':') != std::string::npos;
  std::string out = v6 ? "[" + host + "]" : host;
  out += ':';
  out += std::to_string(port);
  return out;
}

const InferencePool* GatewayConfig::find_pool(const std::string& name) const {
  for (const InferencePool& p : pools) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

const InferenceObjective* GatewayConfig::find_objective(const std::string& name) const {
  for (const InferenceObjective& o : objectives) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

const InferencePool* GatewayConfig::pool_for_model(const std::string& model) const {
  for (const ModelRouteEntry& m : models) {
    if (m.model == model) return find_pool(m.pool);
  }
  return gateway.default_pool.empty() ? nullptr : find_pool(gateway.default_pool);
}

}  // namespace sluice::config
