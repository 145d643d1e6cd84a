// Internal to src/cel: the time zones of CEL's timestamp getters (`getHours('Europe/Paris')`,
// `getDate('+05:30')`; cel-spec langdef "Timezones"), without the C library's global TZ state,
// so that evaluation stays thread-safe.
//
// Named zones are read from the IANA database as TZif files (RFC 8536, versions 1 to 4) under
// /usr/share/zoneinfo: the transition table, then the POSIX TZ rule of the footer for instants
// after the last transition. Parsed zones are cached process-wide (bounded, behind a mutex) with
// a small per-thread cache in front, so a selector that names the same zone on every evaluation
// takes no lock.
#pragma once

#include "core/result.h"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sluice::cel::detail {

/// A POSIX TZ rule (`PST8PDT,M3.2.0,M11.1.0`), as TZif footers carry it.
struct PosixTzRule {
  /// A day in a year: `Jn` (1..365, February 29 never counted), `n` (0..365), `Mm.w.d`.
  struct Date {
    enum class Kind : std::uint8_t { kJulianNoLeap, kJulian, kMonthWeekDay };
    Kind kind = Kind::kMonthWeekDay;
    int day = 0;  ///< Jn / n
    int month = 0, week = 0, weekday = 0;
  };
  std::int32_t std_offset = 0;  ///< seconds east of UTC
  bool has_dst = false;
  std::int32_t dst_offset = 0;
  Date start, end;
  std::int32_t start_time = 7200;  ///< seconds after local midnight (may be negative or > 24h)
  std::int32_t end_time = 7200;

  /// Parses a TZ string; errors (kInvalidArgument) say what is wrong.
  static Result<PosixTzRule> parse(std::string_view text);
  /// Seconds east of UTC at `seconds` since the Unix epoch.
  std::int32_t offset_at(std::int64_t seconds) const;
};

class TimeZone {
 public:
  /// Parses the bytes of a TZif file. Leap-second records are ignored (the "right/" zones count
  /// leap seconds in their transition times; the ordinary zones have none).
  static Result<TimeZone> parse_tzif(std::string_view data);

  /// Seconds east of UTC at `seconds` since the Unix epoch.
  std::int32_t offset_at(std::int64_t seconds) const;

 private:
  TimeZone() = default;
  std::vector<std::int64_t> transitions_;  ///< ascending
  std::vector<std::uint8_t> transition_types_;
  std::vector<std::int32_t> type_offsets_;  ///< at least one
  std::optional<PosixTzRule> rule_;         ///< for instants after the last transition
};

/// Seconds east of UTC of time zone `zone` at `seconds` since the Unix epoch. `zone` is "UTC",
/// "Z" or empty (UTC), a fixed offset `[+|-]h[h]:mm` ("+05:30", "-08:00", "02:00"), or an IANA
/// name ("America/Los_Angeles"). Names containing "..", starting with '/' or holding characters
/// outside [A-Za-z0-9/_+-.] are rejected before any file is opened. Errors are kInvalidArgument
/// (a malformed zone) or kNotFound (no such zone file).
Result<std::int32_t> utc_offset(std::string_view zone, std::int64_t seconds);

}  // namespace sluice::cel::detail
