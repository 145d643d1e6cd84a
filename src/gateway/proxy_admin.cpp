// The gateway's own GET endpoints: the aggregated /v1/models and /metrics.
#include "gateway/proxy.h"
#include "openai/models.h"

#include <set>

namespace sluice::gateway {

std::string Proxy::models_body() const {
  // Every model and adapter any endpoint reports, then every configured ModelRoute name nobody
  // reports yet (so clients can see what the gateway routes), each once.
  std::vector<openai::ModelCard> cards;
  std::set<std::string, std::less<>> seen;
  for (const PoolRoute& route : table_.pools()) {
    const auto snapshot = route.endpoints->snapshot();
    for (const pool::EndpointState& e : snapshot->endpoints) {
      if (!e.models) {
        continue;
      }
      for (const pool::ServedModel& m : *e.models) {
        if (!seen.insert(m.name).second) {
          continue;
        }
        openai::ModelCard card;
        card.id = m.name;
        card.root = m.name;
        if (m.is_adapter()) {
          card.parent = m.parent;
        }
        cards.push_back(std::move(card));
      }
    }
  }
  for (const config::ModelRouteEntry& m : table_.config().models) {
    if (!seen.insert(m.model).second) {
      continue;
    }
    openai::ModelCard card;
    card.id = m.model;
    card.root = m.model;
    if (!m.base_model.empty()) {
      card.parent = m.base_model;
    }
    cards.push_back(std::move(card));
  }
  return openai::models_body(cards);
}

std::string Proxy::metrics_page() const {
  std::vector<std::shared_ptr<const pool::PoolSnapshot>> snapshots;
  for (const PoolRoute& route : table_.pools()) {
    snapshots.push_back(route.endpoints->snapshot());
  }
  GatewayTelemetry::RenderInputs inputs;
  inputs.pools = snapshots;
  inputs.in_flight = [this](std::uint32_t pool, std::uint32_t endpoint) -> std::uint32_t {
    const PoolRoute& route = table_.pools()[pool];
    return endpoint < route.base_urls.size()
               ? route.in_flight[endpoint].value.load(std::memory_order_relaxed)
               : 0;
  };
  inputs.now = SteadyClock::now();
  std::string page;
  telemetry_.render(page, inputs);
  return page;
}

}  // namespace sluice::gateway
