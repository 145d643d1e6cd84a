#include "cel/value.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sluice::cel {

Value Value::bytes(std::string b) {
  return Value(Data(std::in_place_index<6>, Bytes{std::move(b)}));
}

Value Value::list(ValueList elements) {
  return Value(
      Data(std::in_place_index<7>, std::make_shared<const ValueList>(std::move(elements))));
}

Value Value::map(ValueMap entries) {
  return Value(Data(std::in_place_index<8>, std::make_shared<const ValueMap>(std::move(entries))));
}

Value Value::type(std::string name) {
  return Value(Data(std::in_place_index<9>, TypeName{std::move(name)}));
}

Value Value::timestamp(Timestamp t) { return Value(Data(std::in_place_index<10>, t)); }

Value Value::duration(Duration d) { return Value(Data(std::in_place_index<11>, d)); }

Value Value::optional_of(Value v) {
  return Value(Data(std::in_place_index<12>, std::make_shared<const Value>(std::move(v))));
}

Value Value::optional_none() {
  return Value(Data(std::in_place_index<12>, std::shared_ptr<const Value>()));
}

Value Value::opaque(std::shared_ptr<const OpaqueValue> v) {
  return Value(Data(std::in_place_index<13>, std::move(v)));
}

Value Value::error(std::string message) {
  return Value(Data(std::in_place_index<14>,
                    std::make_shared<const EvalError>(EvalError{std::move(message), 0, 0})));
}

Value Value::located(Value error, std::uint32_t line, std::uint32_t column) {
  if (!error.is_error() || error.as_error().line != 0) return error;
  return Value(Data(std::in_place_index<14>, std::make_shared<const EvalError>(
                                                 EvalError{error.error_message(), line, column})));
}

const std::string& Value::as_string() const {
  if (kind() == ValueKind::kBytes) return std::get<6>(data_).data;
  return std::get<5>(data_);
}

namespace {

bool is_numeric(ValueKind k) {
  return k == ValueKind::kInt || k == ValueKind::kUint || k == ValueKind::kDouble;
}

// An integer against a double, as cel-go and the conformance suite define it: out-of-range
// doubles order first, otherwise the integer is converted to double, so the comparison is lossy
// for integers beyond 2^53 (INT64_MAX compares equal to 2^63). Empty for NaN.
std::optional<int> compare_int_double(std::int64_t i, double d) {
  if (std::isnan(d)) return std::nullopt;
  if (d < -9223372036854775808.0) return 1;
  if (d > 9223372036854775807.0) return -1;  // the bound itself rounds to 2^63
  const auto x = static_cast<double>(i);
  return x < d ? -1 : (x > d ? 1 : 0);
}

std::optional<int> compare_uint_double(std::uint64_t u, double d) {
  if (std::isnan(d)) return std::nullopt;
  if (d < 0) return 1;
  if (d > 18446744073709551615.0) return -1;  // rounds to 2^64
  const auto x = static_cast<double>(u);
  return x < d ? -1 : (x > d ? 1 : 0);
}

template <typename T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

std::optional<int> compare_numbers(const Value& a, const Value& b) {
  const ValueKind ka = a.kind();
  const ValueKind kb = b.kind();
  if (ka == ValueKind::kInt && kb == ValueKind::kInt) return three_way(a.as_int(), b.as_int());
  if (ka == ValueKind::kUint && kb == ValueKind::kUint) return three_way(a.as_uint(), b.as_uint());
  if (ka == ValueKind::kDouble && kb == ValueKind::kDouble) {
    if (std::isnan(a.as_double()) || std::isnan(b.as_double())) return std::nullopt;
    return three_way(a.as_double(), b.as_double());
  }
  if (ka == ValueKind::kInt && kb == ValueKind::kUint) {
    if (a.as_int() < 0) return -1;
    return three_way(static_cast<std::uint64_t>(a.as_int()), b.as_uint());
  }
  if (ka == ValueKind::kUint && kb == ValueKind::kInt) {
    auto r = compare_numbers(b, a);
    return r ? std::optional<int>(-*r) : r;
  }
  if (ka == ValueKind::kInt) return compare_int_double(a.as_int(), b.as_double());
  if (ka == ValueKind::kUint) return compare_uint_double(a.as_uint(), b.as_double());
  auto r = compare_numbers(b, a);  // a is the double
  return r ? std::optional<int>(-*r) : r;
}

}  // namespace

const Value* Value::map_find(const Value& key) const {
  for (const auto& [k, v] : as_map()) {
    if (equals(k, key)) return &v;
  }
  return nullptr;
}

std::string_view Value::cel_type() const {
  switch (kind()) {
    case ValueKind::kNull:
      return "null_type";
    case ValueKind::kBool:
      return "bool";
    case ValueKind::kInt:
      return "int";
    case ValueKind::kUint:
      return "uint";
    case ValueKind::kDouble:
      return "double";
    case ValueKind::kString:
      return "string";
    case ValueKind::kBytes:
      return "bytes";
    case ValueKind::kList:
      return "list";
    case ValueKind::kMap:
      return "map";
    case ValueKind::kType:
      return "type";
    case ValueKind::kTimestamp:
      return "google.protobuf.Timestamp";
    case ValueKind::kDuration:
      return "google.protobuf.Duration";
    case ValueKind::kOptional:
      return "optional_type";
    case ValueKind::kOpaque:
      return as_opaque().type_name();
    case ValueKind::kError:
      return "error";
  }
  return "unknown";
}

bool equals(const Value& a, const Value& b) {
  const ValueKind ka = a.kind();
  const ValueKind kb = b.kind();
  if (is_numeric(ka) && is_numeric(kb)) {
    const auto r = compare_numbers(a, b);
    return r && *r == 0;
  }
  if (ka != kb) return false;
  switch (ka) {
    case ValueKind::kNull:
      return true;
    case ValueKind::kBool:
      return a.as_bool() == b.as_bool();
    case ValueKind::kString:
    case ValueKind::kBytes:
      return a.as_string() == b.as_string();
    case ValueKind::kList: {
      const ValueList& x = a.as_list();
      const ValueList& y = b.as_list();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!equals(x[i], y[i])) return false;
      }
      return true;
    }
    case ValueKind::kMap: {
      if (a.as_map().size() != b.as_map().size()) return false;
      for (const auto& [k, v] : a.as_map()) {
        const Value* other = b.map_find(k);
        if (other == nullptr || !equals(v, *other)) return false;
      }
      return true;
    }
    case ValueKind::kType:
      return a.type_name() == b.type_name();
    case ValueKind::kTimestamp:
      return a.as_timestamp().seconds == b.as_timestamp().seconds &&
             a.as_timestamp().nanos == b.as_timestamp().nanos;
    case ValueKind::kDuration:
      return a.as_duration().seconds == b.as_duration().seconds &&
             a.as_duration().nanos == b.as_duration().nanos;
    case ValueKind::kOptional: {
      const Value* x = a.optional_value();
      const Value* y = b.optional_value();
      if (x == nullptr || y == nullptr) return x == y;
      return equals(*x, *y);
    }
    case ValueKind::kOpaque:
      return a.as_opaque().type_name() == b.as_opaque().type_name() &&
             a.as_opaque().equals(b.as_opaque());
    default:
      return false;
  }
}

std::optional<int> compare(const Value& a, const Value& b) {
  const ValueKind ka = a.kind();
  const ValueKind kb = b.kind();
  if (is_numeric(ka) && is_numeric(kb)) return compare_numbers(a, b);
  if (ka != kb) return std::nullopt;
  switch (ka) {
    case ValueKind::kBool:
      return three_way(a.as_bool(), b.as_bool());
    case ValueKind::kString:
      // UTF-8 byte order is code point order.
    case ValueKind::kBytes: {
      const int c = a.as_string().compare(b.as_string());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case ValueKind::kTimestamp: {
      const auto& x = a.as_timestamp();
      const auto& y = b.as_timestamp();
      return x.seconds != y.seconds ? three_way(x.seconds, y.seconds) : three_way(x.nanos, y.nanos);
    }
    case ValueKind::kDuration: {
      const auto& x = a.as_duration();
      const auto& y = b.as_duration();
      return x.seconds != y.seconds ? three_way(x.seconds, y.seconds) : three_way(x.nanos, y.nanos);
    }
    default:
      return std::nullopt;
  }
}

namespace {

void append_quoted(std::string& out, const std::string& text, bool bytes) {
  if (bytes) out += 'b';
  out += '"';
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F || (bytes && c >= 0x80)) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
          out += escaped;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void append_double(std::string& out, double d) {
  if (std::isnan(d)) {
    out += "double(\"NaN\")";
    return;
  }
  if (std::isinf(d)) {
    out += d > 0 ? "double(\"Infinity\")" : "double(\"-Infinity\")";
    return;
  }
  const std::string text = shortest_double(d);
  out += text;
  if (text.find_first_of(".e") == std::string::npos) out += ".0";
}

// Days since 1970-01-01 -> civil date (Howard Hinnant's algorithm, proleptic Gregorian).
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

void append_fraction(std::string& out, std::int32_t nanos) {
  if (nanos == 0) return;
  char digits[16];
  std::snprintf(digits, sizeof digits, ".%09d", nanos);
  std::string_view f(digits);
  while (f.back() == '0') f.remove_suffix(1);
  out += f;
}

void append_value(std::string& out, const Value& v) {
  switch (v.kind()) {
    case ValueKind::kNull:
      out += "null";
      return;
    case ValueKind::kBool:
      out += v.as_bool() ? "true" : "false";
      return;
    case ValueKind::kInt:
      out += std::to_string(v.as_int());
      return;
    case ValueKind::kUint:
      out += std::to_string(v.as_uint()) + "u";
      return;
    case ValueKind::kDouble:
      append_double(out, v.as_double());
      return;
    case ValueKind::kString:
      append_quoted(out, v.as_string(), false);
      return;
    case ValueKind::kBytes:
      append_quoted(out, v.as_string(), true);
      return;
    case ValueKind::kList: {
      out += '[';
      bool first = true;
      for (const Value& e : v.as_list()) {
        if (!first) out += ", ";
        first = false;
        append_value(out, e);
      }
      out += ']';
      return;
    }
    case ValueKind::kMap: {
      out += '{';
      bool first = true;
      for (const auto& [k, e] : v.as_map()) {
        if (!first) out += ", ";
        first = false;
        append_value(out, k);
        out += ": ";
        append_value(out, e);
      }
      out += '}';
      return;
    }
    case ValueKind::kType:
      out += v.type_name();
      return;
    case ValueKind::kTimestamp: {
      const Timestamp& t = v.as_timestamp();
      std::int64_t days = t.seconds / 86400;
      std::int64_t rest = t.seconds % 86400;
      if (rest < 0) {
        rest += 86400;
        --days;
      }
      std::int64_t year = 0;
      unsigned month = 0;
      unsigned day = 0;
      civil_from_days(days, year, month, day);
      char text[64];
      std::snprintf(text, sizeof text, "timestamp(\"%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                    static_cast<long long>(year), month, day, static_cast<long long>(rest / 3600),
                    static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
      out += text;
      append_fraction(out, t.nanos);
      out += "Z\")";
      return;
    }
    case ValueKind::kDuration: {
      const Duration& d = v.as_duration();
      out += "duration(\"";
      if (d.seconds < 0 || d.nanos < 0) out += '-';
      out += std::to_string(d.seconds < 0 ? -d.seconds : d.seconds);
      append_fraction(out, d.nanos < 0 ? -d.nanos : d.nanos);
      out += "s\")";
      return;
    }
    case ValueKind::kOptional:
      if (v.optional_value() == nullptr) {
        out += "optional.none()";
      } else {
        out += "optional.of(";
        append_value(out, *v.optional_value());
        out += ')';
      }
      return;
    case ValueKind::kOpaque:
      out += v.as_opaque().literal();
      return;
    case ValueKind::kError:
      out += "error(" + v.error_message() + ")";
      return;
  }
}

}  // namespace

std::string shortest_double(double d) {
  char text[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(text, sizeof text, "%.*g", precision, d);
    if (std::strtod(text, nullptr) == d) break;
  }
  return text;
}

std::string to_literal(const Value& v) {
  std::string out;
  append_value(out, v);
  return out;
}

}  // namespace sluice::cel
