// One load stage against an OpenAI-compatible endpoint: open loop (arrival schedule at a target
// rate, absolute-time scheduling) or closed loop (fixed concurrency), streaming or not. Runs its
// own io_context on the calling thread: one generator thread, no locks.
#pragma once

#include "bench/arrivals.h"
#include "bench/lengths.h"
#include "bench/request_metrics.h"
#include "bench/stage_report.h"
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


/// Runs one stage to completion (every sent request finished or timed out).
Result<StageReport> run_stage(const LoadOptions& options);

}  // namespace sluice::bench
