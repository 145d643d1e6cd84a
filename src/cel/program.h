// A compiled CEL expression and its evaluation against variables (an Activation).
//
//   auto program = cel::Program::compile("device.driver == 'gpu.nvidia.com'");
//   cel::MapActivation vars;
//   vars.set("device", device_value);
//   cel::Value result = program->evaluate(vars);   // a bool, or an error value
//
// Evaluation never throws and never crashes on any input: every failure (unknown variable, no
// such key, overflow, division by zero, no matching overload, cost budget exhausted) is an error
// value, which `&&`, `||` and `?:` absorb as cel-spec's langdef "Logical operators" requires.
#pragma once

#include "cel/ast.h"
#include "cel/parser.h"
#include "cel/value.h"
#include "core/result.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::cel {

namespace detail {
struct NodeInfo;
}

/// Variables visible to an evaluation.
class Activation {
 public:
  virtual ~Activation() = default;
  /// The value of variable `name`, or null if it is not bound.
  virtual const Value* find(std::string_view name) const = 0;
  /// Whether some variable names contain a dot (`a.b`), which `a.b` must then find before it
  /// selects field `b` of `a`. False saves a lookup per field selection.
  virtual bool has_qualified_names() const { return true; }
};

/// An Activation backed by a map, for tests, the CLI and simple callers.
class MapActivation final : public Activation {
 public:
  void set(std::string name, Value value);
  const Value* find(std::string_view name) const override;
  bool has_qualified_names() const override { return qualified_names_; }

 private:
  std::map<std::string, Value, std::less<>> vars_;
  bool qualified_names_ = false;
};

struct EvalOptions {
  /// Runtime cost budget: every evaluated node and comprehension step costs 1, and a function
  /// call also costs the size of its arguments (list and map elements, 64-byte units of strings).
  /// Exceeding it stops the evaluation with an error (Kubernetes uses 1,000,000 per selector
  /// evaluation).
  std::uint64_t cost_limit = 1'000'000;
};

class Program {
 public:
  /// Parses `source` (see ParseOptions for the limits). Errors are kInvalidArgument with the
  /// line and column. `container` is the namespace names resolve in (cel-spec "Name
  /// Resolution"): in container `a.b`, `x` means `a.b.x`, else `a.x`, else `x`; `.x` means `x`.
  static Result<Program> compile(std::string_view source, const ParseOptions& options = {},
                                 std::string container = {});

  /// The result value, or an error value.
  Value evaluate(const Activation& vars, const EvalOptions& options = {}) const;

  const Expr& root() const { return *root_; }

 private:
  Program(ExprPtr root, std::shared_ptr<const std::vector<detail::NodeInfo>> plan,
          std::string container)
      : root_(std::move(root)), plan_(std::move(plan)), container_(std::move(container)) {}
  std::shared_ptr<const Expr> root_;
  /// What compile() resolved per node (functions, folded constants); see plan.h.
  std::shared_ptr<const std::vector<detail::NodeInfo>> plan_;
  std::string container_;
};

}  // namespace sluice::cel
