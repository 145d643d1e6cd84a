// `string.format(list)`: cel-go's printf-style formatter (strings extension, the version-4
// formatter), see strings_format.h for the clauses. Numbers go through std::to_chars, so the
// output never depends on the process locale and doubles round exactly as Go's fmt does.
#include "cel/strings_format.h"

#include "cel/functions.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace sluice::cel::detail {
namespace {

constexpr int kDefaultPrecision = 6;
/// Lists and maps nest at most this deep inside one %s: deep inputs must not exhaust the stack.
constexpr int kMaxDepth = 256;

/// Why a clause could not format its value; empty on success. Only failures allocate.
using Failure = std::optional<std::string>;

Failure too_large() { return "result exceeds " + std::to_string(kMaxStringResultBytes) + " bytes"; }

Failure wrong_kind(std::string_view accepted, const Value& v) {
  std::string message(accepted);
  message += ", was given ";
  message += v.cel_type();
  return message;
}

bool append_non_finite(std::string& out, double d) {
  if (std::isnan(d)) {
    out += "NaN";
  } else if (std::isinf(d)) {
    out += d < 0 ? "-Infinity" : "Infinity";
  } else {
    return false;
  }
  return true;
}

/// The fewest digits that read back as `d`, never in exponent form (Go's 'f' with precision -1):
/// 1e100 prints all 101 digits, 5e-324 all its leading zeros.
void append_shortest_fixed(std::string& out, double d) {
  if (append_non_finite(out, d)) return;
  // std::to_chars in fixed form prints the exact binary value of large numbers (1e100 has 101
  // significant digits); Go prints the shortest round-trip digits padded with zeros. The
  // scientific form has exactly those digits: "-1.2345e+02", "5e-324".
  char text[32];
  const auto r = std::to_chars(text, text + sizeof text, d, std::chars_format::scientific);
  if (r.ec != std::errc()) return;
  const std::string_view sci(text, static_cast<std::size_t>(r.ptr - text));
  const std::size_t e = sci.find('e');
  std::string_view mantissa = sci.substr(0, e);
  int exponent = 0;
  std::from_chars(sci.data() + e + (sci[e + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exponent);
  if (mantissa.front() == '-') {
    out += '-';
    mantissa.remove_prefix(1);
  }
  char digits[20];  // at most 17 significant digits
  std::size_t n = 0;
  for (const char c : mantissa) {
    if (c != '.') digits[n++] = c;
  }
  const std::string_view all(digits, n);
  if (exponent < 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-exponent - 1), '0');
    out += all;
    return;
  }
  const auto whole = static_cast<std::size_t>(exponent) + 1;  // digits before the point
  if (n <= whole) {
    out += all;
    out.append(whole - n, '0');
  } else {
    out += all.substr(0, whole);
    out += '.';
    out += all.substr(whole);
  }
}

/// `d` rounded to `precision` digits after the point, in fixed or scientific notation.
void append_with_precision(std::string& out, double d, std::chars_format format, int precision) {
  if (append_non_finite(out, d)) return;
  char text[kMaxFormatPrecision + 400];  // 309 integer digits, the point, sign and exponent
  const auto r = std::to_chars(text, text + sizeof text, d, format, precision);
  if (r.ec == std::errc()) out.append(text, r.ptr);
}

template <typename Int>
void append_integer(std::string& out, Int v, int base, bool upper = false) {
  char text[72];  // 64 binary digits and a sign
  const auto r = std::to_chars(text, text + sizeof text, v, base);
  if (upper) {
    std::transform(text, r.ptr, text, [](char c) {
      return c >= 'a' && c <= 'f' ? static_cast<char>(c - 'a' + 'A') : c;
    });
  }
  out.append(text, r.ptr);
}

void append_hex_bytes(std::string& out, std::string_view bytes, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += digits[b >> 4];
    out += digits[b & 0x0F];
  }
}

double duration_seconds(const Duration& d) {
  // As Go's Duration.Seconds(): whole seconds plus the fraction, each converted separately.
  return static_cast<double>(d.seconds) + static_cast<double>(d.nanos) / 1e9;
}

void append_timestamp(std::string& out, const Value& v) {
  // to_literal spells a timestamp `timestamp("<RFC 3339, UTC, fraction trimmed>")`, the very
  // text %s prints; only the call around it goes.
  constexpr std::string_view kPrefix = "timestamp(\"";
  constexpr std::string_view kSuffix = "\")";
  const std::string literal = to_literal(v);
  std::string_view text = literal;
  if (text.starts_with(kPrefix) && text.ends_with(kSuffix)) {
    text = text.substr(kPrefix.size(), text.size() - kPrefix.size() - kSuffix.size());
  }
  out += text;
}

Failure append_string_clause(std::string& out, const Value& v, int depth);

Failure append_list(std::string& out, const ValueList& list, int depth) {
  out += '[';
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ", ";
    if (Failure f = append_string_clause(out, list[i], depth + 1)) return f;
  }
  out += ']';
  return std::nullopt;
}

Failure append_map(std::string& out, const ValueMap& map, int depth) {
  // cel-go prints entries ordered by their formatted keys, so equal maps print alike.
  std::vector<std::pair<std::string, std::string>> entries(map.size());
  std::size_t total = out.size();
  for (std::size_t i = 0; i < map.size(); ++i) {
    if (Failure f = append_string_clause(entries[i].first, map[i].first, depth + 1)) return f;
    if (Failure f = append_string_clause(entries[i].second, map[i].second, depth + 1)) return f;
    total += entries[i].first.size() + entries[i].second.size() + 4;
    if (total > kMaxStringResultBytes) return too_large();
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  out += '{';
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) out += ", ";
    out += entries[i].first;
    out += ": ";
    out += entries[i].second;
  }
  out += '}';
  return std::nullopt;
}

Failure append_string_clause(std::string& out, const Value& v, int depth) {
  switch (v.kind()) {
    case ValueKind::kNull:
      out += "null";
      break;
    case ValueKind::kBool:
      out += v.as_bool() ? "true" : "false";
      break;
    case ValueKind::kInt:
      append_integer(out, v.as_int(), 10);
      break;
    case ValueKind::kUint:
      append_integer(out, v.as_uint(), 10);
      break;
    case ValueKind::kDouble:
      append_shortest_fixed(out, v.as_double());
      break;
    case ValueKind::kString:
    case ValueKind::kBytes:
      out += v.as_string();
      break;
    case ValueKind::kType:
      out += v.type_name();
      break;
    case ValueKind::kTimestamp:
      append_timestamp(out, v);
      break;
    case ValueKind::kDuration:
      append_shortest_fixed(out, duration_seconds(v.as_duration()));
      out += 's';
      break;
    case ValueKind::kList:
    case ValueKind::kMap:
      if (depth >= kMaxDepth) return "values nested deeper than " + std::to_string(kMaxDepth);
      if (Failure f = v.kind() == ValueKind::kList ? append_list(out, v.as_list(), depth)
                                                   : append_map(out, v.as_map(), depth)) {
        return f;
      }
      break;
    default:
      return wrong_kind(
          "string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, "
          "types, durations, and timestamps",
          v);
  }
  if (out.size() > kMaxStringResultBytes) return too_large();
  return std::nullopt;
}

/// Formats `v` with the clause `verb` (already known to be one of the supported verbs).
Failure apply_clause(std::string& out, char verb, int precision, const Value& v) {
  const ValueKind k = v.kind();
  const bool is_int = k == ValueKind::kInt;
  const bool is_uint = k == ValueKind::kUint;
  const auto as_double = [&] {
    return is_int    ? static_cast<double>(v.as_int())
           : is_uint ? static_cast<double>(v.as_uint())
                     : v.as_double();
  };
  switch (verb) {
    case 's':
      return append_string_clause(out, v, 0);
    case 'd':
      if (!is_int && !is_uint && k != ValueKind::kDouble) {
        return wrong_kind("decimal clause can only be used on ints, uints, and doubles", v);
      }
      if (is_int) {
        append_integer(out, v.as_int(), 10);
      } else if (is_uint) {
        append_integer(out, v.as_uint(), 10);
      } else {
        append_shortest_fixed(out, v.as_double());
      }
      return std::nullopt;
    case 'f':
    case 'e':
      if (!is_int && !is_uint && k != ValueKind::kDouble) {
        return wrong_kind(verb == 'f'
                              ? "fixed-point clause can only be used on ints, uints, and doubles"
                              : "scientific clause can only be used on ints, uints, and doubles",
                          v);
      }
      append_with_precision(out, as_double(),
                            verb == 'f' ? std::chars_format::fixed : std::chars_format::scientific,
                            precision);
      return std::nullopt;
    case 'b':
      if (k == ValueKind::kBool) {
        out += v.as_bool() ? '1' : '0';
      } else if (is_int) {
        append_integer(out, v.as_int(), 2);
      } else if (is_uint) {
        append_integer(out, v.as_uint(), 2);
      } else {
        return wrong_kind("only ints, uints, and bools can be formatted as binary", v);
      }
      return std::nullopt;
    case 'o':
      if (is_int) {
        append_integer(out, v.as_int(), 8);
      } else if (is_uint) {
        append_integer(out, v.as_uint(), 8);
      } else {
        return wrong_kind("octal clause can only be used on ints and uints", v);
      }
      return std::nullopt;
    default: {  // 'x' or 'X'
      const bool upper = verb == 'X';
      if (is_int) {
        append_integer(out, v.as_int(), 16, upper);
      } else if (is_uint) {
        append_integer(out, v.as_uint(), 16, upper);
      } else if (k == ValueKind::kString || k == ValueKind::kBytes) {
        if (out.size() + 2 * v.as_string().size() > kMaxStringResultBytes) return too_large();
        append_hex_bytes(out, v.as_string(), upper);
      } else {
        return wrong_kind("only ints, uints, bytes, and strings can be formatted as hex", v);
      }
      return std::nullopt;
    }
  }
}

Value parse_error(std::string why) {
  return Value::error("could not parse formatting clause: " + std::move(why));
}

/// The precision digits after a '.' at f[pos]: on success advances `pos` past them.
std::optional<Value> parse_precision(std::string_view f, std::size_t& pos, int& precision) {
  const std::size_t begin = pos;
  while (true) {
    if (pos >= f.size()) {
      return parse_error(
          "error while parsing precision: could not find end of precision specifier");
    }
    if (f[pos] < '0' || f[pos] > '9') break;
    ++pos;
  }
  const std::string_view digits = f.substr(begin, pos - begin);
  std::int64_t value = 0;
  const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || r.ec != std::errc()) {
    // cel-go's wording, which comes from Go's strconv.Atoi.
    return parse_error(
        "error while parsing precision: error while converting precision to integer: "
        "strconv.Atoi: parsing \"" +
        std::string(digits) + (digits.empty() ? "\": invalid syntax" : "\": value out of range"));
  }
  if (value > kMaxFormatPrecision) {
    return parse_error("error while parsing precision: precision " + std::to_string(value) +
                       " exceeds maximum allowed precision " + std::to_string(kMaxFormatPrecision));
  }
  precision = static_cast<int>(value);
  return std::nullopt;
}

bool is_verb(char c) {
  return c == 's' || c == 'd' || c == 'f' || c == 'e' || c == 'b' || c == 'x' || c == 'X' ||
         c == 'o';
}

}  // namespace

Value string_format(std::span<const Value> args) {
  if (args.size() != 2 || args[0].kind() != ValueKind::kString ||
      args[1].kind() != ValueKind::kList) {
    return no_overload("format", args);
  }
  const std::string_view f = args[0].as_string();
  const ValueList& list = args[1].as_list();
  std::string out;
  out.reserve(f.size());
  std::size_t next_arg = 0;
  std::size_t i = 0;
  while (i < f.size()) {
    if (f[i] != '%') {
      const std::size_t end = std::min(f.find('%', i), f.size());
      out.append(f.substr(i, end - i));
      i = end;
      continue;
    }
    if (i + 1 < f.size() && f[i + 1] == '%') {
      out += '%';
      i += 2;
      continue;
    }
    if (next_arg >= list.size()) {
      return Value::error("index " + std::to_string(next_arg) + " out of range");
    }
    if (i + 1 >= f.size()) return Value::error("unexpected end of string");
    std::size_t pos = i + 1;
    int precision = kDefaultPrecision;
    if (f[pos] == '.') {
      ++pos;
      if (auto error = parse_precision(f, pos, precision)) return std::move(*error);
    }
    const char verb = f[pos];
    if (!is_verb(verb)) {
      // Go prints the byte as the code point of the same value.
      const auto b = static_cast<unsigned char>(verb);
      std::string shown(1, verb);
      if (b >= 0x80) {
        shown = {static_cast<char>(0xC0 | (b >> 6)), static_cast<char>(0x80 | (b & 0x3F))};
      }
      return parse_error("unrecognized formatting clause \"" + shown + "\"");
    }
    if (Failure failure = apply_clause(out, verb, precision, list[next_arg])) {
      return Value::error("error during formatting: " + std::move(*failure));
    }
    if (out.size() > kMaxStringResultBytes) {
      return Value::error("error during formatting: " + *too_large());
    }
    i = pos + 1;
    ++next_arg;
  }
  return Value::string(std::move(out));
}

}  // namespace sluice::cel::detail
