// Timestamps and durations (cel-spec langdef "Timestamps and durations" and the standard
// functions): timestamp() and duration() from strings and ints, their arithmetic with range
// errors, conversions to int and string, and the calendar getters (getFullYear, getHours, ...)
// in UTC or a named or fixed time zone. Text forms are in time_format.h, zones in time_zone.h.
#include "cel/functions.h"
#include "cel/time_format.h"
#include "cel/time_zone.h"

#include <cstdint>
#include <optional>
#include <string>

namespace sluice::cel::detail {
namespace {

Value timestamp_out_of_range() { return Value::error("timestamp out of range"); }
Value duration_out_of_range() { return Value::error("duration out of range"); }

/// A duration operand in nanoseconds, or empty if it does not fit (see duration_nanos()).
std::optional<std::int64_t> nanos_of(const Value& v) { return duration_nanos(v.as_duration()); }

Value timestamp_plus(const Timestamp& t, std::int64_t nanos) {
  const auto moved = add_nanos(t, nanos);
  return moved ? Value::timestamp(*moved) : timestamp_out_of_range();
}

Value add(const Value& x, const Value& y) {
  const ValueKind kx = x.kind();
  const ValueKind ky = y.kind();
  if (kx == ValueKind::kDuration && ky == ValueKind::kDuration) {
    const auto a = nanos_of(x);
    const auto b = nanos_of(y);
    std::int64_t sum = 0;
    if (!a || !b || __builtin_add_overflow(*a, *b, &sum)) return duration_out_of_range();
    return Value::duration(duration_from_nanos(sum));
  }
  const Value& ts = kx == ValueKind::kTimestamp ? x : y;
  const auto nanos = nanos_of(kx == ValueKind::kTimestamp ? y : x);
  if (!nanos) return duration_out_of_range();
  return timestamp_plus(ts.as_timestamp(), *nanos);
}

Value subtract(const Value& x, const Value& y) {
  if (x.kind() == ValueKind::kTimestamp && y.kind() == ValueKind::kTimestamp) {
    const auto difference = timestamp_difference(x.as_timestamp(), y.as_timestamp());
    if (!difference) return duration_out_of_range();
    return Value::duration(duration_from_nanos(*difference));
  }
  const auto b = nanos_of(y);
  if (!b) return duration_out_of_range();
  if (x.kind() == ValueKind::kTimestamp) {
    // -INT64_MIN does not exist; subtract in two steps then.
    if (*b == INT64_MIN) {
      const auto half = add_nanos(x.as_timestamp(), INT64_MAX);
      return half ? timestamp_plus(*half, 1) : timestamp_out_of_range();
    }
    return timestamp_plus(x.as_timestamp(), -*b);
  }
  const auto a = nanos_of(x);
  std::int64_t difference = 0;
  if (!a || __builtin_sub_overflow(*a, *b, &difference)) return duration_out_of_range();
  return Value::duration(duration_from_nanos(difference));
}

Value timestamp_from_seconds(std::int64_t seconds) {
  if (seconds < kMinTimestampSeconds || seconds > kMaxTimestampSeconds) {
    return timestamp_out_of_range();
  }
  return Value::timestamp(Timestamp{seconds, 0});
}

// ---- getters ---------------------------------------------------------------------------------

enum class Field : std::uint8_t {
  kFullYear,
  kMonth,
  kDayOfYear,
  kDayOfMonth,
  kDate,
  kDayOfWeek,
  kHours,
  kMinutes,
  kSeconds,
  kMilliseconds,
};

/// A timestamp's calendar field in UTC or in the time zone `zone`.
Value timestamp_field(Field field, const Timestamp& t, const std::string* zone) {
  if (!timestamp_in_range(t)) return timestamp_out_of_range();
  std::int32_t offset = 0;
  if (zone != nullptr) {
    Result<std::int32_t> found = utc_offset(*zone, t.seconds);
    if (!found.ok()) return Value::error(std::move(found).error().message);
    offset = *found;
  }
  const CivilTime c = civil_from_seconds(t.seconds + offset);
  switch (field) {
    case Field::kFullYear:
      return Value::integer(c.year);
    case Field::kMonth:
      return Value::integer(c.month - 1);
    case Field::kDayOfYear:
      return Value::integer(c.day_of_year);
    case Field::kDayOfMonth:
      return Value::integer(c.day - 1);
    case Field::kDate:
      return Value::integer(c.day);
    case Field::kDayOfWeek:
      return Value::integer(c.day_of_week);
    case Field::kHours:
      return Value::integer(c.hour);
    case Field::kMinutes:
      return Value::integer(c.minute);
    case Field::kSeconds:
      return Value::integer(c.second);
    case Field::kMilliseconds:
      return Value::integer(t.nanos / 1'000'000);
  }
  return timestamp_out_of_range();  // unreachable
}

/// A duration's total hours, minutes or seconds (truncated toward zero), or the milliseconds
/// part of its last second (cel-spec: "this method does not convert").
std::optional<Value> duration_field(Field field, const Duration& d) {
  const auto nanos = duration_nanos(d);
  if (!nanos) return duration_out_of_range();
  switch (field) {
    case Field::kHours:
      return Value::integer(*nanos / (3600 * kNanosPerSecond));
    case Field::kMinutes:
      return Value::integer(*nanos / (60 * kNanosPerSecond));
    case Field::kSeconds:
      return Value::integer(*nanos / kNanosPerSecond);
    case Field::kMilliseconds:
      return Value::integer(*nanos % kNanosPerSecond / 1'000'000);
    default:
      return std::nullopt;  // calendar fields have no meaning for a span
  }
}

template <Field kField, const std::string_view& kName>
Value getter(std::span<const Value> a) {
  if (a.size() == 1 && a[0].kind() == ValueKind::kTimestamp) {
    return timestamp_field(kField, a[0].as_timestamp(), nullptr);
  }
  if (a.size() == 2 && a[0].kind() == ValueKind::kTimestamp && a[1].kind() == ValueKind::kString) {
    return timestamp_field(kField, a[0].as_timestamp(), &a[1].as_string());
  }
  if (a.size() == 1 && a[0].kind() == ValueKind::kDuration) {
    if (auto v = duration_field(kField, a[0].as_duration())) return std::move(*v);
  }
  return no_overload(kName, a);
}

template <const std::string_view& kName>
Value conversion(std::span<const Value> a) {
  if (a.size() == 1) {
    if (auto v = time_conversion(kName, a[0])) return std::move(*v);
  }
  return no_overload(kName, a);
}

constexpr std::string_view kTimestamp = "timestamp", kDuration = "duration";
constexpr std::string_view kGetFullYear = "getFullYear", kGetMonth = "getMonth",
                           kGetDayOfYear = "getDayOfYear", kGetDayOfMonth = "getDayOfMonth",
                           kGetDate = "getDate", kGetDayOfWeek = "getDayOfWeek",
                           kGetHours = "getHours", kGetMinutes = "getMinutes",
                           kGetSeconds = "getSeconds", kGetMilliseconds = "getMilliseconds";

}  // namespace

void register_time(FunctionRegistry& r) {
  r.add(kTimestamp, CallStyle::kGlobal, &conversion<kTimestamp>);
  r.add(kDuration, CallStyle::kGlobal, &conversion<kDuration>);
  r.add(kGetFullYear, CallStyle::kMember, &getter<Field::kFullYear, kGetFullYear>);
  r.add(kGetMonth, CallStyle::kMember, &getter<Field::kMonth, kGetMonth>);
  r.add(kGetDayOfYear, CallStyle::kMember, &getter<Field::kDayOfYear, kGetDayOfYear>);
  r.add(kGetDayOfMonth, CallStyle::kMember, &getter<Field::kDayOfMonth, kGetDayOfMonth>);
  r.add(kGetDate, CallStyle::kMember, &getter<Field::kDate, kGetDate>);
  r.add(kGetDayOfWeek, CallStyle::kMember, &getter<Field::kDayOfWeek, kGetDayOfWeek>);
  r.add(kGetHours, CallStyle::kMember, &getter<Field::kHours, kGetHours>);
  r.add(kGetMinutes, CallStyle::kMember, &getter<Field::kMinutes, kGetMinutes>);
  r.add(kGetSeconds, CallStyle::kMember, &getter<Field::kSeconds, kGetSeconds>);
  r.add(kGetMilliseconds, CallStyle::kMember, &getter<Field::kMilliseconds, kGetMilliseconds>);
}

std::optional<Value> time_arithmetic(char op, std::span<const Value> a) {
  if (a.size() != 2) return std::nullopt;
  const ValueKind kx = a[0].kind();
  const ValueKind ky = a[1].kind();
  const bool x_time = kx == ValueKind::kTimestamp || kx == ValueKind::kDuration;
  const bool y_time = ky == ValueKind::kTimestamp || ky == ValueKind::kDuration;
  if (!x_time || !y_time) return std::nullopt;
  if (op == '+') {
    // timestamp + timestamp has no meaning.
    if (kx == ValueKind::kTimestamp && ky == ValueKind::kTimestamp) return std::nullopt;
    return add(a[0], a[1]);
  }
  if (op == '-') {
    // duration - timestamp has no meaning.
    if (kx == ValueKind::kDuration && ky == ValueKind::kTimestamp) return std::nullopt;
    return subtract(a[0], a[1]);
  }
  return std::nullopt;
}

std::optional<Value> time_conversion(std::string_view to, const Value& v) {
  switch (v.kind()) {
    case ValueKind::kTimestamp: {
      const Timestamp& t = v.as_timestamp();
      if (to == "string") {
        return timestamp_in_range(t) ? Value::string(format_timestamp(t))
                                     : timestamp_out_of_range();
      }
      if (to == "int") return Value::integer(t.seconds);  // nanos >= 0: seconds is the floor
      if (to == kTimestamp) return v;
      return std::nullopt;
    }
    case ValueKind::kDuration: {
      if (to == kDuration) return v;
      if (to != "string" && to != "int") return std::nullopt;
      const auto nanos = duration_nanos(v.as_duration());
      if (!nanos) return duration_out_of_range();
      // int(duration) is cel-go's: the duration in nanoseconds.
      return to == "int" ? Value::integer(*nanos) : Value::string(format_duration(*nanos));
    }
    case ValueKind::kString:
      if (to == kTimestamp) {
        Result<Timestamp> t = parse_timestamp(v.as_string());
        return t.ok() ? Value::timestamp(*t) : Value::error(std::move(t).error().message);
      }
      if (to == kDuration) {
        Result<std::int64_t> nanos = parse_duration(v.as_string());
        return nanos.ok() ? Value::duration(duration_from_nanos(*nanos))
                          : Value::error(std::move(nanos).error().message);
      }
      return std::nullopt;
    case ValueKind::kInt:
      if (to == kTimestamp) return timestamp_from_seconds(v.as_int());
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace sluice::cel::detail
