// Built-in filters. Each keeps the relative order of the candidates it does not remove.
#pragma once

#include "scheduling/plugin.h"

namespace sluice::scheduling {

/// `health-filter`: drops endpoints whose health checks failed or that were ejected.
class HealthFilter final : public Filter {
 public:
  void filter(const SchedulingRequest& request,
              std::vector<const EndpointView*>& candidates) const override;
};

/// `model-served-filter`: keeps endpoints that list the requested model (base model or adapter)
/// in /v1/models. An endpoint that does not list an adapter answers 404 for it (vLLM), so
/// base-model endpoints are kept for an adapter only when no endpoint lists it at all (servers
/// with an on-demand LoRA resolver).
class ModelServedFilter final : public Filter {
 public:
  void filter(const SchedulingRequest& request,
              std::vector<const EndpointView*>& candidates) const override;
};

/// `saturation-filter`: drops saturated endpoints: queue depth >= queue_threshold, KV-cache usage
/// >= kv_threshold, or stale metrics (an endpoint we cannot see is treated as full). When every
/// candidate is saturated and `fallback_to_all` is set, keeps them all: admission (429/503) is the
/// flow module's decision, not the router's.
class SaturationFilter final : public Filter {
 public:
  struct Options {
    std::uint32_t queue_threshold = 5;  ///< GIE v0.3 QUEUE_THRESHOLD_CRITICAL
    double kv_threshold = 0.8;          ///< GIE v0.3 KV_CACHE_THRESHOLD
    bool fallback_to_all = true;
  };
  explicit SaturationFilter(Options options) : options_(options) {}
  void filter(const SchedulingRequest& request,
              std::vector<const EndpointView*>& candidates) const override;
  bool saturated(const EndpointView& e) const;

 private:
  Options options_;
};

/// `decode-filter` (llm-d): keeps decode-role endpoints. Sluice endpoints carry no P/D role, so
/// every endpoint qualifies; accepted so that llm-d configs listing it load unchanged.
class PassThroughFilter final : public Filter {
 public:
  void filter(const SchedulingRequest&, std::vector<const EndpointView*>&) const override {}
};

}  // namespace sluice::scheduling
