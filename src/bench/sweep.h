// `sluice bench --sweep N`: the saturation estimate from a closed-loop probe, and the N rates
// planned up to it. Pure: the driver runs the probe and the stages.
#pragma once

#include "core/result.h"

#include <string_view>
#include <vector>

namespace sluice::bench {

enum class SweepSpacing {
  kLinear,     ///< evenly spaced
  kGeometric,  ///< gaps shrink geometrically towards saturation
};

/// "linear" or "geometric"; otherwise kInvalidArgument.
Result<SweepSpacing> parse_sweep_spacing(std::string_view name);
std::string_view sweep_spacing_name(SweepSpacing spacing);

/// The rates of a `stages`-step sweep up to `saturation_rate`, ascending, the last one exactly
/// `saturation_rate`. Both spacings start at saturation / stages:
///   linear:    r_k = sat * k / n                              (k = 1..n)
///   geometric: r_k = u * (1 + n - n^(1 - (k-1)/(n-1))), u = sat / n  (k = 1..n)
/// These are inference-perf's `linspace(1, sat, n)` and `1 + sat - geomspace(sat, 1, n)`
/// measured in units of sat / n instead of 1 req/s (they agree exactly when sat == n). Why not
/// from 1 req/s: the sweep must not depend on the unit of time. With sat < 1 (a slow model)
/// inference-perf's ranges run downwards past saturation, with sat a little above 1 every
/// stage is squeezed next to it, and with n = 1 linspace yields 1 req/s instead of the
/// saturation rate. Returns {} if saturation_rate is not finite and > 0 or stages < 1.
std::vector<double> sweep_rates(double saturation_rate, int stages, SweepSpacing spacing);

/// The steady completion rate (requests/s) seen by a saturating probe: a closed-loop stage at
/// high concurrency, started at time 0 and sending for `probe_duration_s`.
/// `completion_times_s` holds each completed request's end time in seconds from the probe
/// start, in any order.
///
/// Estimator: completions after the probe ended (the drain of a slow tail) and non-finite
/// times are dropped. Of the rest, those in the second half [D/2, D] are used, which skips the
/// ramp-up while the first wave is still in prefill. The rate is measured between completion
/// events, as (completions after the first one in the window) / (last - first), like
/// inference-perf's achieved_rate: this is unbiased when completions come in batch-sized bursts
/// (continuous batching finishes equal-length requests together), where counting per fixed
/// window would be off by up to a burst. If the second half spans less than D/8 between its
/// first and last completion, the same formula runs over the whole probe; if that is degenerate
/// too, the result is completions / D. Returns 0 with no completions or a non-positive D.
/// Make the probe several request latencies long so the second half is past the ramp-up.
double saturation_rate_from_probe(const std::vector<double>& completion_times_s,
                                  double probe_duration_s);

}  // namespace sluice::bench
