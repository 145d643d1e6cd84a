// Internal to src/cel: the calendar arithmetic and the text forms of CEL's timestamps and
// durations (cel-spec langdef "Timestamps and durations"), written to read and print what cel-go
// (and so Kubernetes) reads and prints:
//
// - timestamps: RFC 3339 as Go's time.RFC3339 parses it (`2009-02-13T23:31:30Z`, any number of
//   fraction digits, `Z` or a `+hh:mm`/`-hh:mm` offset), printed in UTC as time.RFC3339Nano
//   prints it (fraction only as needed); valid from 0001-01-01T00:00:00Z to
//   9999-12-31T23:59:59.999999999Z.
// - durations: Go's time.ParseDuration grammar (`1h2m3.5s`, `-1.5s`, `100ms`, `1us`, `1µs`,
//   `1ns`, `0`), limited as cel-go limits them to one int64 of nanoseconds (about +-292 years),
//   printed as cel-go prints them: seconds with the shortest fraction that reads back as the same
//   double, then `s`.
//
// Everything here is pure and allocation-free except the formatters' result strings.
#pragma once

#include "cel/value.h"
#include "core/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::cel::detail {

/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z in seconds since the Unix epoch.
inline constexpr std::int64_t kMinTimestampSeconds = -62135596800;
inline constexpr std::int64_t kMaxTimestampSeconds = 253402300799;
inline constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

/// Whether `t` is a normalized timestamp (nanos in [0, 1e9)) within CEL's range.
bool timestamp_in_range(const Timestamp& t);

/// `t` moved by `nanos`, or empty when the result leaves CEL's timestamp range.
std::optional<Timestamp> add_nanos(const Timestamp& t, std::int64_t nanos);

/// `a - b` in nanoseconds, or empty when it does not fit a duration.
std::optional<std::int64_t> timestamp_difference(const Timestamp& a, const Timestamp& b);

/// A duration as one count of nanoseconds, or empty when it does not fit in an int64 (a value
/// built from outside the engine, such as a protobuf Duration of 10,000 years) or when its
/// seconds and nanos disagree in sign.
std::optional<std::int64_t> duration_nanos(const Duration& d);
/// The Duration holding `nanos` (seconds and nanos with the same sign).
Duration duration_from_nanos(std::int64_t nanos);

/// A broken-down civil time (proleptic Gregorian calendar).
struct CivilTime {
  std::int64_t year = 1970;
  int month = 1;        ///< 1..12
  int day = 1;          ///< 1..31
  int hour = 0;         ///< 0..23
  int minute = 0;       ///< 0..59
  int second = 0;       ///< 0..59
  int day_of_week = 4;  ///< 0 = Sunday
  int day_of_year = 0;  ///< 0-based
};

/// Days since 1970-01-01 of a civil date (month 1..12, day 1..31; not validated).
std::int64_t days_from_civil(std::int64_t year, int month, int day);

/// The civil time `seconds` after 1970-01-01T00:00:00 (any int64 whose year fits).
CivilTime civil_from_seconds(std::int64_t seconds);

/// Parses an RFC 3339 timestamp. Errors (kInvalidArgument) name what is wrong; a well-formed
/// time outside CEL's range is a "timestamp out of range" error.
Result<Timestamp> parse_timestamp(std::string_view text);

/// `t` (in range) as RFC 3339 in UTC: `2009-02-13T23:31:30Z`, `...30.5Z`, `...30.000000001Z`.
std::string format_timestamp(const Timestamp& t);

/// Parses a Go duration string into nanoseconds. Errors (kInvalidArgument) say what is wrong;
/// a duration beyond int64 nanoseconds is a "duration out of range" error.
Result<std::int64_t> parse_duration(std::string_view text);

/// `nanos` as cel-go's string(duration) prints it: `1000000s`, `1.5s`, `-0.000000001s`.
std::string format_duration(std::int64_t nanos);

}  // namespace sluice::cel::detail
