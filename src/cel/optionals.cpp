// cel-go's optional types (cel-spec "optional values"): optional.of, optional.none,
// optional.ofNonZeroValue, hasValue, value, orValue, or, the `x.?f` and `x[?k]` operators, and
// field selection and indexing that pass through an optional (`optional.of(m).f` is
// `optional.of(m).?f`).
#include "cel/functions.h"

namespace sluice::cel::detail {
namespace {

bool is_zero(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kNull:
      return true;
    case ValueKind::kBool:
      return !v.as_bool();
    case ValueKind::kInt:
      return v.as_int() == 0;
    case ValueKind::kUint:
      return v.as_uint() == 0;
    case ValueKind::kDouble:
      return v.as_double() == 0;
    case ValueKind::kString:
    case ValueKind::kBytes:
      return v.as_string().empty();
    case ValueKind::kList:
      return v.as_list().empty();
    case ValueKind::kMap:
      return v.as_map().empty();
    case ValueKind::kTimestamp:
      return v.as_timestamp().seconds == 0 && v.as_timestamp().nanos == 0;
    case ValueKind::kDuration:
      return v.as_duration().seconds == 0 && v.as_duration().nanos == 0;
    case ValueKind::kOptional:
      return v.optional_value() == nullptr;
    default:
      return false;
  }
}

Value of(std::span<const Value> a) {
  if (a.size() != 1) return no_overload("optional.of", a);
  return Value::optional_of(a[0]);
}

Value none(std::span<const Value> a) {
  if (!a.empty()) return no_overload("optional.none", a);
  return Value::optional_none();
}

Value of_non_zero_value(std::span<const Value> a) {
  if (a.size() != 1) return no_overload("optional.ofNonZeroValue", a);
  return is_zero(a[0]) ? Value::optional_none() : Value::optional_of(a[0]);
}

Value has_value(std::span<const Value> a) {
  if (a.size() != 1 || a[0].kind() != ValueKind::kOptional) return no_overload("hasValue", a);
  return Value::boolean(a[0].optional_value() != nullptr);
}

Value value(std::span<const Value> a) {
  if (a.size() != 1 || a[0].kind() != ValueKind::kOptional) return no_overload("value", a);
  if (a[0].optional_value() == nullptr) return Value::error("optional.none() dereference");
  return *a[0].optional_value();
}

Value or_value(std::span<const Value> a) {
  if (a.size() != 2 || a[0].kind() != ValueKind::kOptional) return no_overload("orValue", a);
  return a[0].optional_value() != nullptr ? *a[0].optional_value() : a[1];
}

Value or_optional(std::span<const Value> a) {
  if (a.size() != 2 || a[0].kind() != ValueKind::kOptional || a[1].kind() != ValueKind::kOptional) {
    return no_overload("or", a);
  }
  return a[0].optional_value() != nullptr ? a[0] : a[1];
}

/// `x.?field`: the field of a map (or of an optional's map) as an optional.
Value optional_select(std::span<const Value> a) {
  if (a.size() != 2 || a[1].kind() != ValueKind::kString) return no_overload("_?._", a);
  return select_through_optional(a[0], a[1].as_string(), false);
}

}  // namespace

Value select_through_optional(const Value& operand, std::string_view field, bool test_only) {
  const Value* target = &operand;
  if (target->kind() == ValueKind::kOptional) {
    target = target->optional_value();
    if (target == nullptr) return test_only ? Value::boolean(false) : Value::optional_none();
  }
  if (target->kind() != ValueKind::kMap) {
    return Value::error("type '" + std::string(target->cel_type()) +
                        "' does not support field selection");
  }
  const Value* found = target->map_find(Value::string(std::string(field)));
  if (test_only) return Value::boolean(found != nullptr);
  return found == nullptr ? Value::optional_none() : Value::optional_of(*found);
}

/// `x[?key]`: the element of a list or map (or of an optional's) as an optional.
Value optional_index(std::span<const Value> a) {
  if (a.size() != 2) return no_overload("_[?_]", a);
  const Value* target = &a[0];
  if (target->kind() == ValueKind::kOptional) {
    target = target->optional_value();
    if (target == nullptr) return Value::optional_none();
  }
  if (target->kind() == ValueKind::kMap) {
    const Value* found = target->map_find(a[1]);
    return found == nullptr ? Value::optional_none() : Value::optional_of(*found);
  }
  if (target->kind() == ValueKind::kList) {
    const Value index_args[] = {*target, a[1]};
    Value element = index_value(index_args);
    if (!element.is_error()) return Value::optional_of(std::move(element));
    const ValueKind k = a[1].kind();
    if (k == ValueKind::kInt || k == ValueKind::kUint || k == ValueKind::kDouble) {
      return Value::optional_none();  // out of range
    }
    return element;
  }
  return no_overload("_[?_]", a);
}

void register_optionals(FunctionRegistry& r) {
  r.add("optional.of", CallStyle::kGlobal, &of);
  r.add("optional.none", CallStyle::kGlobal, &none);
  r.add("optional.ofNonZeroValue", CallStyle::kGlobal, &of_non_zero_value);
  r.add("hasValue", CallStyle::kMember, &has_value);
  r.add("value", CallStyle::kMember, &value);
  r.add("orValue", CallStyle::kMember, &or_value);
  r.add("or", CallStyle::kMember, &or_optional);
  r.add("_?._", CallStyle::kGlobal, &optional_select);
  r.add("_[?_]", CallStyle::kGlobal, &optional_index);
}

}  // namespace sluice::cel::detail
