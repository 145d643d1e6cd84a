// Kubernetes' lists library (k8s.io/apiserver/pkg/cel/library/lists.go): isSorted, sum, min,
// max, indexOf, lastIndexOf and includes, as members of a list.
//
// Kubernetes relies on its type checker to keep lists homogeneous; this engine has none, so the
// runtime checks instead: ordering needs elements that `compare` orders (numbers across int,
// uint and double, or all of one kind among bool, string, bytes, timestamp and duration), and
// sum needs all int, all uint, all double or all duration. Anything else is an error rather than
// cel-go's silent skip of an unordered pair.
//
// indexOf and lastIndexOf are also string methods (the strings extension): this library keeps
// whatever was registered under those names before it and hands every non-list call to it.
#include "cel/functions.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sluice::cel::detail {
namespace {

/// cel-spec's google.protobuf.Duration range, the one `duration + duration` enforces.
constexpr std::int64_t kMaxDurationSeconds = 315'576'000'000;
constexpr std::int32_t kNanosPerSecond = 1'000'000'000;

bool is_orderable(ValueKind k) {
  switch (k) {
    case ValueKind::kBool:
    case ValueKind::kInt:
    case ValueKind::kUint:
    case ValueKind::kDouble:
    case ValueKind::kString:
    case ValueKind::kBytes:
    case ValueKind::kTimestamp:
    case ValueKind::kDuration:
      return true;
    default:
      return false;
  }
}

/// The target list of a member call `list.f(...)` with `arity` arguments after it, or null.
const ValueList* target_list(std::span<const Value> a, std::size_t arity) {
  if (a.size() != arity + 1 || a[0].kind() != ValueKind::kList) return nullptr;
  return &a[0].as_list();
}

bool is_number(ValueKind k) {
  return k == ValueKind::kInt || k == ValueKind::kUint || k == ValueKind::kDouble;
}

/// The error for an element of a kind that has no ordering (list, map, null, ...).
Value not_orderable(std::string_view fn, const Value& v) {
  return Value::error("no such overload: " + std::string(fn) + "() over a list containing " +
                      std::string(v.cel_type()));
}

/// The error for two orderable elements that `compare` cannot order.
Value unordered(std::string_view fn, const Value& x, const Value& y) {
  if (is_number(x.kind()) && is_number(y.kind())) {
    return Value::error(std::string(fn) + "(): NaN values cannot be ordered");
  }
  return Value::error("no such overload: " + std::string(fn) + "() over a list of " +
                      std::string(x.cel_type()) + " and " + std::string(y.cel_type()));
}

Value is_sorted(std::span<const Value> a) {
  const ValueList* list = target_list(a, 0);
  if (list == nullptr) return no_overload("isSorted", a);
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Value& next = (*list)[i];
    if (!is_orderable(next.kind())) return not_orderable("isSorted", next);
    if (i == 0) continue;
    const auto order = compare((*list)[i - 1], next);
    if (!order) return unordered("isSorted", (*list)[i - 1], next);
    if (*order > 0) return Value::boolean(false);
  }
  return Value::boolean(true);
}

/// min() (`want` -1) or max() (`want` 1): the first element no other element beats.
Value extreme(std::span<const Value> a, std::string_view fn, int want) {
  const ValueList* list = target_list(a, 0);
  if (list == nullptr) return no_overload(fn, a);
  if (list->empty()) return Value::error(std::string(fn) + " called on empty list");
  const Value* best = &list->front();
  if (!is_orderable(best->kind())) return not_orderable(fn, *best);
  for (std::size_t i = 1; i < list->size(); ++i) {
    const Value& next = (*list)[i];
    if (!is_orderable(next.kind())) return not_orderable(fn, next);
    const auto order = compare(next, *best);
    if (!order) return unordered(fn, *best, next);
    if (*order == want) best = &next;
  }
  return *best;
}

Value min(std::span<const Value> a) { return extreme(a, "min", -1); }
Value max(std::span<const Value> a) { return extreme(a, "max", 1); }

Value overflow() { return Value::error("return error for overflow"); }

std::optional<Duration> add_durations(const Duration& x, const Duration& y) {
  std::int64_t seconds = 0;
  if (__builtin_add_overflow(x.seconds, y.seconds, &seconds)) return std::nullopt;
  std::int32_t nanos = 0;
  if (__builtin_add_overflow(x.nanos, y.nanos, &nanos)) return std::nullopt;
  if (nanos >= kNanosPerSecond) {
    ++seconds;
    nanos -= kNanosPerSecond;
  } else if (nanos <= -kNanosPerSecond) {
    --seconds;
    nanos += kNanosPerSecond;
  }
  // Keep seconds and nanos of the same sign, as Duration requires.
  if (seconds > 0 && nanos < 0) {
    --seconds;
    nanos += kNanosPerSecond;
  } else if (seconds < 0 && nanos > 0) {
    ++seconds;
    nanos -= kNanosPerSecond;
  }
  if (seconds > kMaxDurationSeconds || seconds < -kMaxDurationSeconds || nanos >= kNanosPerSecond ||
      nanos <= -kNanosPerSecond) {
    return std::nullopt;
  }
  return Duration{seconds, nanos};
}

Value sum(std::span<const Value> a) {
  const ValueList* list = target_list(a, 0);
  if (list == nullptr) return no_overload("sum", a);
  if (list->empty()) return Value::integer(0);
  const ValueKind kind = list->front().kind();
  for (const Value& v : *list) {
    if (v.kind() != kind) {
      std::string message = "no such overload: sum() over a list of ";
      message += list->front().cel_type();
      message += " and ";
      message += v.cel_type();
      return Value::error(std::move(message));
    }
  }
  switch (kind) {
    case ValueKind::kInt: {
      std::int64_t total = 0;
      for (const Value& v : *list) {
        if (__builtin_add_overflow(total, v.as_int(), &total)) return overflow();
      }
      return Value::integer(total);
    }
    case ValueKind::kUint: {
      std::uint64_t total = 0;
      for (const Value& v : *list) {
        if (__builtin_add_overflow(total, v.as_uint(), &total)) return overflow();
      }
      return Value::unsigned_integer(total);
    }
    case ValueKind::kDouble: {
      double total = 0;
      for (const Value& v : *list) total += v.as_double();
      return Value::floating(total);
    }
    case ValueKind::kDuration: {
      Duration total;
      for (const Value& v : *list) {
        const auto next = add_durations(total, v.as_duration());
        if (!next) return Value::error("duration out of range");
        total = *next;
      }
      return Value::duration(total);
    }
    default:
      return Value::error("no such overload: sum() over a list of " +
                          std::string(list->front().cel_type()));
  }
}

Value index_of(std::span<const Value> a) {
  const ValueList* list = target_list(a, 1);
  if (list == nullptr) return no_overload("indexOf", a);  // the strings extension's turn
  for (std::size_t i = 0; i < list->size(); ++i) {
    if (equals((*list)[i], a[1])) return Value::integer(static_cast<std::int64_t>(i));
  }
  return Value::integer(-1);
}

Value last_index_of(std::span<const Value> a) {
  const ValueList* list = target_list(a, 1);
  if (list == nullptr) return no_overload("lastIndexOf", a);
  for (std::size_t i = list->size(); i > 0; --i) {
    if (equals((*list)[i - 1], a[1])) return Value::integer(static_cast<std::int64_t>(i - 1));
  }
  return Value::integer(-1);
}

/// `list.includes(x)`: x is an element; on any other target, the target equals x.
Value includes(std::span<const Value> a) {
  if (a.size() != 2) return no_overload("includes", a);
  if (a[0].kind() != ValueKind::kList) return Value::boolean(equals(a[0], a[1]));
  for (const Value& v : a[0].as_list()) {
    if (equals(v, a[1])) return Value::boolean(true);
  }
  return Value::boolean(false);
}

}  // namespace

void register_k8s_lists(FunctionRegistry& r) {
  r.add("isSorted", CallStyle::kMember, is_sorted);
  r.add("sum", CallStyle::kMember, sum);
  r.add("min", CallStyle::kMember, min);
  r.add("max", CallStyle::kMember, max);
  r.add("includes", CallStyle::kMember, includes);
  // Also string methods (strings_ext.cpp): the registry tries each library's overload in turn.
  r.add("indexOf", CallStyle::kMember, index_of);
  r.add("lastIndexOf", CallStyle::kMember, last_index_of);
}

}  // namespace sluice::cel::detail
