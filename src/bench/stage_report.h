// What one load stage measured, and the summary.json document built from the stages. Pure data:
// the driver fills it, the report writers (summary.json, report.html) read it.
#pragma once

#include "bench/stats.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sluice::bench {

/// One Prometheus series summarized over a stage (from `sluice bench --scrape URL`).
struct ScrapedMetric {
  std::string target;  ///< the scrape URL
  std::string series;  ///< name{labels} as exposed, labels sorted by name
  /// "counter": value = increase over the stage (counter resets handled), max = value.
  /// "gauge": value = mean of the samples taken during the stage, max = their maximum.
  /// "histogram_mean": value = delta(_sum) / delta(_count) (0 if no observations), max = value;
  ///   the series name is the histogram's base name.
  std::string kind;
  double value = 0;
  double max = 0;
};

struct StageReport {
  std::string name;
  double target_rate = 0;    ///< 0 for closed loop
  double achieved_rate = 0;  ///< (sent - 1) / (last send - first send)
  double duration_s = 0;     ///< first send to last end
  int concurrency = 0;
  bool interrupted = false;  ///< stopped by Ctrl-C before its end
  std::uint64_t completed = 0, failed = 0;
  std::map<std::string, std::uint64_t> errors;  ///< failure type -> count
  Summary ttft, itl, itl_per_token, tpot, ntpot, e2e, schedule_delay;
  /// Every completed request's TTFT in seconds, ascending (for the report's histogram).
  std::vector<double> ttft_values;
  std::uint64_t input_tokens = 0, output_tokens = 0;
  std::uint64_t usage_missing = 0;     ///< responses without usage: tokens counted from chunks
  std::uint64_t token_mismatches = 0;  ///< usage.completion_tokens != content chunks seen
  double requests_per_s = 0, input_tokens_per_s = 0, output_tokens_per_s = 0;
  double goodput_requests_per_s = 0;
  /// Requests per model name (LoRA traffic split): completed and failed.
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> per_model;
  std::vector<ScrapedMetric> scraped;
  /// Scrapes that failed (unreachable, non-200, unparsable), per target URL.
  std::map<std::string, std::uint64_t> scrape_failures;
  /// Completed requests' end times in seconds from the stage's first send (saturation probe).
  std::vector<double> completion_offsets_s;
};

/// The summary.json document: {"stages":[{name, target_rate, ..., "ttft":S, ...}]} where each S
/// is {"mean","p50","p90","p95","p99","p999","min","max","count"} in seconds.
std::string summary_json(const std::vector<StageReport>& stages);

}  // namespace sluice::bench
