// The standard operators and functions of cel-spec's langdef ("Standard definitions") over the
// value kinds: arithmetic with overflow errors, comparisons across numeric kinds, membership,
// indexing, size, conversions and the basic string functions. Extensions (strings, optionals,
// Kubernetes libraries) come in their own files.
#include "cel/functions.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>

namespace sluice::cel::detail {
namespace {

Value overflow() { return Value::error("return error for overflow"); }

bool same_kind(std::span<const Value> args, ValueKind kind) {
  for (const Value& v : args) {
    if (v.kind() != kind) return false;
  }
  return true;
}

Value arithmetic(std::string_view op, std::span<const Value> a) {
  const char o = op[1];
  if (same_kind(a, ValueKind::kInt)) {
    const std::int64_t x = a[0].as_int();
    const std::int64_t y = a[1].as_int();
    std::int64_t r = 0;
    switch (o) {
      case '+':
        return __builtin_add_overflow(x, y, &r) ? overflow() : Value::integer(r);
      case '-':
        return __builtin_sub_overflow(x, y, &r) ? overflow() : Value::integer(r);
      case '*':
        return __builtin_mul_overflow(x, y, &r) ? overflow() : Value::integer(r);
      case '/':
        if (y == 0) return Value::error("division by zero");
        if (x == INT64_MIN && y == -1) return overflow();
        return Value::integer(x / y);
      case '%':
        if (y == 0) return Value::error("modulus by zero");
        if (x == INT64_MIN && y == -1) return overflow();
        return Value::integer(x % y);
    }
  }
  if (same_kind(a, ValueKind::kUint)) {
    const std::uint64_t x = a[0].as_uint();
    const std::uint64_t y = a[1].as_uint();
    std::uint64_t r = 0;
    switch (o) {
      case '+':
        return __builtin_add_overflow(x, y, &r) ? overflow() : Value::unsigned_integer(r);
      case '-':
        return __builtin_sub_overflow(x, y, &r) ? overflow() : Value::unsigned_integer(r);
      case '*':
        return __builtin_mul_overflow(x, y, &r) ? overflow() : Value::unsigned_integer(r);
      case '/':
        return y == 0 ? Value::error("division by zero") : Value::unsigned_integer(x / y);
      case '%':
        return y == 0 ? Value::error("modulus by zero") : Value::unsigned_integer(x % y);
    }
  }
  if (same_kind(a, ValueKind::kDouble) && o != '%') {
    const double x = a[0].as_double();
    const double y = a[1].as_double();
    switch (o) {
      case '+':
        return Value::floating(x + y);
      case '-':
        return Value::floating(x - y);
      case '*':
        return Value::floating(x * y);
      case '/':
        return Value::floating(x / y);
    }
  }
  if (o == '+' || o == '-') {
    if (auto time = time_arithmetic(o, a)) return std::move(*time);
  }
  if (o == '+' && same_kind(a, ValueKind::kString)) {
    return Value::string(a[0].as_string() + a[1].as_string());
  }
  if (o == '+' && same_kind(a, ValueKind::kBytes)) {
    return Value::bytes(a[0].as_string() + a[1].as_string());
  }
  if (o == '+' && same_kind(a, ValueKind::kList)) {
    ValueList joined = a[0].as_list();
    joined.insert(joined.end(), a[1].as_list().begin(), a[1].as_list().end());
    return Value::list(std::move(joined));
  }
  return no_overload(op, a);
}

}  // namespace

Value relation(std::string_view op, const Value& a, const Value& b) {
  if (op == "_==_") return Value::boolean(equals(a, b));
  if (op == "_!=_") return Value::boolean(!equals(a, b));
  const auto order = compare(a, b);
  if (!order) {
    const Value args[] = {a, b};
    return no_overload(op, args);
  }
  if (op == "_<_") return Value::boolean(*order < 0);
  if (op == "_<=_") return Value::boolean(*order <= 0);
  if (op == "_>_") return Value::boolean(*order > 0);
  return Value::boolean(*order >= 0);  // _>=_
}

namespace {

/// A list index: int, uint, or a double with an integral value.
std::optional<std::int64_t> as_index(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kInt:
      return v.as_int();
    case ValueKind::kUint:
      if (v.as_uint() > static_cast<std::uint64_t>(INT64_MAX)) return INT64_MAX;
      return static_cast<std::int64_t>(v.as_uint());
    case ValueKind::kDouble: {
      const double d = v.as_double();
      if (std::trunc(d) != d || std::fabs(d) > 9.0e18) return std::nullopt;
      return static_cast<std::int64_t>(d);
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

Value index_value(std::span<const Value> a) {
  if (a.size() != 2) return no_overload("_[_]", a);
  if (a[0].kind() == ValueKind::kOptional) return optional_index(a);
  if (a[0].kind() == ValueKind::kList) {
    const auto i = as_index(a[1]);
    if (!i) return no_overload("_[_]", a);
    const ValueList& list = a[0].as_list();
    if (*i < 0 || static_cast<std::uint64_t>(*i) >= list.size()) {
      return Value::error("index out of range: " + std::to_string(*i));
    }
    return list[static_cast<std::size_t>(*i)];
  }
  if (a[0].kind() == ValueKind::kMap) {
    const Value* found = a[0].map_find(a[1]);
    if (found == nullptr) return Value::error("no such key: " + to_literal(a[1]));
    return *found;
  }
  return no_overload("_[_]", a);
}

namespace {

Value membership(std::span<const Value> a) {
  if (a[1].kind() == ValueKind::kList) {
    for (const Value& e : a[1].as_list()) {
      if (equals(e, a[0])) return Value::boolean(true);
    }
    return Value::boolean(false);
  }
  if (a[1].kind() == ValueKind::kMap) return Value::boolean(a[1].map_find(a[0]) != nullptr);
  return no_overload("@in", a);
}

std::int64_t utf8_length(const std::string& s) {
  std::int64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

Value size(std::span<const Value> a) {
  switch (a[0].kind()) {
    case ValueKind::kString:
      return Value::integer(utf8_length(a[0].as_string()));
    case ValueKind::kBytes:
      return Value::integer(static_cast<std::int64_t>(a[0].as_string().size()));
    case ValueKind::kList:
      return Value::integer(static_cast<std::int64_t>(a[0].as_list().size()));
    case ValueKind::kMap:
      return Value::integer(static_cast<std::int64_t>(a[0].as_map().size()));
    default:
      return no_overload("size", a);
  }
}

bool valid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

Value convert(std::string_view to, const Value& v) {
  if (auto converted = time_conversion(to, v)) return std::move(*converted);
  const ValueKind k = v.kind();
  if (to == "int") {
    switch (k) {
      case ValueKind::kInt:
        return v;
      case ValueKind::kUint:
        if (v.as_uint() > static_cast<std::uint64_t>(INT64_MAX)) return Value::error("range error");
        return Value::integer(static_cast<std::int64_t>(v.as_uint()));
      case ValueKind::kDouble: {
        const double d = v.as_double();
        if (std::isnan(d) || d >= 9223372036854775808.0 || d <= -9223372036854775809.0) {
          return Value::error("range error");
        }
        return Value::integer(static_cast<std::int64_t>(d));
      }
      case ValueKind::kString: {
        const std::string& s = v.as_string();
        char* end = nullptr;
        errno = 0;
        const long long parsed = std::strtoll(s.c_str(), &end, 10);
        if (s.empty() || end != s.c_str() + s.size() || errno != 0) {
          return Value::error("cannot convert '" + s + "' to int");
        }
        return Value::integer(parsed);
      }
      default:
        break;
    }
  } else if (to == "uint") {
    switch (k) {
      case ValueKind::kUint:
        return v;
      case ValueKind::kInt:
        if (v.as_int() < 0) return Value::error("range error");
        return Value::unsigned_integer(static_cast<std::uint64_t>(v.as_int()));
      case ValueKind::kDouble: {
        const double d = v.as_double();
        if (std::isnan(d) || d < 0 || d >= 18446744073709551616.0)
          return Value::error("range error");
        return Value::unsigned_integer(static_cast<std::uint64_t>(d));
      }
      case ValueKind::kString: {
        const std::string& s = v.as_string();
        char* end = nullptr;
        errno = 0;
        const unsigned long long parsed = std::strtoull(s.c_str(), &end, 10);
        if (s.empty() || s[0] == '-' || end != s.c_str() + s.size() || errno != 0) {
          return Value::error("cannot convert '" + s + "' to uint");
        }
        return Value::unsigned_integer(parsed);
      }
      default:
        break;
    }
  } else if (to == "double") {
    switch (k) {
      case ValueKind::kDouble:
        return v;
      case ValueKind::kInt:
        return Value::floating(static_cast<double>(v.as_int()));
      case ValueKind::kUint:
        return Value::floating(static_cast<double>(v.as_uint()));
      case ValueKind::kString: {
        const std::string& s = v.as_string();
        char* end = nullptr;
        const double parsed = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size()) {
          return Value::error("cannot convert '" + s + "' to double");
        }
        return Value::floating(parsed);
      }
      default:
        break;
    }
  } else if (to == "string") {
    switch (k) {
      case ValueKind::kString:
        return v;
      case ValueKind::kInt:
        return Value::string(std::to_string(v.as_int()));
      case ValueKind::kUint:
        return Value::string(std::to_string(v.as_uint()));
      case ValueKind::kDouble:
        return Value::string(shortest_double(v.as_double()));
      case ValueKind::kBool:
        return Value::string(v.as_bool() ? "true" : "false");
      case ValueKind::kBytes:
        if (!valid_utf8(v.as_string())) return Value::error("invalid UTF-8 in bytes");
        return Value::string(v.as_string());
      default:
        break;
    }
  } else if (to == "bytes") {
    if (k == ValueKind::kBytes) return v;
    if (k == ValueKind::kString) return Value::bytes(v.as_string());
  } else if (to == "bool") {
    if (k == ValueKind::kBool) return v;
    if (k == ValueKind::kString) {
      const std::string& s = v.as_string();
      if (s == "true" || s == "TRUE" || s == "True" || s == "t" || s == "1")
        return Value::boolean(true);
      if (s == "false" || s == "FALSE" || s == "False" || s == "f" || s == "0") {
        return Value::boolean(false);
      }
      return Value::error("cannot convert '" + s + "' to bool");
    }
  } else if (to == "dyn") {
    return v;
  } else if (to == "type") {
    return Value::type(std::string(v.cel_type()));
  }
  const Value args[] = {v};
  return no_overload(to, args);
}

Value string_function(std::string_view name, std::span<const Value> a) {
  if (a.size() != 2 || !same_kind(a, ValueKind::kString)) return no_overload(name, a);
  const std::string& s = a[0].as_string();
  const std::string& t = a[1].as_string();
  if (name == "contains") return Value::boolean(s.find(t) != std::string::npos);
  if (name == "startsWith") return Value::boolean(s.rfind(t, 0) == 0);
  return Value::boolean(s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0);
}

Value negate(std::span<const Value> a) {
  if (a.size() == 1 && a[0].kind() == ValueKind::kInt) {
    if (a[0].as_int() == INT64_MIN) return overflow();
    return Value::integer(-a[0].as_int());
  }
  if (a.size() == 1 && a[0].kind() == ValueKind::kDouble) return Value::floating(-a[0].as_double());
  if (a.size() == 1 && a[0].kind() == ValueKind::kDuration) {
    const Value operands[] = {Value::duration({}), a[0]};
    if (auto negated = time_arithmetic('-', operands)) return std::move(*negated);
  }
  return no_overload("-_", a);
}

Value logical_not(std::span<const Value> a) {
  if (a.size() != 1 || a[0].kind() != ValueKind::kBool) return no_overload("!_", a);
  return Value::boolean(!a[0].as_bool());
}

Value map_insert(std::span<const Value> a) {
  if (a.size() != 3 || a[0].kind() != ValueKind::kMap) return no_overload("@mapInsert", a);
  if (a[0].map_find(a[1]) != nullptr) return Value::error("insert failed: key already exists");
  ValueMap entries = a[0].as_map();
  entries.emplace_back(a[1], a[2]);
  return Value::map(std::move(entries));
}

// Builtins are plain function pointers, so each operator name gets a tiny trampoline that fixes
// the name for the shared implementation.
template <const std::string_view& kName>
Value binary_arithmetic(std::span<const Value> a) {
  return a.size() == 2 ? arithmetic(kName, a) : no_overload(kName, a);
}
template <const std::string_view& kName>
Value binary_relation(std::span<const Value> a) {
  return a.size() == 2 ? relation(kName, a[0], a[1]) : no_overload(kName, a);
}
template <const std::string_view& kName>
Value conversion(std::span<const Value> a) {
  return a.size() == 1 ? convert(kName, a[0]) : no_overload(kName, a);
}
template <const std::string_view& kName>
Value string_predicate(std::span<const Value> a) {
  return string_function(kName, a);
}
template <Value (*kFn)(std::span<const Value>), const std::string_view& kName, std::size_t kArity>
Value fixed_arity(std::span<const Value> a) {
  return a.size() == kArity ? kFn(a) : no_overload(kName, a);
}

constexpr std::string_view kAdd = "_+_", kSub = "_-_", kMul = "_*_", kDiv = "_/_", kMod = "_%_";
constexpr std::string_view kEq = "_==_", kNe = "_!=_", kLt = "_<_", kLe = "_<=_", kGt = "_>_",
                           kGe = "_>=_";
constexpr std::string_view kInt = "int", kUint = "uint", kDouble = "double", kString = "string",
                           kBytes = "bytes", kBool = "bool", kDyn = "dyn", kType = "type";
constexpr std::string_view kContains = "contains", kStartsWith = "startsWith",
                           kEndsWith = "endsWith";
constexpr std::string_view kIndex = "_[_]", kIn = "@in", kSize = "size";

}  // namespace

void register_standard(FunctionRegistry& r) {
  r.add(kAdd, CallStyle::kGlobal, &binary_arithmetic<kAdd>);
  r.add(kSub, CallStyle::kGlobal, &binary_arithmetic<kSub>);
  r.add(kMul, CallStyle::kGlobal, &binary_arithmetic<kMul>);
  r.add(kDiv, CallStyle::kGlobal, &binary_arithmetic<kDiv>);
  r.add(kMod, CallStyle::kGlobal, &binary_arithmetic<kMod>);
  r.add(kEq, CallStyle::kGlobal, &binary_relation<kEq>);
  r.add(kNe, CallStyle::kGlobal, &binary_relation<kNe>);
  r.add(kLt, CallStyle::kGlobal, &binary_relation<kLt>);
  r.add(kLe, CallStyle::kGlobal, &binary_relation<kLe>);
  r.add(kGt, CallStyle::kGlobal, &binary_relation<kGt>);
  r.add(kGe, CallStyle::kGlobal, &binary_relation<kGe>);
  r.add(kIndex, CallStyle::kGlobal, &index_value);
  r.add(kIn, CallStyle::kGlobal, &fixed_arity<membership, kIn, 2>);
  r.add(kSize, CallStyle::kGlobal, &fixed_arity<size, kSize, 1>);
  r.add(kSize, CallStyle::kMember, &fixed_arity<size, kSize, 1>);
  r.add("!_", CallStyle::kGlobal, &logical_not);
  r.add("-_", CallStyle::kGlobal, &negate);
  r.add("@mapInsert", CallStyle::kGlobal, &map_insert);
  r.add(kInt, CallStyle::kGlobal, &conversion<kInt>);
  r.add(kUint, CallStyle::kGlobal, &conversion<kUint>);
  r.add(kDouble, CallStyle::kGlobal, &conversion<kDouble>);
  r.add(kString, CallStyle::kGlobal, &conversion<kString>);
  r.add(kBytes, CallStyle::kGlobal, &conversion<kBytes>);
  r.add(kBool, CallStyle::kGlobal, &conversion<kBool>);
  r.add(kDyn, CallStyle::kGlobal, &conversion<kDyn>);
  r.add(kType, CallStyle::kGlobal, &conversion<kType>);
  r.add(kContains, CallStyle::kMember, &string_predicate<kContains>);
  r.add(kStartsWith, CallStyle::kMember, &string_predicate<kStartsWith>);
  r.add(kEndsWith, CallStyle::kMember, &string_predicate<kEndsWith>);
}

}  // namespace sluice::cel::detail
