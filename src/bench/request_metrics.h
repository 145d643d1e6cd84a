// Per-request latency metrics and SLO checks (definitions follow inference-perf and vLLM bench;
// see ../shared/reference/observability-anchors.md §1).
#pragma once

#include "core/clock.h"
#include "core/result.h"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sluice::bench {

/// What the load generator observed for one request.
struct RequestRecord {
  TimePoint scheduled;  ///< when the arrival process wanted it sent
  TimePoint sent;       ///< when the request was actually written
  TimePoint end;        ///< when the response (or error) was complete
  /// Arrival times of content-bearing SSE chunks (role-only, usage-only and [DONE] excluded).
  std::vector<TimePoint> chunk_times;
  /// Tokens in each chunk, parallel to chunk_times (may be shorter: missing entries count as 1).
  std::vector<std::uint32_t> chunk_tokens;
  std::uint32_t output_tokens = 0;
  bool ok = true;
};

/// Metrics of one request, all in seconds.
struct RequestMetrics {
  std::optional<double> ttft;   ///< first chunk - sent; absent without chunks
  std::optional<double> tpot;   ///< (last chunk - first chunk) / (output_tokens - 1); absent
                                ///< unless output_tokens > 1 and there are chunks
  std::optional<double> ntpot;  ///< e2e / output_tokens; absent if output_tokens == 0
  double e2e = 0;               ///< end - sent
  double schedule_delay = 0;    ///< sent - scheduled (how late the generator was)
  /// Gaps between consecutive chunks: chunk_times[i] - chunk_times[i-1], i >= 1.
  std::vector<double> itl_per_chunk;
  /// GenAI-Perf style per-token ITL: each chunk gap divided by the token count k of the later
  /// chunk, repeated k times (a chunk with 0 or unknown tokens counts as 1), so its sum equals
  /// the sum of itl_per_chunk. (inference-perf instead stamps every token with its chunk's
  /// arrival time, giving k - 1 zeros plus the whole gap; that view is derivable from
  /// itl_per_chunk and chunk_tokens if a report needs to match it.)
  std::vector<double> itl_per_token;

  /// Mean of itl_per_chunk; absent with fewer than two chunks.
  std::optional<double> mean_itl() const;
};

/// Computes RequestMetrics from a record. Pure; does not look at `ok` (callers report failed
/// requests separately). Chunk times are assumed non-decreasing.
RequestMetrics compute_metrics(const RequestRecord& record);

/// Service-level objectives on per-request metrics (seconds). Unset fields are not checked.
struct Slo {
  std::optional<double> ttft, tpot, itl, ntpot, e2e;

  /// Parses "ttft=200ms,tpot=50ms,e2e=2s": comma-separated KEY=NUMBER UNIT with keys ttft, tpot,
  /// itl, ntpot, e2e and units s, ms, us (a unit is required). Whitespace around items is
  /// allowed; an empty spec is an empty Slo. Unknown or repeated keys, missing units and
  /// negative values are kInvalidArgument naming the spec.
  static Result<Slo> parse(std::string_view spec);

  /// True if every set objective holds (metric <= limit). `itl` compares the request's mean
  /// per-chunk ITL. A set objective whose metric is absent (e.g. tpot of a one-token answer,
  /// ttft of a non-streamed request) counts as missed: goodput never credits what it could not
  /// measure.
  bool met(const RequestMetrics& metrics) const;

  bool empty() const { return !ttft && !tpot && !itl && !ntpot && !e2e; }
};

}  // namespace sluice::bench
