// Calendar arithmetic and the text forms of timestamps and durations (see time_format.h).
#include "cel/time_format.h"

#include <charconv>
#include <limits>

namespace sluice::cel::detail {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;

__extension__ typedef unsigned __int128 Uint128;  // g++ and clang; __extension__ for -Wpedantic

/// Floor division and modulo for a positive divisor (C++ truncates toward zero).
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && (a < 0));
}
constexpr std::int64_t floor_mod(std::int64_t a, std::int64_t b) { return a - floor_div(a, b) * b; }

bool is_leap(std::int64_t year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int days_in_month(std::int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// At most this much of an untrusted input is quoted back in an error message.
constexpr std::size_t kQuoteLimit = 64;

std::string quoted(std::string_view text) {
  std::string out = "'";
  out += text.substr(0, kQuoteLimit);
  if (text.size() > kQuoteLimit) out += "...";
  out += '\'';
  return out;
}

Error invalid(std::string what, std::string_view text) {
  return make_error(ErrorCode::kInvalidArgument, std::move(what) + ": " + quoted(text));
}

/// A cursor over RFC 3339 text.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  /// Reads exactly `n` digits as a number.
  bool digits(int n, int& out) {
    if (text_.size() - pos_ < static_cast<std::size_t>(n)) return false;
    int v = 0;
    for (int i = 0; i < n; ++i) {
      const char c = text_[pos_ + static_cast<std::size_t>(i)];
      if (!is_digit(c)) return false;
      v = v * 10 + (c - '0');
    }
    pos_ += static_cast<std::size_t>(n);
    out = v;
    return true;
  }
  bool literal(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool done() const { return pos_ == text_.size(); }
  void advance() { ++pos_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

bool timestamp_in_range(const Timestamp& t) {
  return t.seconds >= kMinTimestampSeconds && t.seconds <= kMaxTimestampSeconds && t.nanos >= 0 &&
         t.nanos < kNanosPerSecond;
}

std::optional<Timestamp> add_nanos(const Timestamp& t, std::int64_t nanos) {
  if (!timestamp_in_range(t)) return std::nullopt;
  // Both terms are far from overflowing: |t.seconds| < 2.6e11 and |nanos / 1e9| < 9.3e9.
  std::int64_t seconds = t.seconds + nanos / kNanosPerSecond;
  std::int64_t sub = t.nanos + nanos % kNanosPerSecond;
  seconds += floor_div(sub, kNanosPerSecond);
  sub = floor_mod(sub, kNanosPerSecond);
  Timestamp out{seconds, static_cast<std::int32_t>(sub)};
  if (!timestamp_in_range(out)) return std::nullopt;
  return out;
}

std::optional<std::int64_t> timestamp_difference(const Timestamp& a, const Timestamp& b) {
  if (!timestamp_in_range(a) || !timestamp_in_range(b)) return std::nullopt;
  std::int64_t nanos = 0;
  if (__builtin_mul_overflow(a.seconds - b.seconds, kNanosPerSecond, &nanos) ||
      __builtin_add_overflow(nanos, std::int64_t{a.nanos} - b.nanos, &nanos)) {
    return std::nullopt;
  }
  return nanos;
}

std::optional<std::int64_t> duration_nanos(const Duration& d) {
  if (d.nanos <= -kNanosPerSecond || d.nanos >= kNanosPerSecond) return std::nullopt;
  std::int64_t nanos = 0;
  if (__builtin_mul_overflow(d.seconds, kNanosPerSecond, &nanos) ||
      __builtin_add_overflow(nanos, std::int64_t{d.nanos}, &nanos)) {
    return std::nullopt;
  }
  return nanos;
}

Duration duration_from_nanos(std::int64_t nanos) {
  return Duration{nanos / kNanosPerSecond, static_cast<std::int32_t>(nanos % kNanosPerSecond)};
}

std::int64_t days_from_civil(std::int64_t year, int month, int day) {
  // Count years from March so that the leap day is the last day of the counted year; 400-year
  // eras repeat exactly (146097 days).
  const std::int64_t y = year - (month <= 2 ? 1 : 0);
  const std::int64_t era = floor_div(y, 400);
  const std::int64_t year_of_era = y - era * 400;
  const std::int64_t month_from_march = (month + 9) % 12;
  const std::int64_t day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
  const std::int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;  // 719468: days from 0000-03-01 to 1970-01-01
}

CivilTime civil_from_seconds(std::int64_t seconds) {
  const std::int64_t days = floor_div(seconds, kSecondsPerDay);
  const std::int64_t rest = floor_mod(seconds, kSecondsPerDay);
  // The inverse of days_from_civil.
  const std::int64_t z = days + 719468;
  const std::int64_t era = floor_div(z, 146097);
  const std::int64_t day_of_era = z - era * 146097;
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t month_from_march = (5 * day_of_year + 2) / 153;
  CivilTime c;
  c.day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  c.month = static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  c.year = year_of_era + era * 400 + (c.month <= 2 ? 1 : 0);
  c.hour = static_cast<int>(rest / 3600);
  c.minute = static_cast<int>(rest / 60 % 60);
  c.second = static_cast<int>(rest % 60);
  c.day_of_week = static_cast<int>(floor_mod(days + 4, 7));  // 1970-01-01 was a Thursday
  c.day_of_year = static_cast<int>(days - days_from_civil(c.year, 1, 1));
  return c;
}

Result<Timestamp> parse_timestamp(std::string_view text) {
  Scanner s(text);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!s.digits(4, year) || !s.literal('-') || !s.digits(2, month) || !s.literal('-') ||
      !s.digits(2, day) || !s.literal('T') || !s.digits(2, hour) || !s.literal(':') ||
      !s.digits(2, minute) || !s.literal(':') || !s.digits(2, second)) {
    return invalid("invalid timestamp, want RFC 3339 such as 2006-01-02T15:04:05Z", text);
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return invalid("timestamp field out of range", text);
  }
  std::int32_t nanos = 0;
  if (s.literal('.')) {
    if (!is_digit(s.peek())) return invalid("timestamp fraction without digits", text);
    // Digits beyond nanoseconds are dropped, as Go does.
    std::int32_t scale = 100'000'000;
    while (is_digit(s.peek())) {
      nanos += (s.peek() - '0') * scale;
      scale /= 10;
      s.advance();
    }
  }
  std::int64_t offset = 0;
  if (!s.literal('Z')) {
    const char sign = s.peek();
    int oh = 0, om = 0;
    if ((sign != '+' && sign != '-') || (s.advance(), !s.digits(2, oh)) || !s.literal(':') ||
        !s.digits(2, om)) {
      return invalid("invalid timestamp zone, want Z or +hh:mm", text);
    }
    if (oh > 23 || om > 59) return invalid("timestamp zone offset out of range", text);
    offset = (sign == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  }
  if (!s.done()) return invalid("unexpected text after timestamp", text);
  const Timestamp t{days_from_civil(year, month, day) * kSecondsPerDay + hour * 3600 + minute * 60 +
                        second - offset,
                    nanos};
  if (!timestamp_in_range(t)) return invalid("timestamp out of range", text);
  return t;
}

std::string format_timestamp(const Timestamp& t) {
  // Written by hand: snprintf costs more than everything else in string(timestamp).
  const CivilTime c = civil_from_seconds(t.seconds);
  char text[32] = "0000-00-00T00:00:00";
  auto put = [&text](std::size_t at, std::int64_t value, int width) {
    for (int k = width - 1; k >= 0; --k) {
      text[at + static_cast<std::size_t>(k)] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, c.year, 4);  // the range keeps years within 1..9999
  put(5, c.month, 2);
  put(8, c.day, 2);
  put(11, c.hour, 2);
  put(14, c.minute, 2);
  put(17, c.second, 2);
  std::size_t n = 19;
  if (t.nanos > 0) {
    text[n++] = '.';
    put(n, t.nanos, 9);
    n += 9;
    while (text[n - 1] == '0') --n;
  }
  text[n++] = 'Z';
  return std::string(text, n);
}

Result<std::int64_t> parse_duration(std::string_view text) {
  constexpr std::uint64_t kLimit = std::uint64_t{1} << 63;  // |INT64_MIN|
  std::size_t i = 0;
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    i = 1;
  }
  if (text.substr(i) == "0") return 0;
  if (i == text.size()) return invalid("invalid duration", text);
  const auto out_of_range = [text] { return invalid("duration out of range", text); };
  std::uint64_t total = 0;
  while (i < text.size()) {
    if (text[i] != '.' && !is_digit(text[i])) return invalid("invalid duration", text);
    std::uint64_t whole = 0;
    const std::size_t whole_start = i;
    while (i < text.size() && is_digit(text[i])) {
      const auto digit = static_cast<std::uint64_t>(text[i] - '0');
      if (whole > (kLimit - digit) / 10) return out_of_range();
      whole = whole * 10 + digit;
      ++i;
    }
    bool any_digit = i > whole_start;
    // The fraction keeps 18 digits, far beyond a nanosecond of any unit; the rest is dropped.
    std::uint64_t fraction = 0;
    std::uint64_t scale = 1;
    if (i < text.size() && text[i] == '.') {
      ++i;
      while (i < text.size() && is_digit(text[i])) {
        any_digit = true;
        if (scale < 1'000'000'000'000'000'000ULL) {
          fraction = fraction * 10 + static_cast<std::uint64_t>(text[i] - '0');
          scale *= 10;
        }
        ++i;
      }
    }
    if (!any_digit) return invalid("invalid duration", text);
    const std::size_t unit_start = i;
    while (i < text.size() && text[i] != '.' && !is_digit(text[i])) ++i;
    const std::string_view unit_name = text.substr(unit_start, i - unit_start);
    std::uint64_t unit = 0;
    if (unit_name == "ns") {
      unit = 1;
    } else if (unit_name == "us" || unit_name == "\xC2\xB5s" || unit_name == "\xCE\xBCs") {
      unit = 1'000;  // "us", and "µs" with the micro sign or the Greek mu, as Go accepts
    } else if (unit_name == "ms") {
      unit = 1'000'000;
    } else if (unit_name == "s") {
      unit = 1'000'000'000;
    } else if (unit_name == "m") {
      unit = 60'000'000'000;
    } else if (unit_name == "h") {
      unit = 3'600'000'000'000;
    } else if (unit_name.empty()) {
      return invalid("missing unit in duration (h, m, s, ms, us or ns)", text);
    } else {
      return invalid("unknown unit " + quoted(unit_name) + " in duration", text);
    }
    if (whole > kLimit / unit) return out_of_range();
    std::uint64_t value = whole * unit;
    if (fraction > 0) {
      // fraction < scale <= 1e18 and unit <= 3.6e12: the product needs 128 bits; the part is
      // below one unit, truncated to whole nanoseconds.
      value += static_cast<std::uint64_t>(static_cast<Uint128>(fraction) * unit / scale);
      if (value > kLimit) return out_of_range();
    }
    total += value;
    if (total > kLimit) return out_of_range();
  }
  if (negative) {
    return total == kLimit ? std::numeric_limits<std::int64_t>::min()
                           : -static_cast<std::int64_t>(total);
  }
  if (total == kLimit) return out_of_range();
  return static_cast<std::int64_t>(total);
}

std::string format_duration(std::int64_t nanos) {
  // cel-go prints the duration's seconds as a float64 with the shortest digits that read back as
  // that double (Go's strconv 'f', -1); std::to_chars in fixed form does the same.
  const double seconds = static_cast<double>(nanos / kNanosPerSecond) +
                         static_cast<double>(nanos % kNanosPerSecond) / 1e9;
  char text[64];
  const auto result = std::to_chars(text, text + sizeof text, seconds, std::chars_format::fixed);
  std::string out(text, result.ptr);
  out += 's';
  return out;
}

}  // namespace sluice::cel::detail
