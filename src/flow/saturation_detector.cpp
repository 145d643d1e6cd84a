#include "flow/saturation_detector.h"

#include <algorithm>
#include <string>

namespace sluice::flow {

Result<SaturationDetector> SaturationDetector::from_yaml(const YAML::Node& node) {
  SaturationThresholds t;
  if (!node || node.IsNull()) {
    return SaturationDetector(t);
  }
  if (!node.IsMap()) {
    return make_error(ErrorCode::kInvalidArgument, "saturationDetector must be a mapping",
                      "saturationDetector");
  }
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    const std::string field = "saturationDetector." + key;
    double value = 0;
    const bool number = kv.second.IsScalar() && YAML::convert<double>::decode(kv.second, value);
    if (key == "queueDepthThreshold") {
      if (!number || !(value > 0)) {
        return make_error(ErrorCode::kInvalidArgument, field + ": must be a number > 0", field);
      }
      t.queue_depth = value;
    } else if (key == "kvCacheUtilThreshold") {
      if (!number || !(value > 0 && value <= 1)) {
        return make_error(ErrorCode::kInvalidArgument, field + ": must be a number in (0, 1]",
                          field);
      }
      t.kv_cache = value;
    } else {
      return make_error(ErrorCode::kInvalidArgument,
                        field + ": unknown key (known: queueDepthThreshold, kvCacheUtilThreshold)",
                        field);
    }
  }
  return SaturationDetector(t);
}

double SaturationDetector::load(const scheduling::EndpointView& e) const {
  if (e.metrics_stale) {
    return 1.0;
  }
  return std::max(static_cast<double>(e.waiting) / t_.queue_depth, e.kv_cache_usage / t_.kv_cache);
}

double SaturationDetector::pool_load(std::span<const scheduling::EndpointView> endpoints) const {
  double sum = 0;
  std::size_t healthy = 0;
  for (const scheduling::EndpointView& e : endpoints) {
    if (e.healthy) {
      sum += load(e);
      ++healthy;
    }
  }
  return healthy == 0 ? 1.0 : sum / static_cast<double>(healthy);
}

}  // namespace sluice::flow
