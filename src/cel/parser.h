// CEL parser: the full grammar of cel-spec's langdef.md (precedence and associativity of every
// operator, member/index/call, list/map/message literals, the optional-syntax forms `.?f`, `[?i]`,
// `[?e]`, `{?k: v}`) with macro expansion. Recursive descent over the lexer's tokens; no
// backtracking, so parsing is linear in the input.
#pragma once

#include "cel/ast.h"
#include "core/result.h"

#include <cstddef>
#include <string_view>

namespace sluice::cel {

struct ParseOptions {
  /// Expressions longer than this are rejected before lexing (Kubernetes allows 10 KiB per
  /// expression; the default leaves room for generated ones).
  std::size_t max_expression_bytes = 100 * 1024;
  /// Nesting limit of the recursive descent (parentheses, calls, literals, unary chains): bounds
  /// the parser's and the evaluator's stack use on hostile input.
  int max_depth = 250;
  /// Expand has(), all(), exists(), exists_one(), map(), filter(), the two-variable forms and
  /// cel.bind(). Without macros they parse as plain calls.
  bool enable_macros = true;
};

/// The root expression, or kInvalidArgument with "line:column: message" of the first error.
Result<ExprPtr> parse(std::string_view source, const ParseOptions& options = {});

}  // namespace sluice::cel
