// Internal to src/cel: the built-in functions and operators, looked up by name in one registry and
// called by the evaluator with their arguments already evaluated and free of errors (the logical
// operators, `?:` and macros are handled by the evaluator itself because they must not evaluate
// every argument).
//
// Each library lives in its own file and registers its functions in its `register_*` function;
// registry.cpp calls them all once.
#pragma once

#include "cel/value.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sluice::cel::detail {

/// A built-in function: `args` are evaluated and none is an error. A member call
/// (`target.f(a)`) passes the target as args[0]. One Builtin serves every overload of its name
/// and call style: it checks the argument count and kinds itself and returns no_overload() when
/// none matches.
using Builtin = Value (*)(std::span<const Value> args);

enum class CallStyle : std::uint8_t {
  kGlobal,  ///< `f(a, b)`, including namespaced names such as `sets.contains(a, b)`
  kMember,  ///< `a.f(b)`
};

/// The built-ins registered under one name and call style, in registration order. Libraries
/// may share a name (`indexOf` on strings and on lists, `compareTo` on quantities and on
/// semvers): a call tries each until one accepts the arguments (see call_overloads()).
using Overloads = std::vector<Builtin>;

class FunctionRegistry {
 public:
  /// Adds `fn` to the overloads of `name` called in `style`.
  void add(std::string_view name, CallStyle style, Builtin fn);
  /// The overloads of `name` in `style`, or null when there are none. The pointer stays valid
  /// for the registry's lifetime once registration is over.
  const Overloads* find(std::string_view name, CallStyle style) const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, Overloads, Hash, std::equal_to<>> global_;
  std::unordered_map<std::string, Overloads, Hash, std::equal_to<>> member_;
};

/// Calls the first of `overloads` that accepts `args`: a result other than a "no such
/// overload" error ends the search.
Value call_overloads(const Overloads& overloads, std::span<const Value> args);

/// Every built-in of every library, registered on first use (thread-safe).
const FunctionRegistry& builtins();

// One registrar per library file.
void register_standard(FunctionRegistry& r);     // functions.cpp: operators, conversions, size, ...
void register_strings_ext(FunctionRegistry& r);  // strings_ext.cpp: cel-go's strings extension
void register_time(FunctionRegistry& r);         // time.cpp: timestamp(), duration(), getters
void register_optionals(FunctionRegistry& r);    // optionals.cpp: optional.of, orValue, ...
void register_regex(FunctionRegistry& r);        // regex.cpp: matches, find, findAll (RE2)
void register_quantity(FunctionRegistry& r);     // k8s_quantity.cpp: quantity(), isQuantity, ...
void register_semver(FunctionRegistry& r);       // k8s_semver.cpp: semver(), isSemver, ...
void register_k8s_lists(FunctionRegistry& r);    // k8s_lists.cpp: isSorted, sum, min, max, ...
void register_k8s_sets(FunctionRegistry& r);     // k8s_sets.cpp: sets.contains, ...

/// The error for a call that matches no overload: `no such overload: name(int, string)`.
Value no_overload(std::string_view name, std::span<const Value> args);

/// `_==_`, `_!=_`, `_<_`, `_<=_`, `_>_`, `_>=_` (named by `op`) on two values: the built-in
/// and the evaluator's inline form on borrowed operands share it.
Value relation(std::string_view op, const Value& a, const Value& b);

/// `l[i]` / `m[k]` (the `_[_]` operator); indexing an optional indexes its value, as `[?]` does.
Value index_value(std::span<const Value> args);

/// Field selection through an optional (optionals.cpp): `x.?f`, and `opt.f` when `x` is an
/// optional: an empty optional selects to an empty optional (or false for `has()`); a present
/// map value to optional.of(its field) or optional.none() when the key is absent.
Value select_through_optional(const Value& operand, std::string_view field, bool test_only);

/// `x[?k]` (optionals.cpp): the element of a list or map, or of an optional's value, as an
/// optional; empty when the index is out of range or the key absent.
Value optional_index(std::span<const Value> args);

/// Timestamp and duration arithmetic for `_+_` and `_-_` (op is '+' or '-'), defined in
/// time.cpp: empty when neither operand is a timestamp or duration.
std::optional<Value> time_arithmetic(char op, std::span<const Value> args);

/// Conversions of and to timestamps and durations (`string(t)`, `int(t)`, ...; `to` is the
/// conversion's name), defined in time.cpp: empty when `v` is not a time value.
std::optional<Value> time_conversion(std::string_view to, const Value& v);

}  // namespace sluice::cel::detail
