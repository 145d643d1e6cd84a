// CEL device selectors (DeviceClass `spec.selectors[].cel.expression` and a request's
// `selectors`), with Kubernetes' semantics (reference §2 of dra-anchors.md):
//
//   - a selector evaluates to true or false; a runtime error (no such key, no matching overload,
//     cost limit) or a result that is not a bool is an ERROR, which aborts the allocation
//     (Kubernetes: "claim <ns>/<name>: selector #<i>: CEL runtime error: ..."). It is never
//     silently false, because that would change which pods schedule.
//   - `device.attributes[<domain the device lacks>]` (and `device.capacity[...]`) is an empty map,
//     so `has(device.attributes["x"].y)` is false while `device.attributes["x"].y` is an error.
//   - each evaluation may cost at most 1,000,000 (CELSelectorExpressionMaxCost); expressions are
//     at most 10 KiB (CELSelectorExpressionMaxLength).
//
// Known difference, forced by the CEL engine having no map-with-default hook: the empty map is
// supplied for every domain a selector names literally (`attributes["d"]`, `attributes.d`,
// `attributes[?"d"]`, `attributes.?d`); a domain computed at run time
// (`device.attributes[device.driver]`) that the device lacks is "no such key" instead.
//
//   SelectorCache cache;                       // one per allocation run (or longer)
//   auto sel = cache.get_or_compile(expr);     // compile errors name the problem
//   SelectorMemo memo;                         // one per allocation run
//   Result<bool> ok = memo.match(**sel, view);
#pragma once

#include "cel/program.h"
#include "core/result.h"
#include "dra/device_view.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sluice::dra {

/// Kubernetes' CELSelectorExpressionMaxLength.
inline constexpr std::size_t kSelectorMaxLength = 10 * 1024;
/// Kubernetes' CELSelectorExpressionMaxCost, per evaluation.
inline constexpr std::uint64_t kSelectorMaxCost = 1'000'000;

/// One selector expression, compiled once and evaluated against many devices. Immutable, so
/// safe to share across threads.
class CompiledSelector {
 public:
  /// Compiles `expression`. Errors (kInvalidArgument) are syntax errors with line:column, an
  /// empty expression or one over kSelectorMaxLength.
  static Result<CompiledSelector> compile(std::string_view expression);

  /// Whether `device` matches: true or false, or an error (kInvalidArgument) whose message
  /// starts "CEL runtime error: " (a runtime error, a non-bool result, or a device whose
  /// attributes cannot be shown to CEL).
  Result<bool> match(const DeviceView& device) const;

  const std::string& expression() const { return expression_; }
  /// The attribute and capacity domains the expression names literally (see the file comment).
  const std::vector<std::string>& attribute_domains() const { return attribute_domains_; }
  const std::vector<std::string>& capacity_domains() const { return capacity_domains_; }

 private:
  CompiledSelector(cel::Program program, std::string expression)
      : program_(std::move(program)), expression_(std::move(expression)) {}

  cel::Program program_;
  std::string expression_;
  std::vector<std::string> attribute_domains_;
  std::vector<std::string> capacity_domains_;
};

using SelectorPtr = std::shared_ptr<const CompiledSelector>;

/// Compiled selectors keyed by expression text, shared by all claims and classes of an
/// allocation (Kubernetes' cel.Cache). Thread-safe; lookups take a short lock, evaluations none.
class SelectorCache {
 public:
  /// The compiled selector for `expression`, compiling it on first use. Compile errors are not
  /// cached: they abort the caller anyway.
  Result<SelectorPtr> get_or_compile(std::string_view expression);
  std::size_t size() const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  mutable std::mutex mu_;
  std::unordered_map<std::string, SelectorPtr, Hash, std::equal_to<>> selectors_;
};

/// (device, selector) results within one allocation run: selector results do not depend on what
/// is already allocated, so each pair is evaluated once (Kubernetes memoizes the same way). Not
/// thread-safe: one per run. Keys are addresses, so the views and selectors must outlive it.
class SelectorMemo {
 public:
  /// CompiledSelector::match, remembered. Errors are not remembered (they end the run).
  Result<bool> match(const CompiledSelector& selector, const DeviceView& device);
  std::size_t evaluations() const { return evaluations_; }

 private:
  struct PairHash {
    std::size_t operator()(const std::pair<const void*, const void*>& p) const;
  };
  std::unordered_map<std::pair<const void*, const void*>, bool, PairHash> results_;
  std::size_t evaluations_ = 0;
};

/// Whether `device` matches every one of `selectors` (empty: true), stopping at the first false.
/// An error is prefixed with `owner` and the selector's 0-based index as Kubernetes reports it:
/// "claim default/c1: selector #1: CEL runtime error: no such key: model". `memo` may be null;
/// `false_index`, when given, receives the index of the selector that was false.
Result<bool> selectors_match(std::string_view owner, std::span<const SelectorPtr> selectors,
                             const DeviceView& device, SelectorMemo* memo,
                             std::size_t* false_index = nullptr);

}  // namespace sluice::dra
