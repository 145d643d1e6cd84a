// The typed getters of the text-format tree: scalars read from their raw tokens with range and
// syntax checks, and required/optional field lookups with errors that name the field.
#include "cel/textproto.h"
#include "cel/textproto_syntax.h"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <limits>
#include <system_error>
#include <utility>

namespace sluice::cel::textproto {

using detail::classify_number;
using detail::equals_lower;
using detail::error_at;
using detail::is_digit;
using detail::is_float_word;
using detail::NumberForm;
using detail::quoted;

namespace {

// ---- typed getters ---------------------------------------------------------------------------

Error field_error(const Field& field, std::string_view what) {
  return error_at(field.position, "field " + quoted(field.name) + " " + std::string(what));
}

Error wrong_kind(const Field& field, std::string_view expected) {
  std::string what = field.kind == Kind::kIdentifier ? "is an " : "is a ";
  what += kind_name(field.kind);
  if (!field.is_message()) what += " (" + field.raw + ")";
  what += ", expected ";
  what += expected;
  return field_error(field, what);
}

/// Splits a number's raw text into its sign and its unsigned token.
std::string_view unsigned_part(std::string_view raw, bool& negative) {
  negative = !raw.empty() && raw[0] == '-';
  return negative ? raw.substr(1) : raw;
}

/// The magnitude of an integer token; false when it is not an integer or exceeds 64 bits.
bool integer_magnitude(std::string_view token, std::uint64_t& magnitude, bool& overflow) {
  overflow = false;
  int base = 10;
  switch (classify_number(token)) {
    case NumberForm::kDecimal:
      break;
    case NumberForm::kOctal:
      base = 8;
      token.remove_prefix(1);
      break;
    case NumberForm::kHex:
      base = 16;
      token.remove_prefix(2);
      break;
    default:
      return false;
  }
  const auto [ptr, ec] =
      std::from_chars(token.data(), token.data() + token.size(), magnitude, base);
  if (ec == std::errc::result_out_of_range) {
    overflow = true;
    return false;
  }
  return ec == std::errc() && ptr == token.data() + token.size();
}

/// For a decimal float that from_chars reports out of range: overflow (true) or underflow
/// (false), from the decimal exponent of its first non-zero digit.
bool decimal_overflows(std::string_view token) {
  long long first = 0;  // power of ten of the first non-zero digit
  bool found = false;
  std::size_t i = 0;
  long long int_digits = 0;
  while (i < token.size() && is_digit(token[i])) ++i, ++int_digits;
  for (std::size_t j = 0; j < i && !found; ++j) {
    if (token[j] != '0') {
      first = int_digits - 1 - static_cast<long long>(j);
      found = true;
    }
  }
  if (i < token.size() && token[i] == '.') {
    ++i;
    for (long long k = 1; i < token.size() && is_digit(token[i]); ++i, ++k) {
      if (!found && token[i] != '0') {
        first = -k;
        found = true;
      }
    }
  }
  long long exponent = 0;
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    const bool negative = i < token.size() && token[i] == '-';
    if (i < token.size() && (token[i] == '-' || token[i] == '+')) ++i;
    for (; i < token.size() && is_digit(token[i]); ++i) {
      if (exponent < 1'000'000'000) exponent = exponent * 10 + (token[i] - '0');
    }
    if (negative) exponent = -exponent;
  }
  return found && first + exponent > 0;
}

template <typename T, typename Get>
Result<T> get_required(const Message& message, std::string_view name, Get get) {
  const Field* field = message.find(name);
  if (field == nullptr) {
    return make_error(ErrorCode::kNotFound,
                      to_string(message.position()) + ": missing field " + quoted(name),
                      std::string(name));
  }
  return get(*field);
}

template <typename T, typename Get>
Result<T> get_optional(const Message& message, std::string_view name, T fallback, Get get) {
  const Field* field = message.find(name);
  if (field == nullptr) return fallback;
  return get(*field);
}

}  // namespace

Result<std::string_view> Field::as_string() const {
  if (kind != Kind::kString) return wrong_kind(*this, "a string");
  return std::string_view(bytes);
}

Result<std::string_view> Field::as_identifier() const {
  if (kind != Kind::kIdentifier) return wrong_kind(*this, "an identifier");
  return std::string_view(raw);
}

Result<std::int64_t> Field::as_int64() const {
  if (kind != Kind::kNumber) return wrong_kind(*this, "an int64");
  bool negative = false;
  std::uint64_t magnitude = 0;
  bool overflow = false;
  if (!integer_magnitude(unsigned_part(raw, negative), magnitude, overflow)) {
    return field_error(*this, overflow ? "value " + raw + " is out of range for int64"
                                       : "value " + raw + " is not an integer");
  }
  constexpr std::uint64_t kMaxMagnitude = std::uint64_t{1} << 63;
  if (magnitude > (negative ? kMaxMagnitude : kMaxMagnitude - 1)) {
    return field_error(*this, "value " + raw + " is out of range for int64");
  }
  if (!negative) return static_cast<std::int64_t>(magnitude);
  if (magnitude == kMaxMagnitude) return std::numeric_limits<std::int64_t>::min();
  return -static_cast<std::int64_t>(magnitude);
}

Result<std::uint64_t> Field::as_uint64() const {
  if (kind != Kind::kNumber) return wrong_kind(*this, "a uint64");
  bool negative = false;
  std::uint64_t magnitude = 0;
  bool overflow = false;
  if (!integer_magnitude(unsigned_part(raw, negative), magnitude, overflow)) {
    return field_error(*this, overflow ? "value " + raw + " is out of range for uint64"
                                       : "value " + raw + " is not an integer");
  }
  if (negative) return field_error(*this, "value " + raw + " is negative, expected a uint64");
  return magnitude;
}

Result<double> Field::as_double() const {
  if (kind == Kind::kIdentifier && is_float_word(raw)) {
    return equals_lower(raw, "nan") ? std::numeric_limits<double>::quiet_NaN()
                                    : std::numeric_limits<double>::infinity();
  }
  if (kind != Kind::kNumber) return wrong_kind(*this, "a double");
  bool negative = false;
  std::string_view token = unsigned_part(raw, negative);
  const double sign = negative ? -1.0 : 1.0;
  if (is_float_word(token)) {
    return equals_lower(token, "nan") ? std::numeric_limits<double>::quiet_NaN()
                                      : sign * std::numeric_limits<double>::infinity();
  }
  const NumberForm form = classify_number(token);
  if (form == NumberForm::kHex || form == NumberForm::kOctal) {
    std::uint64_t magnitude = 0;
    bool overflow = false;
    if (!integer_magnitude(token, magnitude, overflow)) {
      return field_error(*this, "value " + raw + " is out of range for a double");
    }
    return sign * static_cast<double>(magnitude);
  }
  if (form == NumberForm::kInvalid) return field_error(*this, "value " + raw + " is not a number");
  if (token.back() == 'f' || token.back() == 'F') token.remove_suffix(1);
  double value = 0;
  const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec == std::errc::result_out_of_range) {
    return sign * (decimal_overflows(token) ? std::numeric_limits<double>::infinity() : 0.0);
  }
  if (ec != std::errc() || ptr != token.data() + token.size()) {
    return field_error(*this, "value " + raw + " is not a number");
  }
  return sign * value;
}

Result<bool> Field::as_bool() const {
  if (kind == Kind::kIdentifier) {
    if (raw == "true" || raw == "True" || raw == "t") return true;
    if (raw == "false" || raw == "False" || raw == "f") return false;
  } else if (kind == Kind::kNumber) {
    if (raw == "1") return true;
    if (raw == "0") return false;
  }
  return wrong_kind(*this, "a bool (true, false, 1 or 0)");
}

Result<const Message*> Field::as_message() const {
  if (kind != Kind::kMessage) return wrong_kind(*this, "a message");
  return static_cast<const Message*>(nested.get());
}

const Field* Message::find(std::string_view name) const {
  for (const Field& field : fields_) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

std::vector<const Field*> Message::find_all(std::string_view name) const {
  std::vector<const Field*> found;
  for (const Field& field : fields_) {
    if (field.name == name) found.push_back(&field);
  }
  return found;
}

std::size_t Message::count(std::string_view name) const {
  std::size_t n = 0;
  for (const Field& field : fields_) n += field.name == name ? 1 : 0;
  return n;
}

Result<std::string_view> Message::get_string(std::string_view name) const {
  return get_required<std::string_view>(*this, name, [](const Field& f) { return f.as_string(); });
}
Result<std::string_view> Message::get_string(std::string_view name,
                                             std::string_view fallback) const {
  return get_optional(*this, name, fallback, [](const Field& f) { return f.as_string(); });
}
Result<std::string_view> Message::get_identifier(std::string_view name) const {
  return get_required<std::string_view>(*this, name,
                                        [](const Field& f) { return f.as_identifier(); });
}
Result<std::int64_t> Message::get_int64(std::string_view name) const {
  return get_required<std::int64_t>(*this, name, [](const Field& f) { return f.as_int64(); });
}
Result<std::int64_t> Message::get_int64(std::string_view name, std::int64_t fallback) const {
  return get_optional(*this, name, fallback, [](const Field& f) { return f.as_int64(); });
}
Result<std::uint64_t> Message::get_uint64(std::string_view name) const {
  return get_required<std::uint64_t>(*this, name, [](const Field& f) { return f.as_uint64(); });
}
Result<std::uint64_t> Message::get_uint64(std::string_view name, std::uint64_t fallback) const {
  return get_optional(*this, name, fallback, [](const Field& f) { return f.as_uint64(); });
}
Result<double> Message::get_double(std::string_view name) const {
  return get_required<double>(*this, name, [](const Field& f) { return f.as_double(); });
}
Result<double> Message::get_double(std::string_view name, double fallback) const {
  return get_optional(*this, name, fallback, [](const Field& f) { return f.as_double(); });
}
Result<bool> Message::get_bool(std::string_view name) const {
  return get_required<bool>(*this, name, [](const Field& f) { return f.as_bool(); });
}
Result<bool> Message::get_bool(std::string_view name, bool fallback) const {
  return get_optional(*this, name, fallback, [](const Field& f) { return f.as_bool(); });
}
Result<const Message*> Message::get_message(std::string_view name) const {
  return get_required<const Message*>(*this, name, [](const Field& f) { return f.as_message(); });
}

}  // namespace sluice::cel::textproto
