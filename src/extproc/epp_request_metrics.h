// Per-request metrics of `sluice epp` under the reference EPP's names, so that its dashboards
// work unchanged (../shared/reference/gateway-anchors.md §3.8), labelled {model_name,
// target_model_name}:
//   llm_d_epp_request_total                         counter, every request decided
//   llm_d_epp_request_error_total{error_code}       counter, HTTP status of a rejection or of an
//                                                   upstream error response (>= 400)
//   llm_d_epp_request_duration_seconds              histogram, routed to end of response
//   llm_d_epp_request_ttft_seconds{streaming}       histogram, routed to first response byte
//                                                   (streaming responses)
//   llm_d_epp_request_input_tokens, _output_tokens  histograms, from the response's usage
//   llm_d_epp_request_size_bytes, response_size_bytes histograms, bodies as they passed
//   llm_d_epp_request_running                       gauge, routed and not finished
// Buckets are vLLM's (metrics/buckets.h). At most kMaxSeries label pairs: later pairs count as
// model_name="other" (clients choose model names; cardinality must not follow them).
//
// Recording is a relaxed atomic add per value, from any thread. A pair's series is found through
// a per-thread cache; the registry's lock is taken only the first time a thread sees a pair, and
// never once the registry is full.
#pragma once

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
  };
  void observe(std::uint32_t series, const Finished& finished);

  /// Appends the families (HELP, TYPE and every series seen) to `out`.
  void render(std::string& out) const;

  struct Series;  // defined in the .cpp

 private:
  Series& at(std::uint32_t series);
  std::uint32_t register_series(const std::string& key, std::string_view model,
                                std::string_view target);

  const std::uint64_t id_;  ///< tells this instance's entries apart in the per-thread caches
  std::array<std::atomic<Series*>, kMaxSeries + 1> series_{};
  std::atomic<std::uint32_t> used_{1};  ///< series_[0] is "other"
  std::atomic<bool> full_{false};
  std::mutex registry_mutex_;
  std::unordered_map<std::string, std::uint32_t> registry_;
};

}  // namespace sluice::extproc
