// libFuzzer target: any byte string, as a CEL expression, must parse to an expression or a clean
// error, and evaluate to a value or an error value within the cost budget: never crash, never
// hang, never leak, never touch memory it does not own (ASan and UBSan watch).
#include "cel/program.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

const sluice::cel::MapActivation& variables() {
  static const sluice::cel::MapActivation vars = [] {
    using sluice::cel::Value;
    sluice::cel::MapActivation v;
    v.set("x", Value::integer(3));
    v.set("s", Value::string("gpu.nvidia.com"));
    v.set("l", Value::list({Value::integer(1), Value::floating(2.5), Value::string("a")}));
    v.set("m", Value::map({{Value::string("k"), Value::unsigned_integer(7)},
                           {Value::integer(1), Value::list({})}}));
    return v;
  }();
  return vars;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view source(reinterpret_cast<const char*>(data), size);
  sluice::cel::ParseOptions parse;
  parse.enable_macros = size == 0 || data[0] != '#';  // exercise the macro-free grammar too
  auto program = sluice::cel::Program::compile(source, parse, "ns");
  if (!program) return 0;
  sluice::cel::EvalOptions options;
  options.cost_limit = 20'000;  // bounded work per input keeps the fuzzer fast
  const sluice::cel::Value result = program->evaluate(variables(), options);
  (void)sluice::cel::to_literal(result);
  return 0;
}
