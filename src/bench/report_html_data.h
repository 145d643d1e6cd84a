// The data half of report.html: the TTFT histogram binning and the JSON document that the page's
// script draws its charts from. Split from the page markup so both can be tested on their own.
#pragma once

#include "bench/report_html.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::bench {

/// Fixed-width histogram of a stage's TTFTs over [lo, lo + bins * width], plus one overflow bin
/// for the tail above the 99.9th percentile, so that one outlier does not squash every bar.
struct TtftHistogram {
  double lo = 0;                      ///< seconds: the smallest value
  double width = 0;                   ///< seconds per bin (> 0 whenever counts is non-empty)
  std::vector<std::uint64_t> counts;  ///< empty when there were no values
  std::uint64_t overflow = 0;         ///< values above lo + bins * width
};

inline constexpr int kTtftHistogramBins = 30;

/// Bins `values` (seconds; ascending is the fast path, any order is accepted) over [min, p99.9]
/// into `bins` bins. All values equal gives one populated first bin of a small positive width.
/// The result's size is independent of values.size(), which keeps the page small for huge runs.
/// Non-finite values are ignored.
TtftHistogram ttft_histogram(const std::vector<double>& values, int bins = kTtftHistogramBins);

/// The page's data block: {"context":{...},"stages":[{...}]} with every latency in seconds.
/// Non-finite numbers are written as null. Every '<' is written as \u003c, so the text cannot
/// end its <script> element ("</script") or open a comment ("<!--") however names are spelled.
std::string report_data_json(const std::vector<StageReport>& stages, const ReportContext& context);

/// Text for HTML element content and quoted attribute values: & < > " ' become entities.
void append_html_escaped(std::string& out, std::string_view text);

}  // namespace sluice::bench
