// Private to src/bench/dataset*.cpp (and its tests): reading request traces for the `trace`
// dataset kind.
//
// Accepted files (the format is chosen by the first non-blank line):
//   CSV with a header row naming, in any order and case, with extra columns ignored, either the
//   Azure LLM inference trace columns TIMESTAMP,ContextTokens,GeneratedTokens or
//   timestamp,input_length,output_length;
//   JSONL, one {"timestamp": T, "input_length": N, "output_length": N} object per line.
// A timestamp is seconds since any origin (a decimal number >= 0, e.g. 12.5) or a date-time
// "YYYY-MM-DD HH:MM:SS[.fraction]" ('T' may replace the space, a trailing 'Z' is allowed;
// fraction digits beyond nanoseconds are ignored; years 1970-2200). In JSONL it is a JSON
// number or a string in either form. Lengths are integers >= 0; blank lines are skipped.
#pragma once

#include "core/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::bench::dataset_detail {

struct TraceRow {
  std::int64_t offset_ns = 0;  ///< arrival, relative to the first row's
  std::uint32_t input_length = 0;
  std::uint32_t output_length = 0;
};

/// Nanoseconds for a timestamp in either form above (date-times since 1970-01-01 00:00:00),
/// or nullopt if it is neither.
std::optional<std::int64_t> parse_trace_time(std::string_view text);

/// The rows of the trace file at `path`, offsets normalized so the first row is at 0. Errors are
/// kInvalidArgument naming the file and the line: unreadable file, unknown header, missing
/// columns, bad numbers, a timestamp earlier than the previous row's, no rows.
Result<std::vector<TraceRow>> load_trace_rows(const std::string& path);

}  // namespace sluice::bench::dataset_detail
