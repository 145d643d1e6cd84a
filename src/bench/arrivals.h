// Request arrival processes for open-loop (rate-based) load.
//
// Offsets are measured from the stage start and are cumulative: the schedule keeps the running
// sum in double seconds and converts each offset once, so rounding never accumulates into drift
// and a sender that falls behind catches up instead of shifting every later request.
#pragma once

#include "core/clock.h"
#include "core/result.h"

#include <cstdint>
#include <string_view>

namespace sluice::bench {

enum class ArrivalKind {
  kConstant,  ///< request i at exactly i / rate (fixed spacing; note: inference-perf's "constant"
              ///< is rescaled exponential gaps, which is what kPoisson gives here)
  kPoisson,   ///< exponential gaps with mean 1 / rate (a Poisson process)
  kGamma,     ///< Gamma(shape = burstiness, scale = 1 / (rate * burstiness)) gaps, as vLLM bench
              ///< serve --burstiness: mean gap 1 / rate, CV^2 = 1 / burstiness
};

/// "constant", "poisson" or "gamma"; otherwise kInvalidArgument.
Result<ArrivalKind> parse_arrival_kind(std::string_view name);
std::string_view arrival_kind_name(ArrivalKind kind);

/// Checks the constructor's preconditions, for callers that take them from user input:
/// rate > 0 (infinity allowed: everything at offset 0, vLLM's "inf" rate), burstiness > 0 and
/// finite. Errors name the field ("rate" or "burstiness").
Status validate_arrivals(ArrivalKind kind, double rate_per_s, double burstiness);

/// A deterministic stream of request send offsets. The first request is at offset 0 (like vLLM
/// bench, which sends and then sleeps); request i > 0 is at the sum of i gaps. The same
/// (kind, rate, burstiness, seed) gives the same offsets on every platform.
///
/// Out-of-contract arguments (see validate_arrivals) degrade rather than crash: a non-positive,
/// NaN or infinite rate puts every request at offset 0; a non-positive or non-finite burstiness
/// behaves as 1 (Poisson). Burstiness is ignored by kConstant and kPoisson.
class ArrivalSchedule {
 public:
  ArrivalSchedule(ArrivalKind kind, double rate_per_s, double burstiness, std::uint64_t seed);

  /// Absolute offset from the stage start of the next request.
  Duration next_offset();

  /// How many offsets have been handed out.
  std::uint64_t issued() const { return issued_; }

 private:
  double next_gap_seconds();

  ArrivalKind kind_;
  double rate_;
  double burstiness_;
  bool burst_;  // every request at offset 0
  std::uint64_t rng_;
  std::uint64_t issued_ = 0;
  double elapsed_s_ = 0.0;  // running sum of random gaps; constant uses issued_ / rate_ instead
};

}  // namespace sluice::bench
