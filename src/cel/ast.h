// The parsed form of a CEL expression, in the shape of cel-spec's syntax.proto `Expr`: constants,
// identifiers, field selections, calls (operators are calls with their canonical names such as
// `_+_`), list/map/message literals and comprehensions. Macros (`has`, `all`, `exists`,
// `exists_one`, `map`, `filter`, their two-variable forms and `cel.bind`) are already expanded
// into selections and comprehensions by the parser, as cel-go does, so the evaluator has no
// macro logic.
#pragma once

#include "cel/lexer.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sluice::cel {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Constant {
  enum class Kind : std::uint8_t { kNull, kBool, kInt, kUint, kDouble, kString, kBytes };
  Kind kind = Kind::kNull;
  bool bool_value = false;
  std::int64_t int_value = 0;
  std::uint64_t uint_value = 0;
  double double_value = 0;
  std::string text;  ///< kString (UTF-8) or kBytes
};

enum class ExprKind : std::uint8_t {
  kConstant,
  kIdent,
  kSelect,
  kCall,
  kList,
  kMap,
  kStruct,
  kComprehension,
};

/// One entry of a map literal (key + value) or a message literal (field + value).
struct Entry {
  ExprPtr key;        ///< maps
  std::string field;  ///< messages
  ExprPtr value;
  bool optional = false;  ///< `?key: value`: skipped when the value is an empty optional
};

struct Expr {
  ExprKind kind = ExprKind::kConstant;
  std::uint32_t id = 0;  ///< unique within one parse, in creation order
  SourcePosition position;

  Constant constant;  ///< kConstant
  /// kIdent: the name; kSelect: the field; kCall: the function; kStruct: the message type name.
  std::string name;
  /// kSelect: the operand; kCall: the receiver of a member call (`x.f()`), null for a global call.
  ExprPtr target;
  bool test_only = false;     ///< kSelect made by has(): presence test, not a read
  std::vector<ExprPtr> args;  ///< kCall: arguments; kList: elements
  std::vector<std::uint32_t> optional_indices;  ///< kList: elements written `?e`
  std::vector<Entry> entries;                   ///< kMap, kStruct

  // kComprehension (see cel-spec langdef "Macros"): for each element (or index/key and value with
  // iter_var2) of iter_range, while loop_condition holds, accu_var = loop_step; then result.
  std::string iter_var;
  std::string iter_var2;  ///< empty for one-variable comprehensions
  std::string accu_var;
  ExprPtr iter_range;
  ExprPtr accu_init;
  ExprPtr loop_condition;
  ExprPtr loop_step;
  ExprPtr result;
};

/// Calls `visit(child)` with each direct child of `e` (operand, arguments, map and message
/// entries, comprehension parts): the one place that knows where an Expr keeps its children.
template <typename Visit>
void for_each_child(const Expr& e, Visit&& visit) {
  const auto child = [&visit](const ExprPtr& c) {
    if (c) visit(*c);
  };
  child(e.target);
  for (const ExprPtr& arg : e.args) child(arg);
  for (const Entry& entry : e.entries) {
    child(entry.key);
    child(entry.value);
  }
  child(e.iter_range);
  child(e.accu_init);
  child(e.loop_condition);
  child(e.loop_step);
  child(e.result);
}

/// The accumulator variable of the expanded macros; not a valid identifier, so user code cannot
/// name it.
inline constexpr std::string_view kAccumulatorVar = "@result";

}  // namespace sluice::cel

namespace sluice::cel {

/// A compact, unambiguous rendering for tests and debugging: constants as CEL literals, calls as
/// `name(args)` (member calls `target.name(args)`), selections `a.b` (`has(a.b)` when test-only),
/// lists `[..]`, maps `{k: v}`, messages `T{f: v}`, comprehensions
/// `__comprehension__(var, [var2,] range, accu, init, condition, step, result)`.
std::string debug_string(const Expr& e);

}  // namespace sluice::cel
