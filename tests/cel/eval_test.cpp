// Evaluation: arithmetic with overflow errors, cross-numeric comparisons, error absorption by the
// logical operators, containers, macros, conversions, variables and the cost budget.
#include "cel/eval_util.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::cel {
namespace {

using testing::eval;

TEST(CelEval, Arithmetic) {
  EXPECT_EQ(eval("1 + 2 * 3"), "7");
  EXPECT_EQ(eval("7 / 2"), "3");
  EXPECT_EQ(eval("-7 % 3"), "-1");
  EXPECT_EQ(eval("2u * 3u"), "6u");
  EXPECT_EQ(eval("1.5 + 1.0"), "2.5");
  EXPECT_EQ(eval("'ab' + 'c'"), R"("abc")");
  EXPECT_EQ(eval("[1] + [2, 3]"), "[1, 2, 3]");
  EXPECT_EQ(eval("9223372036854775807 + 1"), "error: return error for overflow");
  EXPECT_EQ(eval("-9223372036854775808 / -1"), "error: return error for overflow");
  EXPECT_EQ(eval("0u - 1u"), "error: return error for overflow");
  EXPECT_EQ(eval("1 / 0"), "error: division by zero");
  EXPECT_EQ(eval("1 % 0"), "error: modulus by zero");
  EXPECT_EQ(eval("1 + 1u"), "error: no such overload: _+_(int, uint)");
}

TEST(CelEval, ComparisonsAcrossNumericKinds) {
  EXPECT_EQ(eval("1 == 1.0"), "true");
  EXPECT_EQ(eval("1u < 2"), "true");
  EXPECT_EQ(eval("-1 < 0u"), "true");
  EXPECT_EQ(eval("'a' < 'b'"), "true");
  EXPECT_EQ(eval("1 == 'a'"), "false");
  EXPECT_EQ(eval("1 < 'a'"), "error: no such overload: _<_(int, string)");
  EXPECT_EQ(eval("[1, 2] == [1, 2.0]"), "true");
  EXPECT_EQ(eval("{'a': 1} == {'a': 1u}"), "true");
}

TEST(CelEval, LogicalOperatorsAbsorbErrors) {
  EXPECT_EQ(eval("false && (1 / 0 == 1)"), "false");
  EXPECT_EQ(eval("(1 / 0 == 1) && false"), "false");
  EXPECT_EQ(eval("(1 / 0 == 1) || true"), "true");
  EXPECT_EQ(eval("true && (1 / 0 == 1)"), "error: division by zero");
  EXPECT_EQ(eval("true || 1"), "true");
  EXPECT_EQ(eval("false || 1"), "error: no matching overload for '_||_'");
  EXPECT_EQ(eval("1 / 0 == 1 ? 1 : 2"), "error: division by zero");
  EXPECT_EQ(eval("true ? 1 : 1 / 0"), "1");
  EXPECT_EQ(eval("!true"), "false");
}

TEST(CelEval, ContainersIndexingAndMembership) {
  EXPECT_EQ(eval("[1, 2, 3][1]"), "2");
  EXPECT_EQ(eval("[1, 2, 3][3]"), "error: index out of range: 3");
  EXPECT_EQ(eval("{'a': 1}['a']"), "1");
  EXPECT_EQ(eval("{'a': 1}['b']"), R"(error: no such key: "b")");
  EXPECT_EQ(eval("{'a': 1}.a"), "1");
  EXPECT_EQ(eval("{'a': 1}.b"), "error: no such key: b");
  EXPECT_EQ(eval("has({'a': 1}.a)"), "true");
  EXPECT_EQ(eval("has({'a': 1}.b)"), "false");
  EXPECT_EQ(eval("2 in [1, 2]"), "true");
  EXPECT_EQ(eval("'x' in {'x': 0}"), "true");
  EXPECT_EQ(eval("{1: 'a'}[1u]"), R"("a")");
  EXPECT_EQ(eval("{'a': 1, 'a': 2}"), "error: Failed with repeated key");
  EXPECT_EQ(eval("size('h\u00e9') + size([1]) + size({})"), "3");
}

TEST(CelEval, Macros) {
  EXPECT_EQ(eval("[1, 2, 3].all(x, x > 0)"), "true");
  EXPECT_EQ(eval("[1, 2, 3].exists(x, x > 2)"), "true");
  EXPECT_EQ(eval("[1, 2, 3].exists_one(x, x > 1)"), "false");
  EXPECT_EQ(eval("[1, 2, 3].map(x, x * 2)"), "[2, 4, 6]");
  EXPECT_EQ(eval("[1, 2, 3].map(x, x > 1, x * 10)"), "[20, 30]");
  EXPECT_EQ(eval("[1, 2, 3].filter(x, x != 2)"), "[1, 3]");
  EXPECT_EQ(eval("{'a': 1, 'b': 2}.map(k, k)"), R"(["a", "b"])");
  EXPECT_EQ(eval("[0, 1].exists(x, 1 / x == 1)"), "true") << "an error absorbed by a later true";
  EXPECT_EQ(eval("[0, 1].all(x, 1 / x == 1)"), "error: division by zero");
  EXPECT_EQ(eval("[10, 20].all(i, v, v == (i + 1) * 10)"), "true");
  EXPECT_EQ(eval("{'a': 1}.transformMap(k, v, v + 1)"), R"({"a": 2})");
  EXPECT_EQ(eval("cel.bind(x, 2, x * x)"), "4");
}

TEST(CelEval, Conversions) {
  EXPECT_EQ(eval("int('42')"), "42");
  EXPECT_EQ(eval("int(2.9)"), "2");
  EXPECT_EQ(eval("uint(-1)"), "error: range error");
  EXPECT_EQ(eval("double('1.5')"), "1.5");
  EXPECT_EQ(eval("string(1.5)"), R"("1.5")");
  EXPECT_EQ(eval("string(b'\\xff')"), "error: invalid UTF-8 in bytes");
  EXPECT_EQ(eval("type(1) == int"), "true");
  EXPECT_EQ(eval("type('a')"), "string");
  EXPECT_EQ(eval("'abc'.startsWith('ab') && 'abc'.endsWith('bc') && 'abc'.contains('b')"), "true");
}

TEST(CelEval, VariablesAndDottedNames) {
  MapActivation vars;
  vars.set("x", Value::integer(3));
  vars.set("a.b.c", Value::string("dotted"));
  vars.set("device", Value::map({{Value::string("driver"), Value::string("gpu.nvidia.com")}}));
  EXPECT_EQ(eval("x * 2", vars), "6");
  EXPECT_EQ(eval("a.b.c", vars), R"("dotted")");
  EXPECT_EQ(eval("device.driver == 'gpu.nvidia.com'", vars), "true");
  EXPECT_EQ(eval("y", vars), "error: undeclared reference to 'y'");
}

TEST(CelEval, NamesResolveInTheContainerFirst) {
  MapActivation vars;
  vars.set("com.example.y", Value::string("qualified"));
  vars.set("com.y", Value::string("parent"));
  vars.set("y", Value::string("root"));
  vars.set("z", Value::string("root z"));
  auto in = [&](std::string_view source, std::string container) {
    auto program = Program::compile(source, {}, std::move(container));
    return program.ok() ? to_literal(program->evaluate(vars)) : program.error().message;
  };
  EXPECT_EQ(in("y", "com.example"), R"("qualified")");
  EXPECT_EQ(in("y", "com.other"), R"("parent")");
  EXPECT_EQ(in(".y", "com.example"), R"("root")");
  EXPECT_EQ(in("z", "com.example"), R"("root z")");
  EXPECT_EQ(in("[1].exists(y, y == 1)", "com.example"), "true") << "a loop variable shadows";
}

TEST(CelEval, CostBudgetStopsRunawayExpressions) {
  auto program = Program::compile("[1, 2, 3, 4].map(x, [1, 2, 3, 4].map(y, x * y))");
  ASSERT_TRUE(program.ok());
  EvalOptions tight;
  tight.cost_limit = 20;
  const Value v = program->evaluate(MapActivation(), tight);
  ASSERT_TRUE(v.is_error());
  EXPECT_NE(v.error_message().find("cost limit exceeded"), std::string::npos);
  EXPECT_FALSE(program->evaluate(MapActivation()).is_error());
}

TEST(CelEval, FunctionsAreChargedForTheSizeOfTheirArguments) {
  // Doubling a list in a loop would need memory exponential in the loop count; the budget stops
  // it because every `l + l` is charged for the elements it copies.
  MapActivation vars;
  ValueList thousand(1000, Value::integer(1));
  vars.set("l", Value::list(thousand));
  auto program = Program::compile("l.map(x, l + l).size()");
  ASSERT_TRUE(program.ok());
  EvalOptions options;
  options.cost_limit = 100'000;
  const Value v = program->evaluate(vars, options);
  ASSERT_TRUE(v.is_error());
  EXPECT_NE(v.error_message().find("cost limit exceeded"), std::string::npos);
  options.cost_limit = 10'000'000;
  EXPECT_EQ(to_literal(program->evaluate(vars, options)), "1000");
}

TEST(CelEval, ConstantSubexpressionsAreFoldedWithoutChangingResults) {
  // Folded at compile time: a call of built-ins on literals, and a literal list.
  EXPECT_EQ(eval("size('abc') + 1"), "4");
  EXPECT_EQ(eval("'b' in ['a', 'b']"), "true");
  // Errors are not folded: they keep their position and && can still absorb them.
  EXPECT_EQ(eval("false && 1 / 0 == 1"), "false");
  auto program = Program::compile("x + 1 / 0");
  ASSERT_TRUE(program.ok());
  MapActivation vars;
  vars.set("x", Value::integer(1));
  const Value v = program->evaluate(vars);
  ASSERT_TRUE(v.is_error());
  EXPECT_EQ(v.as_error().column, 7u);  // the `/`
}

TEST(CelEval, ABorrowedLoopVariableSurvivesInnerComprehensions) {
  // `v` is read by reference while the right side runs comprehensions that add loop variables;
  // those must not move it (ASan catches a regression here; found by the fuzzer).
  EXPECT_EQ(eval("[2].all(v, v == [1, 2].map(w, [3, 4, 5].map(x, x + w)).size())"), "true");
  EXPECT_EQ(eval("[1, 2].exists(v, v == ([1, 2, 3].all(w, [1].exists(x, x > 0)) ? 1 : 2))"),
            "true");
}

TEST(CelEval, BorrowedReadsMatchCopiedOnes) {
  MapActivation vars;
  vars.set("d", Value::map({{Value::string("attrs"),
                             Value::map({{Value::string("name"), Value::string("H100")}})}}));
  EXPECT_EQ(eval("d.attrs.name == 'H100'", vars), "true");
  EXPECT_EQ(eval("d['attrs']['name'] < 'Z'", vars), "true");
  EXPECT_EQ(eval("{'a': {'b': 1}}['a'].b", vars), "1");  // the map is a temporary
  EXPECT_EQ(eval("[{'b': 2}][0].b", vars), "2");
  EXPECT_EQ(eval("d.attrs.missing == 1", vars), "error: no such key: missing");
  EXPECT_EQ(eval("d['nope'] == 1", vars), R"(error: no such key: "nope")");
  EXPECT_EQ(eval("d < 1", vars), "error: no such overload: _<_(map, int)");
}

}  // namespace
}  // namespace sluice::cel
