// Kubernetes' resource.Quantity (k8s.io/apimachinery/pkg/api/resource) as an exact decimal value:
// parsing ("1.5Gi", "500m", "1e3"), the canonical string Kubernetes prints ("1536Mi", "500m",
// "1e3"), ordering and exact arithmetic. Independent of CEL: the CEL library (k8s_quantity.cpp) and
// the DRA allocator (device capacities) both use it.
//
// Representation: value = mantissa * 10^exponent with a 128-bit mantissa of at most 38 decimal
// digits, kept without trailing zeros, and a 32-bit exponent. Kubernetes keeps nothing finer than
// nano (10^-9): parsing rounds a finer value away from zero ("0.9n" -> "1n"), as Kubernetes does,
// so the exponent is never below -9. Kubernetes falls back to arbitrary precision; Sluice's limit
// is 38 significant digits (any magnitude up to 10^2147483647): parsing or arithmetic that would
// need more is an error, never a silently rounded value.
//
// Also kept from Kubernetes: the format a quantity was written in (decimal SI suffix, binary SI
// suffix or decimal exponent), which picks the canonical spelling, and the cap of a binary-suffixed
// quantity at 2^63-1 ("9Ei" parses as 9223372036854775807).
//
// Deliberate differences from Kubernetes (each documented where it applies): the number must have
// at least one digit ("Mi", "-" and "." are errors, as Kubernetes' grammar and CEL docs say, though
// its fast parser accepts them as 0); as_int64() looks at the value, not the internal
// representation (Kubernetes reports "1000m" and "1.5Gi" as non-integers); canonical strings never
// keep a leading '+'.
#pragma once

#include "core/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::cel {

namespace quantity_detail {
__extension__ typedef __int128 Int128;  // NOLINT: GCC/clang builtin, __extension__ for -Wpedantic
}  // namespace quantity_detail

/// How a quantity was written, which decides how it is printed (Kubernetes' `Format`).
enum class QuantityFormat : std::uint8_t {
  kDecimalSI,        ///< "12M", "500m", "7" (also the format of "0")
  kBinarySI,         ///< "12Mi", "1Gi"
  kDecimalExponent,  ///< "12e6", "1E-3"
};

class Quantity {
 public:
  /// Zero, in decimal SI format.
  Quantity() = default;

  /// Parses Kubernetes' quantity syntax: an optional sign, digits with an optional fraction
  /// ("1", "1.5", ".5", "1."), then a suffix: one of n u m k M G T P E (decimal SI), Ki Mi Gi Ti
  /// Pi Ei (binary SI) or e/E and a signed exponent. No whitespace. Errors (kInvalidArgument) use
  /// Kubernetes' messages for malformed text and bad suffixes.
  static Result<Quantity> parse(std::string_view text);
  /// Whether parse() would succeed; does not allocate.
  static bool is_valid(std::string_view text);

  /// `value` in `format` (Kubernetes' NewQuantity).
  static Quantity from_int(std::int64_t value, QuantityFormat format = QuantityFormat::kDecimalSI);

  QuantityFormat format() const { return format_; }
  /// -1, 0 or 1.
  int sign() const { return mantissa_ < 0 ? -1 : (mantissa_ > 0 ? 1 : 0); }
  bool is_zero() const { return mantissa_ == 0; }

  /// The value as an int64 if it is an integer in range (Kubernetes' AsInt64, by value).
  std::optional<std::int64_t> as_int64() const;
  /// The nearest double, +-inf beyond double's range (Kubernetes' AsApproximateFloat64).
  double as_double() const;

  /// Kubernetes' canonical form: the largest suffix of the quantity's format that needs no
  /// fraction ("1.5" -> "1500m", "1024Mi" -> "1Gi", "1000M" -> "1G", "12e4" -> "120e3"); a binary
  /// quantity that is not a whole multiple of its suffix or lies in (-1024, 1024) prints in
  /// decimal SI ("1.5Ki" -> "1536", "0.5Ki" -> "512"); decimal SI beyond "E" and binary beyond
  /// "Ei" use an exponent ("1e21").
  std::string to_string() const;

  /// Numeric order: -1, 0 or 1 ("1Gi" equals "1024Mi"; format is ignored).
  int compare(const Quantity& other) const;
  friend bool operator==(const Quantity& a, const Quantity& b) { return a.compare(b) == 0; }

  /// Exact sum and difference. The result keeps this quantity's format, or takes `other`'s when
  /// this one is zero (as Kubernetes does). Error if the exact result needs more than 38 digits.
  Result<Quantity> add(const Quantity& other) const;
  Result<Quantity> sub(const Quantity& other) const;
  /// Exact product, in this quantity's format.
  Result<Quantity> mul(std::int64_t factor) const;
  /// The quotient rounded to the nearest nano (half away from zero), in this quantity's format.
  /// Error on division by zero.
  Result<Quantity> div(std::int64_t divisor) const;
  /// The quotient truncated toward zero to an integer ("10".div_int(3) == "3"; "-7".div_int(2) ==
  /// "-3"), in this quantity's format. Error on division by zero.
  Result<Quantity> div_int(std::int64_t divisor) const;
  /// this / other as a double: the units cancel ("80Gi" / "40Gi" == 2.0). Error if other is zero.
  Result<double> ratio(const Quantity& other) const;
  /// How many whole times `other` fits: trunc(this / other) as an int64. Error if other is zero or
  /// the quotient overflows int64.
  Result<std::int64_t> div_int(const Quantity& other) const;

 private:
  using Int128 = quantity_detail::Int128;
  enum class ParseStatus : std::uint8_t;
  Quantity(Int128 mantissa, std::int64_t exponent, QuantityFormat format);
  static ParseStatus parse_into(std::string_view text, Quantity& out);
  static Result<Quantity> make(Int128 mantissa, std::int64_t exponent, QuantityFormat format);
  void append_decimal(std::string& out, bool exponent_only) const;

  Int128 mantissa_ = 0;
  std::int32_t exponent_ = 0;
  QuantityFormat format_ = QuantityFormat::kDecimalSI;
};

// The bridge to CEL values (defined in k8s_quantity.cpp): a Quantity as the opaque CEL value of
// type `kubernetes.Quantity`, for callers that put quantities into activations (DRA capacities).
class Value;
/// `q` as a CEL value.
Value quantity_value(const Quantity& q);
/// The quantity in `v`, or null if `v` is not a `kubernetes.Quantity`.
const Quantity* quantity_of(const Value& v);

}  // namespace sluice::cel
