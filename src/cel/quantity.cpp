// Kubernetes quantities as mantissa * 10^exponent (see quantity.h for the limits and the few
// deliberate differences from apimachinery).
#include "cel/quantity.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

namespace sluice::cel {
namespace {

using Int128 = quantity_detail::Int128;
__extension__ typedef unsigned __int128 UInt128;  // NOLINT: see quantity.h

constexpr int kMaxDigits = 38;
constexpr std::int64_t kMinExponent = -9;  // nano: nothing finer survives parsing
constexpr std::int64_t kMaxExponent = std::numeric_limits<std::int32_t>::max();

constexpr std::array<UInt128, kMaxDigits + 1> kPow10 = [] {
  std::array<UInt128, kMaxDigits + 1> p{};
  p[0] = 1;
  for (std::size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
  return p;
}();
constexpr UInt128 kMaxMantissa = kPow10[kMaxDigits] - 1;
constexpr Int128 kInt128Max = static_cast<Int128>(~UInt128{0} >> 1);
constexpr UInt128 kInt64Max = static_cast<UInt128>(std::numeric_limits<std::int64_t>::max());

/// |m|, exact because every mantissa and intermediate here stays far from INT128_MIN.
constexpr UInt128 magnitude(Int128 m) { return static_cast<UInt128>(m < 0 ? -m : m); }

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }

constexpr bool is_suffix_letter(char c) {
  switch (c) {
    case 'e':
    case 'E':
    case 'i':
    case 'n':
    case 'u':
    case 'm':
    case 'k':
    case 'K':
    case 'M':
    case 'G':
    case 'T':
    case 'P':
      return true;
    default:
      return false;
  }
}

// Kubernetes' parse error texts, so messages match what users see from kubectl.
constexpr std::string_view kFormatMessage =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
constexpr std::string_view kSuffixMessage = "unable to parse quantity's suffix";
constexpr std::string_view kNumericMessage = "unable to parse numeric part of quantity";
constexpr std::string_view kDigitsMessage = "quantity needs more than 38 significant digits";
constexpr std::string_view kExponentMessage = "quantity exponent out of range";

struct Suffix {
  int binary_power = 0;    ///< 10 * n for Ki..Ei, else 0
  std::int64_t exp10 = 0;  ///< decimal exponent of an SI suffix or an e/E exponent
  QuantityFormat format = QuantityFormat::kDecimalSI;
};

/// Kubernetes' suffix table plus `e<int>` / `E<int>` with |int| <= 2^31-1.
std::optional<Suffix> interpret_suffix(std::string_view s) {
  if (s.empty()) return Suffix{};
  if (s.size() == 1) {
    constexpr std::string_view kLetters = "num kMGTPE";  // 10^-9 .. 10^18 in steps of 3
    const std::size_t i = kLetters.find(s[0]);
    if (i == std::string_view::npos || s[0] == ' ') return std::nullopt;
    return Suffix{0, static_cast<std::int64_t>(i) * 3 - 9, QuantityFormat::kDecimalSI};
  }
  if (s.size() == 2 && s[1] == 'i') {
    constexpr std::string_view kBinary = "KMGTPE";
    const std::size_t i = kBinary.find(s[0]);
    if (i != std::string_view::npos) {
      return Suffix{static_cast<int>(i + 1) * 10, 0, QuantityFormat::kBinarySI};
    }
    return std::nullopt;
  }
  if (s[0] != 'e' && s[0] != 'E') return std::nullopt;
  std::size_t pos = 1;
  bool negative = false;
  if (s[pos] == '+' || s[pos] == '-') negative = s[pos++] == '-';
  if (pos == s.size()) return std::nullopt;
  std::int64_t value = 0;
  for (; pos < s.size(); ++pos) {
    if (!is_digit(s[pos])) return std::nullopt;
    value = value * 10 + (s[pos] - '0');
    if (value > kMaxExponent) return std::nullopt;
  }
  return Suffix{0, negative ? -value : value, QuantityFormat::kDecimalExponent};
}

/// Rounds magnitude * 10^exponent to nano, away from zero (Kubernetes' parse rounding); `sticky`
/// says nonzero digits below the mantissa were dropped.
void round_to_nano(UInt128& magnitude_value, std::int64_t& exponent, bool sticky) {
  if (exponent >= kMinExponent) return;
  const std::int64_t k = kMinExponent - exponent;
  UInt128 q = 0;
  UInt128 r = magnitude_value;
  if (k <= kMaxDigits) {
    q = magnitude_value / kPow10[static_cast<std::size_t>(k)];
    r = magnitude_value % kPow10[static_cast<std::size_t>(k)];
  }
  if (r != 0 || sticky) ++q;
  magnitude_value = q;
  exponent = kMinExponent;
}

void append_magnitude(std::string& out, UInt128 v) {
  char buf[48];
  char* end = buf + sizeof(buf);
  char* p = end;
  while (v > std::numeric_limits<std::uint64_t>::max()) {
    *--p = static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  }
  char tmp[24];
  const auto res = std::to_chars(tmp, tmp + sizeof(tmp), static_cast<std::uint64_t>(v));
  out.append(tmp, res.ptr);
  out.append(p, end);
}

/// Moves the trailing decimal zeros of `m` (nonzero) into `exponent`, with 64-bit divisions once
/// the value fits (128-bit division is a library call).
void strip_zeros(UInt128& m, std::int64_t& exponent) {
  while (m > std::numeric_limits<std::uint64_t>::max()) {
    if (m % 10 != 0) return;
    m /= 10;
    ++exponent;
  }
  auto v = static_cast<std::uint64_t>(m);
  while (v % 10 == 0) {
    v /= 10;
    ++exponent;
  }
  m = v;
}

}  // namespace

enum class Quantity::ParseStatus : std::uint8_t {
  kOk,
  kFormat,
  kSuffix,
  kNumeric,
  kTooManyDigits,
  kExponentRange,
};

Quantity::Quantity(Int128 mantissa, std::int64_t exponent, QuantityFormat format)
    : mantissa_(mantissa), exponent_(static_cast<std::int32_t>(exponent)), format_(format) {}

Result<Quantity> Quantity::make(Int128 mantissa, std::int64_t exponent, QuantityFormat format) {
  if (mantissa == 0) return Quantity(0, 0, format);
  UInt128 m = magnitude(mantissa);
  strip_zeros(m, exponent);
  if (m > kMaxMantissa) {
    return make_error(ErrorCode::kInvalidArgument, std::string(kDigitsMessage));
  }
  if (exponent > kMaxExponent) {
    return make_error(ErrorCode::kInvalidArgument, std::string(kExponentMessage));
  }
  const auto signed_m = static_cast<Int128>(m);
  return Quantity(mantissa < 0 ? -signed_m : signed_m, exponent, format);
}

Quantity::ParseStatus Quantity::parse_into(std::string_view s, Quantity& out) {
  const std::size_t n = s.size();
  if (n == 0) return ParseStatus::kFormat;
  std::size_t pos = 0;
  const bool negative = s[0] == '-';
  if (s[0] == '-' || s[0] == '+') pos = 1;
  const std::size_t int_begin = pos;
  while (pos < n && is_digit(s[pos])) ++pos;
  const std::size_t int_end = pos;
  std::size_t frac_begin = pos;
  std::size_t frac_end = pos;
  const bool has_dot = pos < n && s[pos] == '.';
  if (has_dot) {
    frac_begin = ++pos;
    while (pos < n && is_digit(s[pos])) ++pos;
    frac_end = pos;
  }
  // The suffix: letters of the suffix alphabet, an optional sign, digits, and nothing else.
  const std::size_t suffix_begin = pos;
  while (pos < n && is_suffix_letter(s[pos])) ++pos;
  if (pos < n && (s[pos] == '+' || s[pos] == '-')) ++pos;
  while (pos < n && is_digit(s[pos])) ++pos;
  if (pos != n) return ParseStatus::kFormat;
  if (int_end == int_begin && frac_end == frac_begin) {
    return has_dot ? ParseStatus::kNumeric : ParseStatus::kFormat;
  }
  const std::optional<Suffix> suffix = interpret_suffix(s.substr(suffix_begin));
  if (!suffix) return ParseStatus::kSuffix;

  // All digits as one integer N (value = N * 10^-fraction_digits): up to 38 significant digits
  // are kept, later ones only shift the exponent and say whether anything nonzero was dropped.
  UInt128 digits = 0;
  int significant = 0;
  std::int64_t dropped = 0;
  bool sticky = false;
  auto feed = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const auto d = static_cast<unsigned>(s[i] - '0');
      if (significant == 0 && d == 0) continue;
      if (significant < kMaxDigits) {
        digits = digits * 10 + d;
        ++significant;
      } else {
        ++dropped;
        sticky = sticky || d != 0;
      }
    }
  };
  feed(int_begin, int_end);
  feed(frac_begin, frac_end);
  std::int64_t exponent =
      dropped - static_cast<std::int64_t>(frac_end - frac_begin) + suffix->exp10;
  QuantityFormat format = suffix->format;
  if (digits == 0) {
    out = Quantity(0, 0, format);
    return ParseStatus::kOk;
  }

  if (suffix->binary_power == 0) {
    if (exponent < kMinExponent) {
      round_to_nano(digits, exponent, sticky);
    } else if (sticky) {
      return ParseStatus::kTooManyDigits;
    }
  } else {
    // value = digits * 10^exponent * 2^power, capped at 2^63-1 as Kubernetes caps binary SI.
    const int power = suffix->binary_power;
    const UInt128 cap_before_shift = kInt64Max >> power;
    bool capped = false;
    if (exponent >= 0) {
      // The cap is below 2^53, so 19 or more decimal places are always over it.
      capped =
          exponent > 18 || digits > cap_before_shift / kPow10[static_cast<std::size_t>(exponent)];
      if (!capped) {
        digits = (digits * kPow10[static_cast<std::size_t>(exponent)]) << power;
        exponent = 0;
      }
    } else {
      const std::int64_t j = -exponent;
      const UInt128 integer_part =
          j > kMaxDigits ? 0 : digits / kPow10[static_cast<std::size_t>(j)];
      capped = integer_part > cap_before_shift;
      if (!capped) {
        if (sticky || digits > (kMaxMantissa >> power)) return ParseStatus::kTooManyDigits;
        digits <<= power;
        round_to_nano(digits, exponent, false);
        // The exponent is now in [-9, -1]: "one" is 1 at that scale.
        const UInt128 one = kPow10[static_cast<std::size_t>(-exponent)];
        capped = digits > kInt64Max * one;
        if (!capped && digits < one) {
          format = QuantityFormat::kDecimalSI;  // a fraction of 1 has no binary spelling
        }
      }
    }
    if (capped) {
      digits = kInt64Max;
      exponent = 0;
    }
  }
  strip_zeros(digits, exponent);
  if (digits > kMaxMantissa) return ParseStatus::kTooManyDigits;
  if (exponent > kMaxExponent) return ParseStatus::kExponentRange;
  const auto m = static_cast<Int128>(digits);
  out = Quantity(negative ? -m : m, exponent, format);
  return ParseStatus::kOk;
}

Result<Quantity> Quantity::parse(std::string_view text) {
  Quantity q;
  switch (parse_into(text, q)) {
    case ParseStatus::kOk:
      return q;
    case ParseStatus::kFormat:
      return make_error(ErrorCode::kInvalidArgument, std::string(kFormatMessage));
    case ParseStatus::kSuffix:
      return make_error(ErrorCode::kInvalidArgument, std::string(kSuffixMessage));
    case ParseStatus::kNumeric:
      return make_error(ErrorCode::kInvalidArgument, std::string(kNumericMessage));
    case ParseStatus::kTooManyDigits:
      return make_error(ErrorCode::kInvalidArgument, std::string(kDigitsMessage));
    case ParseStatus::kExponentRange:
      break;
  }
  return make_error(ErrorCode::kInvalidArgument, std::string(kExponentMessage));
}

bool Quantity::is_valid(std::string_view text) {
  Quantity q;
  return parse_into(text, q) == ParseStatus::kOk;
}

Quantity Quantity::from_int(std::int64_t value, QuantityFormat format) {
  if (value == 0) return Quantity(0, 0, format);
  UInt128 m = magnitude(value);
  std::int64_t exponent = 0;
  strip_zeros(m, exponent);  // at most 18 zeros: always in range
  const auto signed_m = static_cast<Int128>(m);
  return Quantity(value < 0 ? -signed_m : signed_m, exponent, format);
}

std::optional<std::int64_t> Quantity::as_int64() const {
  // Normalized (no trailing zeros): a negative exponent means a fraction, and 10^19 is too big.
  if (exponent_ < 0 || exponent_ > 18 || magnitude(mantissa_) > kInt64Max + 1) return std::nullopt;
  const Int128 v = mantissa_ * static_cast<Int128>(kPow10[static_cast<std::size_t>(exponent_)]);
  if (v < std::numeric_limits<std::int64_t>::min() ||
      v > std::numeric_limits<std::int64_t>::max()) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(v);
}

double Quantity::as_double() const {
  constexpr std::array<double, 23> kExact = [] {
    std::array<double, 23> p{};
    p[0] = 1;
    for (std::size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
    return p;
  }();
  const auto m = static_cast<double>(mantissa_);
  if (exponent_ == 0) return m;
  if (exponent_ < 0) return m / kExact[static_cast<std::size_t>(-exponent_)];
  if (exponent_ < static_cast<int>(kExact.size())) {
    return m * kExact[static_cast<std::size_t>(exponent_)];
  }
  return m * std::pow(10.0, exponent_);
}

void Quantity::append_decimal(std::string& out, bool exponent_only) const {
  // The exponent goes down to a multiple of 3 (zeros appended to the digits) so a suffix exists.
  std::int64_t e = exponent_;
  const std::int64_t extra_zeros = ((e % 3) + 3) % 3;
  e -= extra_zeros;
  if (mantissa_ < 0) out += '-';
  append_magnitude(out, magnitude(mantissa_));
  out.append(static_cast<std::size_t>(extra_zeros), '0');
  if (!exponent_only && e >= -9 && e <= 18) {
    constexpr std::array<std::string_view, 10> kSuffixes = {"n", "u", "m", "",  "k",
                                                            "M", "G", "T", "P", "E"};
    out += kSuffixes[static_cast<std::size_t>((e + 9) / 3)];
    return;
  }
  if (e == 0) return;
  out += 'e';
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof(buf), e);
  out.append(buf, res.ptr);
}

std::string Quantity::to_string() const {
  if (mantissa_ == 0) return "0";
  std::string out;
  QuantityFormat format = format_;
  if (format == QuantityFormat::kBinarySI) {
    format = QuantityFormat::kDecimalSI;
    const UInt128 mag = magnitude(mantissa_);
    // Only whole values of at least 1024 get a binary suffix; values past 2^127 (reachable only
    // by arithmetic) print in decimal.
    if (exponent_ >= 0 && exponent_ <= kMaxDigits &&
        mag <= static_cast<UInt128>(kInt128Max) / kPow10[static_cast<std::size_t>(exponent_)]) {
      UInt128 v = mag * kPow10[static_cast<std::size_t>(exponent_)];
      if (v >= 1024) {
        int power = 0;
        while (power < 7 && (v & 1023) == 0) {
          v >>= 10;
          ++power;
        }
        if (power <= 6) {
          constexpr std::array<std::string_view, 7> kSuffixes = {"",   "Ki", "Mi", "Gi",
                                                                 "Ti", "Pi", "Ei"};
          if (mantissa_ < 0) out += '-';
          append_magnitude(out, v);
          out += kSuffixes[static_cast<std::size_t>(power)];
          return out;
        }
        format = QuantityFormat::kDecimalExponent;  // beyond Ei, as Kubernetes falls back
      }
    }
  }
  append_decimal(out, format == QuantityFormat::kDecimalExponent);
  return out;
}

int Quantity::compare(const Quantity& other) const {
  const int sa = sign();
  const int sb = other.sign();
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  if (exponent_ == other.exponent_) {
    return mantissa_ < other.mantissa_ ? -1 : (mantissa_ > other.mantissa_ ? 1 : 0);
  }
  const bool this_is_high = exponent_ > other.exponent_;
  const Quantity& high = this_is_high ? *this : other;
  const Quantity& low = this_is_high ? other : *this;
  const std::int64_t shift = static_cast<std::int64_t>(high.exponent_) - low.exponent_;
  const UInt128 high_mag = magnitude(high.mantissa_);
  int high_vs_low = 0;
  if (shift <= kMaxDigits && high_mag <= kMaxMantissa / kPow10[static_cast<std::size_t>(shift)]) {
    const UInt128 scaled = high_mag * kPow10[static_cast<std::size_t>(shift)];
    const UInt128 low_mag = magnitude(low.mantissa_);
    const int by_magnitude = scaled < low_mag ? -1 : (scaled > low_mag ? 1 : 0);
    high_vs_low = sa > 0 ? by_magnitude : -by_magnitude;
  } else {
    // |high| >= 10^38 * 10^low.exponent > |low|.
    high_vs_low = sa;
  }
  return this_is_high ? high_vs_low : -high_vs_low;
}

Result<Quantity> Quantity::add(const Quantity& other) const {
  if (mantissa_ == 0) return Quantity(other.mantissa_, other.exponent_, other.format_);
  if (other.mantissa_ == 0) return *this;
  const std::int64_t low = std::min(exponent_, other.exponent_);
  Int128 a = mantissa_;
  Int128 b = other.mantissa_;
  const std::int64_t shift_a = exponent_ - low;
  const std::int64_t shift_b = other.exponent_ - low;
  Int128 sum = 0;
  if (shift_a > kMaxDigits || shift_b > kMaxDigits ||
      __builtin_mul_overflow(a, static_cast<Int128>(kPow10[static_cast<std::size_t>(shift_a)]),
                             &a) ||
      __builtin_mul_overflow(b, static_cast<Int128>(kPow10[static_cast<std::size_t>(shift_b)]),
                             &b) ||
      __builtin_add_overflow(a, b, &sum)) {
    return make_error(ErrorCode::kInvalidArgument, std::string(kDigitsMessage));
  }
  return make(sum, low, format_);
}

Result<Quantity> Quantity::sub(const Quantity& other) const {
  return add(Quantity(-other.mantissa_, other.exponent_, other.format_));
}

Result<Quantity> Quantity::mul(std::int64_t factor) const {
  if (factor == 0 || mantissa_ == 0) return Quantity(0, 0, format_);
  Int128 f = factor;
  std::int64_t exponent = exponent_;
  while (f % 10 == 0) {
    f /= 10;
    ++exponent;
  }
  Int128 product = 0;
  if (__builtin_mul_overflow(mantissa_, f, &product)) {
    return make_error(ErrorCode::kInvalidArgument, std::string(kDigitsMessage));
  }
  return make(product, exponent, format_);
}

Result<Quantity> Quantity::div(std::int64_t divisor) const {
  if (divisor == 0) return make_error(ErrorCode::kInvalidArgument, "division by zero");
  // Long division on magnitudes, one decimal place at a time, until it is exact, nano is reached
  // or 38 digits are used (a huge quotient then keeps 38 digits at a coarser scale).
  const UInt128 d = magnitude(divisor);
  UInt128 q = magnitude(mantissa_) / d;
  UInt128 r = magnitude(mantissa_) % d;
  std::int64_t exponent = exponent_;
  while (r != 0 && exponent > kMinExponent && q <= kMaxMantissa / 10) {
    r *= 10;  // r < 2^63: no overflow
    q = q * 10 + r / d;
    r %= d;
    --exponent;
  }
  if (2 * r >= d) ++q;  // half away from zero
  const bool negative = (mantissa_ < 0) != (divisor < 0);
  const auto signed_q = static_cast<Int128>(q);
  return make(negative ? -signed_q : signed_q, exponent, format_);
}

Result<Quantity> Quantity::div_int(std::int64_t divisor) const {
  if (divisor == 0) return make_error(ErrorCode::kInvalidArgument, "division by zero");
  const UInt128 d = magnitude(divisor);
  UInt128 q = 0;
  std::int64_t exponent = 0;
  if (exponent_ < 0) {
    // d * 10^9 fits easily; the integer part is |m| / (d * 10^-exponent).
    q = magnitude(mantissa_) / (d * kPow10[static_cast<std::size_t>(-exponent_)]);
  } else {
    // Long division through the value's trailing zeros; stops early once it is exact.
    q = magnitude(mantissa_) / d;
    UInt128 r = magnitude(mantissa_) % d;
    exponent = exponent_;
    while (exponent > 0 && r != 0) {
      if (q > kMaxMantissa / 10) {
        return make_error(ErrorCode::kInvalidArgument, std::string(kDigitsMessage));
      }
      r *= 10;
      q = q * 10 + r / d;
      r %= d;
      --exponent;
    }
  }
  const bool negative = (mantissa_ < 0) != (divisor < 0);
  const auto signed_q = static_cast<Int128>(q);
  return make(negative ? -signed_q : signed_q, exponent, format_);
}

Result<double> Quantity::ratio(const Quantity& other) const {
  if (other.mantissa_ == 0) return make_error(ErrorCode::kInvalidArgument, "division by zero");
  const double m = static_cast<double>(mantissa_) / static_cast<double>(other.mantissa_);
  const std::int64_t e = static_cast<std::int64_t>(exponent_) - other.exponent_;
  if (e == 0) return m;
  return m * std::pow(10.0, static_cast<double>(e));
}

Result<std::int64_t> Quantity::div_int(const Quantity& other) const {
  if (other.mantissa_ == 0) return make_error(ErrorCode::kInvalidArgument, "division by zero");
  const std::int64_t low = std::min(exponent_, other.exponent_);
  const std::int64_t shift_a = exponent_ - low;
  const std::int64_t shift_b = other.exponent_ - low;
  Int128 a = mantissa_;
  Int128 b = other.mantissa_;
  if (shift_b > kMaxDigits ||
      __builtin_mul_overflow(b, static_cast<Int128>(kPow10[static_cast<std::size_t>(shift_b)]),
                             &b)) {
    return std::int64_t{0};  // |other| > |this|
  }
  if (shift_a > kMaxDigits ||
      __builtin_mul_overflow(a, static_cast<Int128>(kPow10[static_cast<std::size_t>(shift_a)]),
                             &a)) {
    return make_error(ErrorCode::kInvalidArgument, "quantity quotient out of range");
  }
  const Int128 q = a / b;
  if (q < std::numeric_limits<std::int64_t>::min() ||
      q > std::numeric_limits<std::int64_t>::max()) {
    return make_error(ErrorCode::kInvalidArgument, "quantity quotient out of int64 range");
  }
  return static_cast<std::int64_t>(q);
}

}  // namespace sluice::cel
