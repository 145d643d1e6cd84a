// Summary statistics for benchmark reports.
#pragma once

#include <cstddef>
#include <vector>

namespace sluice::bench {

/// Distribution summary of one metric (seconds, tokens, ... whatever the values are in).
struct Summary {
  std::size_t count = 0;
  double mean = 0, min = 0, max = 0;
  double p50 = 0, p90 = 0, p95 = 0, p99 = 0, p999 = 0;
};

/// The q-th percentile (q in [0, 100]) of an ascending-sorted, non-empty sample, by linear
/// interpolation between closest ranks, numpy.percentile's default ("linear", type 7), which
/// inference-perf and vLLM bench use:
///   h = (n - 1) * q / 100,  result = x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] -
///   x[floor(h)])
/// Returns 0 for an empty sample. q outside [0, 100] is clamped.
double percentile_sorted(const std::vector<double>& sorted, double q);

/// Summarizes `values` (taken by value because it is sorted in place). Empty input gives
/// count 0 and all fields 0. NaNs are the caller's bug; they are not filtered.
Summary summarize(std::vector<double> values);

}  // namespace sluice::bench
