#include "scheduling/filters.h"

#include <algorithm>

namespace sluice::scheduling {

void HealthFilter::filter(const SchedulingRequest&,
                          std::vector<const EndpointView*>& candidates) const {
  std::erase_if(candidates, [](const EndpointView* e) { return !e->healthy; });
}

void ModelServedFilter::filter(const SchedulingRequest& request,
                               std::vector<const EndpointView*>& candidates) const {
  const bool anyone_lists_it =
      std::any_of(candidates.begin(), candidates.end(),
                  [&request](const EndpointView* e) { return e->serves(request.model); });
  const bool by_base = !anyone_lists_it && request.is_adapter && !request.base_model.empty();
  std::erase_if(candidates, [&request, by_base](const EndpointView* e) {
    return !(by_base ? e->serves(request.base_model) : e->serves(request.model));
  });
}

bool SaturationFilter::saturated(const EndpointView& e) const {
  return e.metrics_stale || e.waiting >= options_.queue_threshold ||
         e.kv_cache_usage >= options_.kv_threshold;
}

void SaturationFilter::filter(const SchedulingRequest&,
                              std::vector<const EndpointView*>& candidates) const {
  const bool all_saturated = std::all_of(candidates.begin(), candidates.end(),
                                         [this](const EndpointView* e) { return saturated(*e); });
  if (all_saturated && options_.fallback_to_all) {
    return;
  }
  std::erase_if(candidates, [this](const EndpointView* e) { return saturated(*e); });
}

}  // namespace sluice::scheduling
