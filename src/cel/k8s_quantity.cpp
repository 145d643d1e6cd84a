// Kubernetes' quantity library (k8s.io/apiserver/pkg/cel/library/quantity.go): quantity(),
// isQuantity() and the Quantity methods, over the exact Quantity type of quantity.h.
//
//   quantity(string) -> Quantity                 isQuantity(string) -> bool
//   q.sign() -> int (also sign(q))               q.isInteger() -> bool
//   q.asInteger() -> int                         q.asApproximateFloat() -> double
//   q.add(Quantity|int) -> Quantity              q.sub(Quantity|int) -> Quantity
//   q.compareTo(Quantity) -> int                 q.isLessThan(Quantity), q.isGreaterThan(Quantity)
//   q.mul(int) -> Quantity                       exact
//   q.div(int) -> Quantity                       rounded to the nearest nano, half away from zero
//   q.divInt(int) -> Quantity                    truncated toward zero to an integer
//   q.div(Quantity) -> double                    the ratio; the units cancel
//   q.divInt(Quantity) -> int                    how many whole times the divisor fits
//
// mul/div/divInt follow the newer upstream signatures (mul(int), div(int), divInt(int), all
// returning quantities); the two Quantity-divisor overloads are Sluice's, for capacity ratios
// ("memory.div(quantity('10Gi'))"). Division by zero is an error value, never a crash.
#include "cel/functions.h"
#include "cel/quantity.h"
#include "core/hash.h"

#include <array>
#include <memory>
#include <typeinfo>

namespace sluice::cel {
namespace {

class QuantityValue final : public OpaqueValue {
 public:
  explicit QuantityValue(const Quantity& q) : q_(q) {}
  std::string_view type_name() const override { return "kubernetes.Quantity"; }
  bool equals(const OpaqueValue& other) const override {
    return typeid(other) == typeid(QuantityValue) &&
           q_ == static_cast<const QuantityValue&>(other).q_;
  }
  std::string literal() const override { return "quantity(\"" + q_.to_string() + "\")"; }
  const Quantity& quantity() const { return q_; }

 private:
  Quantity q_;
};

}  // namespace

Value quantity_value(const Quantity& q) {
  return Value::opaque(std::make_shared<const QuantityValue>(q));
}

const Quantity* quantity_of(const Value& v) {
  if (v.kind() != ValueKind::kOpaque) return nullptr;
  const OpaqueValue& opaque = v.as_opaque();
  // typeid of a final class: cheaper than dynamic_cast, and compareTo runs per device.
  if (typeid(opaque) != typeid(QuantityValue)) return nullptr;
  return &static_cast<const QuantityValue&>(opaque).quantity();
}

namespace detail {
namespace {

Value from_result(Result<Quantity> r) {
  if (!r.ok()) return Value::error(std::move(r).error().message);
  return quantity_value(*r);
}

/// Selectors call quantity("40Gi") with a constant per evaluation: a small per-thread cache of
/// parsed values makes the repeat a lookup and a reference-count increment instead of a parse and
/// an allocation. Direct-mapped, fixed size, short texts only: memory stays bounded.
Value parse_quantity(const std::string& text) {
  constexpr std::size_t kSlots = 64;
  constexpr std::size_t kMaxCachedText = 32;
  struct Entry {
    std::string text;
    Value value;
  };
  if (text.size() > kMaxCachedText) return from_result(Quantity::parse(text));
  thread_local std::array<Entry, kSlots> cache;
  Entry& entry = cache[hash64(text) % kSlots];
  if (entry.value.kind() == ValueKind::kOpaque && entry.text == text) return entry.value;
  Value v = from_result(Quantity::parse(text));
  if (!v.is_error()) {
    entry.text.assign(text);
    entry.value = v;
  }
  return v;
}

Value quantity_fn(std::span<const Value> args) {
  if (args.size() != 1 || args[0].kind() != ValueKind::kString) {
    return no_overload("quantity", args);
  }
  return parse_quantity(args[0].as_string());
}

Value is_quantity(std::span<const Value> args) {
  if (args.size() != 1 || args[0].kind() != ValueKind::kString) {
    return no_overload("isQuantity", args);
  }
  return Value::boolean(Quantity::is_valid(args[0].as_string()));
}

/// The receiver of a one-argument method, or null when the call does not match.
const Quantity* unary(std::span<const Value> args) {
  return args.size() == 1 ? quantity_of(args[0]) : nullptr;
}

Value sign(std::span<const Value> args) {
  const Quantity* q = unary(args);
  return q ? Value::integer(q->sign()) : no_overload("sign", args);
}

Value is_integer(std::span<const Value> args) {
  const Quantity* q = unary(args);
  return q ? Value::boolean(q->as_int64().has_value()) : no_overload("isInteger", args);
}

Value as_integer(std::span<const Value> args) {
  const Quantity* q = unary(args);
  if (!q) return no_overload("asInteger", args);
  const auto v = q->as_int64();
  return v ? Value::integer(*v) : Value::error("cannot convert value to integer");
}

Value as_approximate_float(std::span<const Value> args) {
  const Quantity* q = unary(args);
  return q ? Value::floating(q->as_double()) : no_overload("asApproximateFloat", args);
}

/// `q.add(x)` / `q.sub(x)`: x is a quantity or an int; an int counts as a decimal-exponent
/// quantity, which is the format a zero receiver takes (as upstream: quantity("0").add(5000)
/// prints "5e3").
template <bool kAdd>
Value add_or_sub(std::span<const Value> args) {
  constexpr std::string_view kName = kAdd ? "add" : "sub";
  const Quantity* q = args.size() == 2 ? quantity_of(args[0]) : nullptr;
  if (!q) return no_overload(kName, args);
  Quantity operand;
  if (const Quantity* other = quantity_of(args[1])) {
    operand = *other;
  } else if (args[1].kind() == ValueKind::kInt) {
    operand = Quantity::from_int(args[1].as_int(), QuantityFormat::kDecimalExponent);
  } else {
    return no_overload(kName, args);
  }
  return from_result(kAdd ? q->add(operand) : q->sub(operand));
}

Value mul(std::span<const Value> args) {
  const Quantity* q = args.size() == 2 ? quantity_of(args[0]) : nullptr;
  if (!q || args[1].kind() != ValueKind::kInt) return no_overload("mul", args);
  return from_result(q->mul(args[1].as_int()));
}

Value div(std::span<const Value> args) {
  const Quantity* q = args.size() == 2 ? quantity_of(args[0]) : nullptr;
  if (!q) return no_overload("div", args);
  if (args[1].kind() == ValueKind::kInt) return from_result(q->div(args[1].as_int()));
  if (const Quantity* divisor = quantity_of(args[1])) {
    auto ratio = q->ratio(*divisor);
    return ratio.ok() ? Value::floating(*ratio) : Value::error(std::move(ratio).error().message);
  }
  return no_overload("div", args);
}

Value div_int(std::span<const Value> args) {
  const Quantity* q = args.size() == 2 ? quantity_of(args[0]) : nullptr;
  if (!q) return no_overload("divInt", args);
  if (args[1].kind() == ValueKind::kInt) return from_result(q->div_int(args[1].as_int()));
  if (const Quantity* divisor = quantity_of(args[1])) {
    auto times = q->div_int(*divisor);
    return times.ok() ? Value::integer(*times) : Value::error(std::move(times).error().message);
  }
  return no_overload("divInt", args);
}

// compareTo, isLessThan and isGreaterThan are also Semver methods (k8s_semver.cpp): a receiver
// that is not a quantity is "no such overload", so the registry tries the next library.
template <int kWhich>
Value comparison(std::span<const Value> args) {
  constexpr std::array<std::string_view, 3> kNames = {"compareTo", "isLessThan", "isGreaterThan"};
  const Quantity* a = args.size() == 2 ? quantity_of(args[0]) : nullptr;
  const Quantity* b = a ? quantity_of(args[1]) : nullptr;
  if (!a || !b) return no_overload(kNames[kWhich], args);
  const int order = a->compare(*b);
  if constexpr (kWhich == 0) return Value::integer(order);
  if constexpr (kWhich == 1) return Value::boolean(order < 0);
  return Value::boolean(order > 0);
}

}  // namespace

void register_quantity(FunctionRegistry& r) {
  r.add("quantity", CallStyle::kGlobal, &quantity_fn);
  r.add("isQuantity", CallStyle::kGlobal, &is_quantity);
  // Upstream declares sign as a global overload; its docs call it as a method. Accept both.
  r.add("sign", CallStyle::kGlobal, &sign);
  r.add("sign", CallStyle::kMember, &sign);
  r.add("isInteger", CallStyle::kMember, &is_integer);
  r.add("asInteger", CallStyle::kMember, &as_integer);
  r.add("asApproximateFloat", CallStyle::kMember, &as_approximate_float);
  r.add("add", CallStyle::kMember, &add_or_sub<true>);
  r.add("sub", CallStyle::kMember, &add_or_sub<false>);
  r.add("mul", CallStyle::kMember, &mul);
  r.add("div", CallStyle::kMember, &div);
  r.add("divInt", CallStyle::kMember, &div_int);
  r.add("compareTo", CallStyle::kMember, &comparison<0>);
  r.add("isLessThan", CallStyle::kMember, &comparison<1>);
  r.add("isGreaterThan", CallStyle::kMember, &comparison<2>);
}

}  // namespace detail
}  // namespace sluice::cel
