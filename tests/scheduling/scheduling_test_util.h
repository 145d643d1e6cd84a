// Helpers for hand-built endpoint sets.
#pragma once

#include "scheduling/endpoint_view.h"
#include "scheduling/plugin.h"

#include <string>
#include <vector>

namespace sluice::scheduling::testing {

inline EndpointView endpoint(std::uint32_t id, std::vector<std::string> models = {"llama"}) {
  EndpointView e;
  e.id = id;
  e.address = "10.0.0." + std::to_string(id) + ":8000";
  e.served_models = std::move(models);
  return e;
}

inline std::vector<const EndpointView*> pointers(const std::vector<EndpointView>& v) {
  std::vector<const EndpointView*> out;
  for (const EndpointView& e : v) {
    out.push_back(&e);
  }
  return out;
}

inline std::vector<std::uint32_t> ids(const std::vector<const EndpointView*>& v) {
  std::vector<std::uint32_t> out;
  for (const EndpointView* e : v) {
    out.push_back(e->id);
  }
  return out;
}

inline std::vector<double> run_scorer(const Scorer& scorer, const SchedulingRequest& request,
                                      const std::vector<EndpointView>& endpoints,
                                      std::span<const std::uint32_t> prefix_match = {}) {
  const auto candidates = pointers(endpoints);
  std::vector<double> out(candidates.size(), -1.0);
  CycleState state;
  state.request = &request;
  state.prefix_match_blocks = prefix_match;
  scorer.score(state, candidates, out);
  return out;
}

}  // namespace sluice::scheduling::testing
