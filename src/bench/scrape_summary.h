// Turns the `/metrics` pages scraped from one server during one load stage into the stage's
// ScrapedMetric rows (`sluice bench --scrape URL`). Pure: the driver fetches and parses the pages
// (prometheus_text.h); this file only does the arithmetic, the way PromQL would over the stage:
//
// - counter (TYPE counter, or an untyped name ending in `_total`): kind "counter", value = the
//   increase from the first to the last snapshot, as PromQL increase() without extrapolation: the
//   sum of the rises between consecutive samples, where a drop is a reset and counts the value
//   after it. A series seen once rises by 0.
// - gauge (TYPE gauge, and untyped names otherwise): kind "gauge", value = mean of its samples,
//   max = their maximum.
// - histogram and summary families: no row per `_bucket` or quantile. Per series (its labels
//   without `le`/`quantile`) one "histogram_mean" row named after the family,
//   value = increase(_sum) / increase(_count) (0 without observations), and one "counter" row for
//   its `_count` series.
//
// A series missing from some snapshots is summarized over the snapshots that have it; NaN and
// +-Inf samples are skipped the same way (a report number must be finite). `<family>_created`
// series that client libraries add next to counters, histograms and summaries (a start time, not
// a measurement) are dropped. With fewer than two snapshots there is no interval, so only gauges
// are reported.
#pragma once

#include "bench/stage_report.h"
#include "metrics/prometheus_text.h"

#include <string_view>
#include <vector>

namespace sluice::bench {

using metrics::PromSample;
using metrics::PromSnapshot;

/// Rows for `target` (the scrape URL, copied into each row), sorted by series then kind.
/// `samples_in_time_order` holds the snapshot taken at stage start first and the one at stage end
/// last. Linear in the total number of samples (~2,000 series x ~100 snapshots is routine).
std::vector<ScrapedMetric> summarize_scrapes(
    std::string_view target, const std::vector<PromSnapshot>& samples_in_time_order);

}  // namespace sluice::bench
