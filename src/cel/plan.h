// Internal to src/cel: what Program::compile() works out once so that evaluation does not: the
// built-in each call resolves to, constant subexpressions folded into values, field names as
// ready-made map keys, and the dotted names a selection chain could mean.
#pragma once

#include "cel/ast.h"
#include "cel/functions.h"

#include <string>
#include <vector>

namespace sluice::cel::detail {

/// Operators the evaluator runs itself on borrowed operands, without copying them into an
/// argument list.
enum class Operator : std::uint8_t {
  kNone,
  kRelation,  ///< `==`, `!=`, `<`, `<=`, `>`, `>=`
  kIndex,     ///< `_[_]`
};

struct NodeInfo {
  /// kCall: an operator the evaluator handles inline (it still has `fn` for the general case).
  Operator op = Operator::kNone;
  /// kCall: the built-in the call resolves to (null for the evaluator's own operators, or when no
  /// function has the name: the call then fails with "no such overload").
  const Overloads* fns = nullptr;
  /// kCall: the target names a namespace (`sets.contains(a, b)`), it is not an argument.
  bool namespaced = false;
  /// The node's value never changes (a literal, or a call of built-ins on literals such as
  /// `quantity("40Gi")`): evaluation returns `value`.
  bool folded = false;
  /// The folded value; for kSelect, the field name as a string (the map key to look up).
  Value value;
  /// kSelect: the dotted name the chain spells (`a.b.c`), which may name a variable; empty when
  /// the chain is not a plain name.
  std::string qualified;
};

/// Per node, indexed by Expr::id.
using Plan = std::vector<NodeInfo>;

Plan make_plan(const Expr& root);

}  // namespace sluice::cel::detail
