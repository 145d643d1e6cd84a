// Internal to src/cel: the built-in functions and operators, called by the evaluator with their
// arguments already evaluated (the logical operators, `?:` and macros are handled by the
// evaluator itself because they must not evaluate every argument).
#pragma once

#include "cel/value.h"

#include <span>
#include <string_view>

namespace sluice::cel::detail {

/// Calls `name` (an operator such as `_+_`, or a function) on `args`; a member call
/// (`target.f(a)`) passes the target as args[0] and member = true. An error value when no
/// overload matches the argument kinds or the function fails. Argument errors must be handled
/// by the caller (they propagate without a call).
Value call_builtin(std::string_view name, bool member, std::span<const Value> args);

}  // namespace sluice::cel::detail
