// Histogram bucket boundaries, exactly as vLLM declares them (vllm/v1/metrics/loggers.py), because
// users' dashboards and the gateway's scrapers compute quantiles over these exact `le` values.
// See ../shared/reference/observability-anchors.md §2.1.
#pragma once

#include <cstdint>
#include <vector>

namespace sluice::metrics {

/// vllm:time_to_first_token_seconds
const std::vector<double>& ttft_buckets();
/// vllm:inter_token_latency_seconds, vllm:request_time_per_output_token_seconds
const std::vector<double>& itl_buckets();
/// vllm:e2e_request_latency_seconds and the queue/prefill/decode/inference phase histograms
const std::vector<double>& request_latency_buckets();
/// vllm:iteration_tokens_total
const std::vector<double>& iteration_tokens_buckets();
/// vllm:request_params_n
const std::vector<double>& params_n_buckets();
/// vLLM's build_1_2_5_buckets(max): 1, 2, 5, 10, 20, 50, ... while <= max (token-count histograms).
std::vector<double> buckets_1_2_5(std::uint64_t max_value);

}  // namespace sluice::metrics
