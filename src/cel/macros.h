// Internal to src/cel: building AST nodes, and the macro expansions of cel-spec's langdef
// ("Macros") and of the extensions Kubernetes enables (two-variable comprehensions, cel.bind,
// optMap/optFlatMap), as the parser applies them.
#pragma once

#include "cel/ast.h"
#include "core/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace sluice::cel::detail {

class NodeFactory {
 public:
  ExprPtr make(ExprKind kind, SourcePosition at);
  ExprPtr null_constant(SourcePosition at);
  ExprPtr bool_constant(SourcePosition at, bool value);
  ExprPtr int_constant(SourcePosition at, std::int64_t value);
  ExprPtr uint_constant(SourcePosition at, std::uint64_t value);
  ExprPtr double_constant(SourcePosition at, double value);
  ExprPtr string_constant(SourcePosition at, std::string value);
  ExprPtr bytes_constant(SourcePosition at, std::string value);
  ExprPtr ident(SourcePosition at, std::string name);
  ExprPtr select(SourcePosition at, ExprPtr operand, std::string field);
  ExprPtr call(SourcePosition at, std::string function, ExprPtr target, std::vector<ExprPtr> args);
  ExprPtr list(SourcePosition at, std::vector<ExprPtr> elements);

  template <typename... E>
  static std::vector<ExprPtr> list_of(E&&... e) {
    std::vector<ExprPtr> out;
    out.reserve(sizeof...(e));
    (out.push_back(std::forward<E>(e)), ...);
    return out;
  }

 private:
  std::uint32_t next_id_ = 1;
};

/// has(a.b) -> a presence-testing selection. Errors if the argument is not a field selection.
Result<ExprPtr> expand_has(std::vector<ExprPtr>& args);

/// target.all/exists/exists_one/existsOne/map/filter/transformList/transformMap(...),
/// cel.bind(...), target.optMap/optFlatMap(...). Returns null (no error) when `function` with
/// this many arguments is not a macro; then `target` and `args` are left untouched.
Result<ExprPtr> expand_receiver_macro(NodeFactory& nodes, SourcePosition at, ExprPtr& target,
                                      const std::string& function, std::vector<ExprPtr>& args);

}  // namespace sluice::cel::detail
