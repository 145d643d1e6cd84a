// What one running stage accumulates, request by request, and the StageReport made from it.
// Internal to the bench driver; single-threaded like everything on the generator thread.
#pragma once

#include "bench/request_metrics.h"
#include "bench/stage_report.h"
#include "core/clock.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::bench {

class StageTally {
 public:
  void sent(TimePoint at);
  /// A finished request: `error` empty on success (then `metrics` counts), else its failure type.
  void finished(TimePoint end, std::string_view model, std::string_view error,
                const RequestMetrics* metrics, bool slo_met);
  void tokens(std::uint64_t input, std::uint64_t output, bool usage_missing, bool mismatch);
  /// A request that never went out (the generator was over its in-flight limit).
  void dropped(std::string_view error, std::string_view model);

  std::uint64_t sent_count() const { return sends_; }
  std::uint64_t completed() const { return completed_; }
  std::uint64_t failed() const { return failed_; }
  /// Median TTFT of the requests finished since the last call (empty if none).
  std::optional<double> take_recent_ttft_p50();

  /// Summaries and rates; `report` already carries name, target rate and concurrency.
  void fill(StageReport& report) const;

 private:
  void count_model(std::string_view model, bool ok);

  // Flat samples of the completed requests (no per-request vectors: a long run has millions).
  std::vector<double> ttft_, itl_, itl_per_token_, tpot_, ntpot_, e2e_, schedule_delay_;
  std::vector<double> recent_ttft_;
  std::vector<TimePoint> completions_;
  TimePoint first_send_ = TimePoint::max(), last_send_ = TimePoint::min();
  TimePoint last_end_ = TimePoint::min();
  std::uint64_t sends_ = 0, completed_ = 0, failed_ = 0, good_ = 0;
  std::uint64_t input_tokens_ = 0, output_tokens_ = 0, usage_missing_ = 0, mismatches_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> errors_;
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>, std::less<>> per_model_;
};

}  // namespace sluice::bench
