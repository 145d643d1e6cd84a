#include "pool/pool_snapshot.h"

namespace sluice::pool {

const ServedModel* EndpointState::find_model(std::string_view model) const {
  if (!models) return nullptr;
  for (const auto& m : *models) {
    if (m.name == model) return &m;
  }
  return nullptr;
}

bool EndpointState::serves(std::string_view model) const { return find_model(model) != nullptr; }

const EndpointState* PoolSnapshot::find(std::string_view address) const {
  for (const auto& e : endpoints) {
    if (e.config->address == address) return &e;
  }
  return nullptr;
}

}  // namespace sluice::pool
