// One load stage against an OpenAI-compatible endpoint: open loop (arrival schedule at a target
// rate, absolute-time scheduling) or closed loop (fixed concurrency), streaming or not. Runs its
// own io_context on the calling thread: one generator thread, no locks.
#pragma once

#include "bench/arrivals.h"
#include "bench/lengths.h"
#include "bench/request_metrics.h"
#include "bench/stats.h"
#include "core/clock.h"
#include "core/result.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sluice::bench {

struct LoadOptions {
  std::string url;  ///< base URL, e.g. http://127.0.0.1:8000
  std::string model;
  bool chat = true;            ///< /v1/chat/completions, else /v1/completions
  bool stream = true;          ///< SSE with stream_options.include_usage
  std::optional<double> rate;  ///< open loop: requests per second
  ArrivalKind arrival = ArrivalKind::kConstant;
  double burstiness = 1;
  int concurrency = 0;             ///< closed loop when > 0
  std::uint64_t num_requests = 0;  ///< stop after this many (0 = no limit)
  Duration duration{};             ///< stop sending after this long (0 = no limit)
  LengthDistribution input = LengthDistribution::fixed(128);
  LengthDistribution output = LengthDistribution::fixed(128);
  std::uint64_t seed = 0;
  Slo slo;
  std::string api_key;
  Duration timeout = std::chrono::seconds(120);  ///< per request
  std::size_t max_in_flight =
      20000;  ///< open loop: beyond it, requests fail as "generator_overloaded"
};

/// Checks that a load can run: URL, model, rate or concurrency, and a stop condition.
Status validate(const LoadOptions& options);

struct StageReport {
  double target_rate = 0;    ///< 0 for closed loop
  double achieved_rate = 0;  ///< sent / (last send - first send)
  double duration_s = 0;     ///< first send to last end
  int concurrency = 0;
  std::uint64_t completed = 0, failed = 0;
  std::map<std::string, std::uint64_t> errors;  ///< failure type -> count
  Summary ttft, itl, tpot, ntpot, e2e, schedule_delay;
  std::uint64_t input_tokens = 0, output_tokens = 0;
  std::uint64_t usage_missing = 0;  ///< responses without usage: tokens counted from chunks
  double requests_per_s = 0, input_tokens_per_s = 0, output_tokens_per_s = 0;
  double goodput_requests_per_s = 0;
};

/// Runs one stage to completion (every sent request finished or timed out).
Result<StageReport> run_stage(const LoadOptions& options);

/// The summary.json document: {"stages":[{name, target_rate, ..., "ttft":S, ...}]}.
std::string summary_json(const std::vector<std::pair<std::string, StageReport>>& stages);

}  // namespace sluice::bench
