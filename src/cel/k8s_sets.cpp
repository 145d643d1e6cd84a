// cel-go's sets extension (ext.Sets, which Kubernetes enables): sets.contains(a, b),
// sets.equivalent(a, b) and sets.intersects(a, b) over lists, with CEL equality (1 == 1u == 1.0,
// lists and maps element-wise).
//
// Small inputs are compared pairwise without allocating. Larger ones index one list by a hash
// that agrees with CEL equality (numbers hash by their value as a double, so 1, 1u and 1.0
// collide on purpose) and probe it with the other, so the work is O((n + m) log n) instead of
// O(n * m); identical duplicates are dropped from the index. Equality is not transitive across
// numeric kinds beyond 2^53 (two ints can both equal one double), so a bucket can still hold
// distinct hash-equal values (as can values nested deeper than the hash looks, or extension
// values, which hash by type): a fixed budget of element comparisons bounds that and any other
// worst case, and running out of it is an error.
#include "cel/functions.h"
#include "core/hash.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::cel::detail {
namespace {

/// Below this many pairs the quadratic scan is cheaper than building an index.
constexpr std::size_t kPairwiseLimit = 256;
/// Element comparisons one call may make, as Kubernetes' per-evaluation cost budget allows.
constexpr std::uint64_t kComparisonBudget = 1'000'000;
/// Nesting beyond which composite values hash by kind and size alone (their buckets then fall
/// back to comparisons, which the budget bounds), so hashing deep inputs stays shallow.
constexpr int kMaxHashDepth = 32;

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  std::uint64_t state = h ^ (v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2));
  return splitmix64(state);
}

std::uint64_t hash_number(double d) {
  if (d == 0) d = 0;  // -0.0 == 0.0
  return mix(1, std::bit_cast<std::uint64_t>(d));
}

/// A hash consistent with CEL equality: equal values hash alike.
std::uint64_t hash_value(const Value& v, int depth) {
  const auto kind = static_cast<std::uint64_t>(v.kind());
  switch (v.kind()) {
    case ValueKind::kInt:
      return hash_number(static_cast<double>(v.as_int()));
    case ValueKind::kUint:
      return hash_number(static_cast<double>(v.as_uint()));
    case ValueKind::kDouble:
      return hash_number(v.as_double());
    case ValueKind::kBool:
      return mix(kind, v.as_bool() ? 1 : 0);
    case ValueKind::kString:
    case ValueKind::kBytes:
      return mix(kind, hash64(v.as_string()));
    case ValueKind::kType:
      return mix(kind, hash64(v.type_name()));
    case ValueKind::kTimestamp:
      return mix(mix(kind, static_cast<std::uint64_t>(v.as_timestamp().seconds)),
                 static_cast<std::uint64_t>(v.as_timestamp().nanos));
    case ValueKind::kDuration:
      return mix(mix(kind, static_cast<std::uint64_t>(v.as_duration().seconds)),
                 static_cast<std::uint64_t>(v.as_duration().nanos));
    case ValueKind::kList: {
      std::uint64_t h = mix(kind, v.as_list().size());
      if (depth >= kMaxHashDepth) return h;
      for (const Value& e : v.as_list()) h = mix(h, hash_value(e, depth + 1));
      return h;
    }
    case ValueKind::kMap: {
      // Entry order does not matter to map equality: combine entries commutatively.
      std::uint64_t sum = 0;
      if (depth < kMaxHashDepth) {
        for (const auto& [key, value] : v.as_map()) {
          sum += mix(hash_value(key, depth + 1), hash_value(value, depth + 1));
        }
      }
      return mix(mix(kind, v.as_map().size()), sum);
    }
    case ValueKind::kOptional: {
      const Value* inner = v.optional_value();
      if (inner == nullptr || depth >= kMaxHashDepth) return mix(kind, inner == nullptr);
      return mix(kind, hash_value(*inner, depth + 1));
    }
    case ValueKind::kOpaque:
      // Equality is the type's own (a Semver ignores build metadata): hash the type only.
      return mix(kind, hash64(v.as_opaque().type_name()));
    default:  // null, error
      return kind;
  }
}

/// Structural identity: same kinds all the way down and equal scalars, maps with the same entries
/// in the same order. Unlike CEL equality it is transitive (equality is not: 2^62 + 1 and
/// 2^62 + 2 both equal the double 2^62), so dropping an element identical to a kept one cannot
/// change which values the list contains.
/// Beyond kMaxHashDepth levels it answers false, which only costs a kept duplicate.
bool identical(const Value& a, const Value& b, int depth = 0) {
  if (a.kind() != b.kind() || depth > kMaxHashDepth) return false;
  switch (a.kind()) {
    case ValueKind::kList: {
      const ValueList& x = a.as_list();
      const ValueList& y = b.as_list();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!identical(x[i], y[i], depth + 1)) return false;
      }
      return true;
    }
    case ValueKind::kMap: {
      const ValueMap& x = a.as_map();
      const ValueMap& y = b.as_map();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!identical(x[i].first, y[i].first, depth + 1) ||
            !identical(x[i].second, y[i].second, depth + 1)) {
          return false;
        }
      }
      return true;
    }
    case ValueKind::kOptional: {
      const Value* x = a.optional_value();
      const Value* y = b.optional_value();
      if (x == nullptr || y == nullptr) return x == y;
      return identical(*x, *y, depth + 1);
    }
    default:  // scalars of one kind; an extension type's own equality
      return equals(a, b);
  }
}

/// Whether a and b are lists (else the caller reports no_overload).
bool two_lists(std::span<const Value> a) {
  return a.size() == 2 && a[0].kind() == ValueKind::kList && a[1].kind() == ValueKind::kList;
}

/// Membership tests of values in one list, with a comparison budget shared by all probes.
class Membership {
 public:
  explicit Membership(const ValueList& haystack) : haystack_(haystack) {}

  /// Call once before probing when there will be `probes` probes.
  void prepare(std::size_t probes) {
    if (haystack_.size() <= kPairwiseLimit / std::max<std::size_t>(probes, 1)) return;
    index_.reserve(haystack_.size());
    for (std::size_t i = 0; i < haystack_.size(); ++i) {
      index_.emplace_back(hash_value(haystack_[i], 0), i);
    }
    std::sort(index_.begin(), index_.end());
    // Duplicates would make every probe of a hash-equal value walk all of them: keep one.
    index_.erase(std::unique(index_.begin(), index_.end(),
                             [this](const auto& x, const auto& y) {
                               return x.first == y.first &&
                                      identical(haystack_[x.second], haystack_[y.second]);
                             }),
                 index_.end());
  }

  /// Whether `needle` equals an element; empty when the comparison budget ran out.
  std::optional<bool> contains(const Value& needle) {
    if (index_.empty()) {
      for (const Value& v : haystack_) {
        if (!spend()) return std::nullopt;
        if (equals(v, needle)) return true;
      }
      return false;
    }
    const std::uint64_t h = hash_value(needle, 0);
    auto it = std::lower_bound(index_.begin(), index_.end(), std::make_pair(h, std::size_t{0}));
    for (; it != index_.end() && it->first == h; ++it) {
      if (!spend()) return std::nullopt;
      if (equals(haystack_[it->second], needle)) return true;
    }
    return false;
  }

 private:
  bool spend() { return ++comparisons_ <= kComparisonBudget; }

  const ValueList& haystack_;
  std::vector<std::pair<std::uint64_t, std::size_t>> index_;
  std::uint64_t comparisons_ = 0;
};

Value budget_error(std::string_view fn) {
  return Value::error(std::string(fn) + ": too many element comparisons (limit " +
                      std::to_string(kComparisonBudget) + ")");
}

/// Every element of `sub` is in `list`: true, false, or a budget error.
Value contains_all(std::string_view fn, const ValueList& list, const ValueList& sub) {
  if (sub.empty()) return Value::boolean(true);
  Membership m(list);
  m.prepare(sub.size());
  for (const Value& v : sub) {
    const auto found = m.contains(v);
    if (!found) return budget_error(fn);
    if (!*found) return Value::boolean(false);
  }
  return Value::boolean(true);
}

Value sets_contains(std::span<const Value> a) {
  if (!two_lists(a)) return no_overload("sets.contains", a);
  return contains_all("sets.contains", a[0].as_list(), a[1].as_list());
}

Value sets_equivalent(std::span<const Value> a) {
  if (!two_lists(a)) return no_overload("sets.equivalent", a);
  Value forward = contains_all("sets.equivalent", a[0].as_list(), a[1].as_list());
  if (forward.is_error() || !forward.as_bool()) return forward;
  return contains_all("sets.equivalent", a[1].as_list(), a[0].as_list());
}

Value sets_intersects(std::span<const Value> a) {
  if (!two_lists(a)) return no_overload("sets.intersects", a);
  const ValueList& x = a[0].as_list();
  const ValueList& y = a[1].as_list();
  if (x.empty() || y.empty()) return Value::boolean(false);
  // Index the longer list and probe with the shorter one.
  const ValueList& haystack = x.size() >= y.size() ? x : y;
  const ValueList& needles = x.size() >= y.size() ? y : x;
  Membership m(haystack);
  m.prepare(needles.size());
  for (const Value& v : needles) {
    const auto found = m.contains(v);
    if (!found) return budget_error("sets.intersects");
    if (*found) return Value::boolean(true);
  }
  return Value::boolean(false);
}

}  // namespace

void register_k8s_sets(FunctionRegistry& r) {
  r.add("sets.contains", CallStyle::kGlobal, sets_contains);
  r.add("sets.equivalent", CallStyle::kGlobal, sets_equivalent);
  r.add("sets.intersects", CallStyle::kGlobal, sets_intersects);
}

}  // namespace sluice::cel::detail
