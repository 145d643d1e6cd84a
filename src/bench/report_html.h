// report.html: a single self-contained page (inline CSS, inline JS, data embedded as JSON, no
// network access) that opens offline in any browser and draws the run's charts.
#pragma once

#include "bench/stage_report.h"

#include <string>
#include <vector>

namespace sluice::bench {

/// What the page says about the run besides the stages.
struct ReportContext {
  std::string title = "sluice bench";
  std::string command_line;  ///< how the run was started
  std::string target_url;
  std::string dataset;     ///< Dataset::describe()
  std::string started_at;  ///< ISO 8601 wall-clock time
};

/// Renders the report. Charts: latency percentiles (TTFT, TPOT, ITL, e2e; p50/p90/p99) against
/// achieved rate, throughput (requests/s and output tokens/s) against target rate, the TTFT
/// histogram of each stage; plus tables of every stage's numbers, errors and scraped metrics.
/// All text from the run (names, URLs, error types) is HTML-escaped, and the embedded JSON
/// cannot close its <script> element.
std::string report_html(const std::vector<StageReport>& stages, const ReportContext& context);

}  // namespace sluice::bench
