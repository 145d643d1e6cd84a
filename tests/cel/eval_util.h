// Test helper: compile and evaluate an expression, rendering the result as its CEL literal, an
// "error: ..." line or a "parse error: ..." line, so tests compare one string.
#pragma once

#include "cel/program.h"

#include <string>
#include <string_view>

namespace sluice::cel::testing {

inline std::string eval(std::string_view source, const Activation& vars) {
  auto program = Program::compile(source);
  if (!program.ok()) return "parse error: " + program.error().message;
  const Value v = program->evaluate(vars);
  return v.is_error() ? "error: " + v.error_message() : to_literal(v);
}

inline std::string eval(std::string_view source) { return eval(source, MapActivation()); }

}  // namespace sluice::cel::testing
