// `sluice cel eval EXPR [--var NAME=JSON ...]`: evaluates one CEL expression and prints the
// result in CEL literal syntax, for trying out DRA selectors and routing rules by hand.
#include "cel/program.h"
#include "cli/commands.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <iostream>
#include <string>
#include <vector>

namespace sluice::cli {
namespace {

constexpr const char* kEvalHelp =
    R"(Evaluate a CEL expression and print the result as a CEL literal.

Variables are given as JSON: numbers without a fraction or exponent become int (or uint above
int64), other numbers double; objects become maps with string keys.

Exit status: 0 with the value on stdout; 1 when parsing or evaluation fails (the error and its
line:column on stderr); 2 on invalid flags or variables.

Examples:
  sluice cel eval '1 + 2 * 3'
  sluice cel eval 'x.name.startsWith("gpu") && x.count > 2' --var 'x={"name":"gpu-0","count":4}'
  sluice cel eval 'quantity("40Gi").isGreaterThan(quantity("32Gi"))'
  sluice cel eval 'devices.filter(d, d.memory >= 80).map(d, d.name)' \
      --var 'devices=[{"name":"a","memory":80},{"name":"b","memory":40}]')";

cel::Value from_json(const boost::json::value& j) {
  switch (j.kind()) {
    case boost::json::kind::null:
      return cel::Value::null();
    case boost::json::kind::bool_:
      return cel::Value::boolean(j.get_bool());
    case boost::json::kind::int64:
      return cel::Value::integer(j.get_int64());
    case boost::json::kind::uint64:
      return cel::Value::unsigned_integer(j.get_uint64());
    case boost::json::kind::double_:
      return cel::Value::floating(j.get_double());
    case boost::json::kind::string:
      return cel::Value::string(std::string(j.get_string()));
    case boost::json::kind::array: {
      cel::ValueList elements;
      elements.reserve(j.get_array().size());
      for (const auto& e : j.get_array()) elements.push_back(from_json(e));
      return cel::Value::list(std::move(elements));
    }
    case boost::json::kind::object: {
      cel::ValueMap entries;
      entries.reserve(j.get_object().size());
      for (const auto& [key, value] : j.get_object()) {
        entries.emplace_back(cel::Value::string(std::string(key)), from_json(value));
      }
      return cel::Value::map(std::move(entries));
    }
  }
  return cel::Value::null();
}

struct EvalFlags {
  std::string expression;
  std::vector<std::string> vars;
  std::string container;
  std::uint64_t cost_limit = cel::EvalOptions{}.cost_limit;
};

int run_eval(const EvalFlags& flags) {
  cel::MapActivation vars;
  for (const std::string& assignment : flags.vars) {
    const std::size_t eq = assignment.find('=');
    if (eq == 0 || eq == std::string::npos) {
      std::cerr << "sluice cel eval: --var '" << assignment << "' is not NAME=JSON\n";
      return 2;
    }
    boost::system::error_code ec;
    const boost::json::value json = boost::json::parse(assignment.substr(eq + 1), ec);
    if (ec) {
      std::cerr << "sluice cel eval: --var " << assignment.substr(0, eq)
                << ": invalid JSON: " << ec.message() << "\n";
      return 2;
    }
    vars.set(assignment.substr(0, eq), from_json(json));
  }
  auto program = cel::Program::compile(flags.expression, {}, flags.container);
  if (!program) {
    std::cerr << "sluice cel eval: syntax error at " << program.error().message << "\n";
    return 1;
  }
  cel::EvalOptions options;
  options.cost_limit = flags.cost_limit;
  const cel::Value result = program->evaluate(vars, options);
  if (result.is_error()) {
    const cel::EvalError& error = result.as_error();
    std::cerr << "sluice cel eval: error";
    if (error.line != 0) std::cerr << " at " << error.line << ':' << error.column;
    std::cerr << ": " << error.message << "\n";
    return 1;
  }
  std::cout << cel::to_literal(result) << "\n";
  return 0;
}

}  // namespace

Runner add_cel_command(CLI::App& app) {
  CLI::App* cel = app.add_subcommand("cel", "Common Expression Language tools");
  cel->require_subcommand(1);
  CLI::App* eval = cel->add_subcommand("eval", "Evaluate a CEL expression");
  eval->footer(kEvalHelp);
  auto flags = std::make_shared<EvalFlags>();
  eval->add_option("expression", flags->expression, "The CEL expression")->required();
  eval->add_option("--var", flags->vars, "A variable: NAME=JSON (repeatable)");
  eval->add_option("--container", flags->container,
                   "Namespace that names resolve in (cel-spec name resolution)");
  eval->add_option("--cost-limit", flags->cost_limit, "Runtime cost budget")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  return [flags] { return run_eval(*flags); };
}

}  // namespace sluice::cli
