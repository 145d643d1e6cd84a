// Internal to src/cel: `string.format(list)` of cel-go's strings extension (its current
// formatter, formatting_v2), and the result-size cap the strings library shares.
//
// Clauses: `%%` is a literal percent sign; every other `%` takes the next list element and an
// optional precision `.N` (0..kMaxFormatPrecision, used by `%f` and `%e`, default 6):
//
//   %s  any value but optionals, messages and extension types: strings and bytes as they are,
//       doubles in shortest fixed notation (`NaN`, `Infinity`, `-Infinity`), timestamps in
//       RFC 3339 UTC, durations as seconds (`7200s`), types by name, lists as `[a, b]`, maps as
//       `{k: v}` sorted by the formatted key, all recursively.
//   %d  int, uint, double (a double as with %s)
//   %f  int, uint, double in fixed point;  %e  the same in scientific notation (`1.05e+03`)
//   %b  int, uint, bool in binary;  %o  int, uint in octal
//   %x  %X  int, uint in hexadecimal, strings and bytes as the hex of every byte
//
// Failures are error values with cel-go's wording: `index 2 out of range` (too few elements),
// `could not parse formatting clause: ...` (a bad verb or precision), `error during formatting:
// ...` (a verb applied to a kind it does not take). Output is locale-independent.
#pragma once

#include "cel/value.h"

#include <cstddef>
#include <span>

namespace sluice::cel::detail {

/// The largest string the strings library builds (`replace`, `join`, `format`): larger results
/// are errors, so an expression cannot turn small inputs into an allocation that exhausts
/// memory (`s.replace('', big)` grows as size(s) * size(big)).
inline constexpr std::size_t kMaxStringResultBytes = std::size_t{16} << 20;

/// The largest `%.Nf` / `%.Ne` precision accepted.
inline constexpr int kMaxFormatPrecision = 1000;

/// `args[0].format(args[1])`: a string and a list, else no_overload("format", args).
Value string_format(std::span<const Value> args);

}  // namespace sluice::cel::detail
