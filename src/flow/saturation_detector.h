// Pool saturation for admission control: is the pool too busy to take a sheddable request?
//
// The utilization detector of llm-d (../shared/reference/gateway-anchors.md §4): each eligible
// endpoint gets a load score max(waiting / queueDepthThreshold, kv / kvCacheUtilThreshold), an
// endpoint with stale metrics counts as fully loaded (1.0: we cannot see it, so we do not trust
// it), and the pool is saturated when the mean score reaches 1.0. Unhealthy endpoints take no
// traffic and are left out; a pool with no healthy endpoint is saturated. Pure and allocation-free.
#pragma once

#include "core/result.h"
#include "scheduling/endpoint_view.h"

#include <yaml-cpp/yaml.h>

#include <span>

namespace sluice::flow {

struct SaturationThresholds {
  double queue_depth = 5;  ///< queueDepthThreshold: waiting requests that count as full
  double kv_cache = 0.8;   ///< kvCacheUtilThreshold: KV utilisation that counts as full
};

class SaturationDetector {
 public:
  explicit SaturationDetector(SaturationThresholds thresholds = {}) : t_(thresholds) {}

  /// Reads EndpointPickerConfig `saturationDetector` (null = defaults). Keys:
  /// `queueDepthThreshold` (> 0), `kvCacheUtilThreshold` (0 < x <= 1). Unknown keys and bad values
  /// are kInvalidArgument with field `saturationDetector.<key>`.
  static Result<SaturationDetector> from_yaml(const YAML::Node& node);

  /// One endpoint's load score: 0 idle, >= 1 full.
  double load(const scheduling::EndpointView& e) const;
  /// Mean load over healthy endpoints (1.0 when there is none).
  double pool_load(std::span<const scheduling::EndpointView> endpoints) const;
  bool saturated(std::span<const scheduling::EndpointView> endpoints) const {
    return pool_load(endpoints) >= 1.0;
  }
  const SaturationThresholds& thresholds() const { return t_; }

 private:
  SaturationThresholds t_;
};

}  // namespace sluice::flow
