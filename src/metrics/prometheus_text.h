// A parser for the Prometheus text exposition format 0.0.4, for `sluice bench --scrape URL`: one
// scraped `/metrics` page becomes a PromSnapshot that scrape_summary.h turns into stage numbers.
//
// The input is untrusted (any URL the user points at), so parsing is a single linear pass without
// regular expressions, and every rejected line is reported by its 1-based number. Where the format
// allows several spellings the parser accepts what Prometheus' own scraper accepts: blanks and tabs
// around tokens and inside `{...}`, a trailing comma in the label list, CRLF line endings, any
// `\x` escape inside label values, `NaN`/`+Inf`/`-Inf` (any case), an optional integer timestamp,
// and TYPE lines after the samples they describe.
#pragma once

#include "core/result.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::metrics {

/// One sample line.
struct PromSample {
  /// The series identity: `name{a="x",b="y"}` with the labels sorted by name and each value kept
  /// exactly as exposed (still escaped, so `\"` stays two characters); just `name` without labels.
  std::string series;
  std::string name;  ///< the metric name, e.g. `vllm:num_requests_running`
  double value = 0;  ///< may be NaN or +-Inf
  std::optional<std::int64_t> timestamp_ms;
};

/// One parsed exposition page.
struct PromSnapshot {
  /// Sorted by `series`, one entry per series: when a page repeats a series, the first sample wins
  /// (Prometheus keeps the first and rejects later duplicates).
  std::vector<PromSample> samples;
  /// `# TYPE` declarations: metric family name -> counter|gauge|histogram|summary|untyped.
  /// Families without a TYPE line are absent (untyped).
  std::map<std::string, std::string, std::less<>> types;

  /// The sample of `series` (spelled as in PromSample::series), or nullptr. O(log n).
  const PromSample* find(std::string_view series) const;
};

/// Parses one exposition page. Errors are kInvalidArgument with a message like
/// "line 12: expected '=' after label name"; the whole page is rejected then. With `only`, every
/// line is still checked but only the samples and types of those metric names are kept (a
/// scraper reading 8 of 300 series skips building the other 292).
Result<PromSnapshot> parse_prometheus_text(std::string_view text,
                                           std::span<const std::string_view> only = {});

}  // namespace sluice::metrics
