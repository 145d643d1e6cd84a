// The vLLM metric families one simulated server exposes on `/metrics`, with vLLM's names, types,
// labels (`model_name`, `engine`) and bucket boundaries
// (../shared/reference/observability-anchors.md §2.1). Handles are created once here; the request
// path only calls Observe()/Increment().
//
// Engine-wide gauges (running, waiting, KV usage) are reported once, labelled with the replica's
// first model, so that summing over `model_name` never double-counts a replica serving several
// models. Per-request histograms are labelled with the request's base model (adapters count for
// their base, as in vLLM).
#pragma once

#include "sim/engine.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>
#include <vector>

namespace sluice::sim {

class SimMetrics {
 public:
  SimMetrics(const std::vector<std::string>& models, const EngineConfig& config);

  /// Histograms of one finished request of base model `model_index`.
  void observe_finished(std::size_t model_index, const SeqStats& stats,
                        std::uint32_t max_tokens_param);
  /// One engine iteration's gap between two tokens of a request.
  void observe_inter_token(std::size_t model_index, double seconds);
  void observe_first_token(std::size_t model_index, double seconds);
  /// Tokens scheduled in one engine step (batched profiles only).
  void observe_iteration(std::uint64_t tokens) {
    iteration_tokens_->Observe(static_cast<double>(tokens));
  }

  /// Copies engine counters and gauges in, then renders the text exposition.
  std::string render(const Engine& engine, double now_unix_seconds);

 private:
  struct PerModel {
    prometheus::Histogram* ttft;
    prometheus::Histogram* itl;
    prometheus::Histogram* e2e;
    prometheus::Histogram* queue;
    prometheus::Histogram* prefill;
    prometheus::Histogram* decode;
    prometheus::Histogram* inference;
    prometheus::Histogram* tpot;
    prometheus::Histogram* prompt_tokens;
    prometheus::Histogram* generation_tokens;
    prometheus::Histogram* params_max_tokens;
  };

  prometheus::Registry registry_;
  std::vector<PerModel> per_model_;
  prometheus::Histogram* iteration_tokens_;
  prometheus::Gauge* running_;
  prometheus::Gauge* waiting_;
  prometheus::Gauge* kv_usage_;
  prometheus::Counter* prefix_queries_;
  prometheus::Counter* prefix_hits_;
  prometheus::Counter* prompt_tokens_;
  prometheus::Counter* generation_tokens_;
  prometheus::Counter* preemptions_;
  prometheus::Counter* success_stop_;
  prometheus::Counter* success_length_;
  prometheus::Counter* success_abort_;
  prometheus::Family<prometheus::Gauge>* lora_info_family_;
  prometheus::Gauge* lora_info_ = nullptr;
  std::string lora_info_key_;
  int max_loras_;
};

}  // namespace sluice::sim
