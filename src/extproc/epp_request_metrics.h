// Per-request metrics of `sluice epp` under the reference EPP's names, so that its dashboards
// work unchanged (../shared/reference/gateway-anchors.md §3.8), labelled {model_name,
// target_model_name}:
//   llm_d_epp_request_total                         counter, every request decided
//   llm_d_epp_request_error_total{error_code}       counter, HTTP status of a rejection or of an
//                                                   upstream error response (>= 400)
//   llm_d_epp_request_duration_seconds              histogram, routed to end of response
//   llm_d_epp_request_ttft_seconds{streaming}       histogram, routed to first response byte
//                                                   (streaming responses)
//   llm_d_epp_request_input_tokens, _output_tokens, histograms, from the response's usage
//     _cached_tokens                                (cached: prompt_tokens_details)
//   llm_d_epp_request_ntpot_seconds                 histogram, duration / output tokens
//   llm_d_epp_request_streaming_tpot_seconds        histogram, streaming: (duration - TTFT) /
//                                                   (output tokens - 1)
//   llm_d_epp_request_streaming_itl_seconds         histogram, streaming: the gap between two
//                                                   response chunks (one per gap)
//   llm_d_epp_request_size_bytes, response_size_bytes histograms, bodies as they passed
//   llm_d_epp_request_running                       gauge, routed and not finished
// and, not per model, the EPP's own work:
//   llm_d_epp_scheduler_e2e_duration_seconds        histogram, one routing decision
//   llm_d_epp_scheduler_attempts_total{status}      counter, success (routed) or failure
//   llm_d_epp_request_processing_duration_seconds   histogram, time on one request's request-path
//   llm_d_epp_response_processing_duration_seconds  ... and response-path messages (routed ones)
//   llm_d_epp_extproc_streams_total{code}           counter, streams ended, by gRPC status name
//   llm_d_epp_extproc_stream_duration_seconds       histogram, stream open to end
// Buckets are vLLM's (metrics/buckets.h), microseconds up for the EPP's own work. At most
// kMaxSeries label pairs: later pairs count as model_name="other" (clients choose model names;
// cardinality must not follow them).
//
// Recording is a relaxed atomic add per value, from any thread. A pair's series is found through
// a per-thread cache; the registry's lock is taken only the first time a thread sees a pair, and
// never once the registry is full.
#pragma once

#include "extproc/grpc_wire.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sluice::extproc {

class EppRequestMetrics {
 public:
  static constexpr std::size_t kMaxSeries = 1000;
  /// The series of every pair past kMaxSeries.
  static constexpr std::uint32_t kOther = 0;

  EppRequestMetrics();
  ~EppRequestMetrics();
  EppRequestMetrics(const EppRequestMetrics&) = delete;
  EppRequestMetrics& operator=(const EppRequestMetrics&) = delete;

  /// The series of (model asked, model sent upstream).
  std::uint32_t series(std::string_view model, std::string_view target);

  /// A request was decided (routed or rejected).
  void count_request(std::uint32_t series);
  /// A routed request starts (+1) or ends (-1): llm_d_epp_request_running.
  void add_running(std::uint32_t series, int delta);
  /// An error answer: the EPP's rejection or the upstream's status (>= 400).
  void count_error(std::uint32_t series, int http_status);

  struct Finished {
    std::chrono::nanoseconds duration{0};
    std::optional<std::chrono::nanoseconds> ttft;  ///< streaming responses only
    std::optional<std::uint64_t> input_tokens;
    std::optional<std::uint64_t> output_tokens;
    std::uint64_t request_bytes = 0;
    std::uint64_t response_bytes = 0;
    std::optional<std::uint64_t> cached_tokens;
  };
  void observe(std::uint32_t series, const Finished& finished);
  /// The time between two chunks of a streaming response.
  void observe_itl(std::uint32_t series, std::chrono::nanoseconds gap);

  /// One routing decision: how long it took and whether it routed.
  void observe_scheduling(std::chrono::nanoseconds took, bool routed);
  /// The EPP's time on one routed request's messages, request path and response path.
  void observe_processing(std::chrono::nanoseconds request_path,
                          std::chrono::nanoseconds response_path);
  /// An ext_proc stream ended with `code` after `lasted`.
  void observe_stream(GrpcCode code, std::chrono::nanoseconds lasted);

  /// Appends the families (HELP, TYPE and every series seen) to `out`.
  void render(std::string& out) const;

  struct Series;  // defined in the .cpp
  struct Overhead;

 private:
  Series& at(std::uint32_t series);
  std::uint32_t register_series(const std::string& key, std::string_view model,
                                std::string_view target);

  const std::uint64_t id_;  ///< tells this instance's entries apart in the per-thread caches
  std::array<std::atomic<Series*>, kMaxSeries + 1> series_{};
  std::atomic<std::uint32_t> used_{1};  ///< series_[0] is "other"
  std::atomic<bool> full_{false};
  std::unique_ptr<Overhead> overhead_;
  std::mutex registry_mutex_;
  std::unordered_map<std::string, std::uint32_t> registry_;
};

}  // namespace sluice::extproc
