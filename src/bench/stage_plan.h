// Multi-stage load plans for `sluice bench --stages FILE` (the sweep is planned in sweep.h).
// Pure: no sockets, no clocks; the driver runs what these functions plan.
//
// Stage file format (YAML; every key is optional unless said otherwise):
//
//   interval: 2s                       # pause between stages, default 0
//   warmup: {rate: 10, duration: 5s}   # one stage run first and left out of the report
//   stages:                            # required, 1 to 1000 entries, run in order
//     - {rate: 10, duration: 30s}                      # open loop, 10 requests/s for 30 s
//     - {rate: 50, duration: 30s, arrival: poisson}
//     - {rate: 20, num_requests: 600, arrival: gamma, burstiness: 0.5}
//     - {concurrency: 16, num_requests: 500, name: closed-16}   # closed loop
//
// Stage keys: name, rate, concurrency, arrival, burstiness, duration, num_requests, warmup.
//   - Exactly one of `rate` (requests/s, 0 < rate <= 1e6) or `concurrency` (1..100000). They are
//     never inherited: a stage's load is always written in the file.
//   - The stop condition is `duration` and/or `num_requests`; with both, whichever comes first
//     ends the stage. A stage that sets neither inherits both from `defaults` (the CLI flags); a
//     stage that sets one does not inherit the other, so `--duration 60` never silently caps a
//     `num_requests: 5000` stage. After that, at least one must be set.
//   - `arrival` (constant | poisson | gamma) and `burstiness` (> 0, gamma's shape) apply to rate
//     stages and are inherited from `defaults` when absent. Setting them on a concurrency stage,
//     or `burstiness` when the stage's arrival is not gamma, is an error (it would do nothing).
//   - `name` defaults to "rate-<rate>" ("rate-2.5"), "concurrency-<n>", or "warmup" for the
//     top-level warm-up; a clashing default gets "-2", "-3"... Names are unique, non-empty, at
//     most 128 characters, without control characters.
//   - `warmup: true` marks a stage in the list as warm-up too.
// Durations are `30s`, `500ms`, `2m`, `1h`, compounds like `1m30s`, or bare numbers of seconds
// (`30`, `0.5`). Stage durations must be > 0 and at most 7 days; `interval` may be 0, at most 1 h.
//
// Errors: unknown keys (typos must not be silently ignored), repeated keys, wrong types,
// out-of-range values and YAML syntax errors are kInvalidArgument. Messages read
// "SOURCE:LINE:COLUMN: stages[2].rate: must be > 0 (got -1)"; `Error::field` holds the path
// ("stages[2].rate", "warmup.duration", "interval").
#pragma once

#include "bench/arrivals.h"
#include "core/clock.h"
#include "core/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::bench {

/// One load stage. Exactly one of `rate` / `concurrency` (> 0) is set in a parsed plan, and at
/// least one of `duration` / `num_requests` (0 = no limit).
struct StageSpec {
  std::string name;
  std::optional<double> rate;  ///< open loop: requests per second
  int concurrency = 0;         ///< closed loop: requests in flight
  ArrivalKind arrival = ArrivalKind::kConstant;
  double burstiness = 1;
  Duration duration{};
  std::uint64_t num_requests = 0;
  bool warmup = false;  ///< warm-up stages are run but excluded from the report
};

struct StagePlan {
  /// In run order; a top-level `warmup` is first.
  std::vector<StageSpec> stages;
  Duration interval{};  ///< pause between stages
};

/// Limits on stage-file input (see the format above).
inline constexpr double kMaxStageRate = 1e6;
inline constexpr int kMaxStageConcurrency = 100000;
inline constexpr std::uint64_t kMaxStageRequests = 1000000000;
inline constexpr std::size_t kMaxStages = 1000;
inline constexpr std::size_t kMaxStagePlanBytes = 1 << 20;

/// Parses a stage plan. `defaults` supplies duration, num_requests, arrival and burstiness for
/// stages that leave them out (its name, rate, concurrency and warmup are ignored). `source`
/// names the text in error messages (load_stage_plan passes the path). Never throws.
Result<StagePlan> parse_stage_plan_yaml(std::string_view yaml_text, const StageSpec& defaults,
                                        std::string_view source = "<stage plan>");

/// Reads `path` (at most kMaxStagePlanBytes) and parses it; a missing or unreadable file is
/// kNotFound / kIo with the path in the message. Never throws.
Result<StagePlan> load_stage_plan(const std::string& path, const StageSpec& defaults);

/// "30s", "500ms", "2m", "1h", "250us", compounds ("1m30s") or a bare number of seconds; >= 0
/// and finite. Anything else is kInvalidArgument quoting the text.
Result<Duration> parse_duration(std::string_view text);

}  // namespace sluice::bench
