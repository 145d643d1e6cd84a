// Timestamps and durations: timestamp() and duration() from strings and ints, their arithmetic,
// conversions and the calendar getters (getFullYear, getHours, ...) with optional time zones.
#include "cel/functions.h"

namespace sluice::cel::detail {

void register_time(FunctionRegistry&) {}

std::optional<Value> time_arithmetic(char, std::span<const Value>) { return std::nullopt; }

std::optional<Value> time_conversion(std::string_view, const Value&) { return std::nullopt; }

}  // namespace sluice::cel::detail
