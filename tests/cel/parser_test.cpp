// The CEL lexer and parser: literals and escapes, operator precedence and associativity, member
// and optional syntax, macro expansion, and errors with their line and column.
#include "cel/parser.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::cel {
namespace {

std::string parsed(std::string_view source) {
  auto e = parse(source);
  if (!e.ok()) return "error: " + e.error().message;
  return debug_string(**e);
}

std::string error_of(std::string_view source, const ParseOptions& options = {}) {
  auto e = parse(source, options);
  return e.ok() ? "parsed: " + debug_string(**e) : e.error().message;
}

TEST(CelParser, NumericLiterals) {
  EXPECT_EQ(parsed("0"), "0");
  EXPECT_EQ(parsed("42u"), "42u");
  EXPECT_EQ(parsed("0x1F"), "31");
  EXPECT_EQ(parsed("0xFFFFFFFFFFFFFFFFu"), "18446744073709551615u");
  EXPECT_EQ(parsed("-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(parsed("9223372036854775807"), "9223372036854775807");
  EXPECT_EQ(parsed("1.5"), "1.5");
  EXPECT_EQ(parsed("1e3"), "1000.0");
  EXPECT_EQ(parsed(".5"), "0.5");
  EXPECT_EQ(parsed("-2.5e-1"), "-0.25");
  EXPECT_EQ(error_of("9223372036854775808"), "1:1: integer literal out of range");
  EXPECT_EQ(error_of("18446744073709551616u"), "1:1: integer literal out of range");
}

TEST(CelParser, StringAndBytesLiterals) {
  EXPECT_EQ(parsed(R"('a\n\t\\')"), R"("a\x0a\x09\\")");
  EXPECT_EQ(parsed(R"("\u00e9\U0001F600")"), "\"\xc3\xa9\xf0\x9f\x98\x80\"");
  EXPECT_EQ(parsed(R"('\x41\101')"), R"("AA")");
  EXPECT_EQ(parsed(R"(r'\n')"), R"("\\n")");
  EXPECT_EQ(parsed("'''a\nb'''"), R"("a\x0ab")");
  EXPECT_EQ(parsed(R"("""x"y""")"), R"("x\"y")");
  EXPECT_EQ(parsed(R"(b'\xff\x00')"), R"(b"\xff\x00")");
  EXPECT_EQ(parsed(R"(b'\303\277')"), R"(b"\xc3\xbf")");
  EXPECT_EQ(parsed(R"('\303\277')"), "\"\xc3\x83\xc2\xbf\"") << "octal escapes are code points";
  EXPECT_EQ(error_of("'abc"), "1:1: unterminated string literal");
  EXPECT_EQ(error_of("'a\nb'"), "1:1: line break in a single-quoted string literal");
  EXPECT_EQ(error_of(R"('\q')"), "1:2: invalid escape sequence");
  EXPECT_EQ(error_of(R"('\ud800')"), "1:2: escape is not a valid Unicode code point");
}

TEST(CelParser, PrecedenceAndAssociativity) {
  EXPECT_EQ(parsed("1 + 2 * 3"), "_+_(1, _*_(2, 3))");
  EXPECT_EQ(parsed("1 - 2 - 3"), "_-_(_-_(1, 2), 3)");
  EXPECT_EQ(parsed("a || b && c"), "_||_(a, _&&_(b, c))");
  EXPECT_EQ(parsed("a < b == c"), "_==_(_<_(a, b), c)");
  EXPECT_EQ(parsed("x in [1] && !y"), "_&&_(@in(x, [1]), !_(y))");
  EXPECT_EQ(parsed("a ? b : c ? d : e"), "_?_:_(a, b, _?_:_(c, d, e))");
  EXPECT_EQ(parsed("--x"), "-_(-_(x))");
  EXPECT_EQ(parsed("-1.size()"), "-_(1.size())");
  EXPECT_EQ(parsed("(1 + 2) % 3"), "_%_(_+_(1, 2), 3)");
}

TEST(CelParser, MembersIndexesCallsAndLiterals) {
  EXPECT_EQ(parsed("a.b.c"), "a.b.c");
  EXPECT_EQ(parsed("a.f(1, 2)[0]"), "_[_](a.f(1, 2), 0)");
  EXPECT_EQ(parsed(".pkg.x"), ".pkg.x");
  EXPECT_EQ(parsed("size('x')"), "size(\"x\")");
  EXPECT_EQ(parsed("[1, 2,]"), "[1, 2]");
  EXPECT_EQ(parsed("{'a': 1, 2: [],}"), R"({"a": 1, 2: []})");
  EXPECT_EQ(parsed("pkg.Msg{f: 1, g: 'x'}"), R"(pkg.Msg{f: 1, g: "x"})");
  EXPECT_EQ(parsed("m.`content-type`"), "m.content-type");
  EXPECT_EQ(parsed("m.if + m.while()"), "_+_(m.if, m.while())") << "reserved words as names";
  EXPECT_EQ(parsed("a // comment\n + b"), "_+_(a, b)");
}

TEST(CelParser, OptionalSyntax) {
  EXPECT_EQ(parsed("a.?b"), R"(_?._(a, "b"))");
  EXPECT_EQ(parsed("a[?0]"), "_[?_](a, 0)");
  EXPECT_EQ(parsed("[?x, y]"), "[?x, y]");
  EXPECT_EQ(parsed("{?'k': v}"), R"({?"k": v})");
  EXPECT_EQ(parsed("T{?f: v}"), "T{?f: v}");
}

TEST(CelParser, MacrosExpandToSelectionsAndComprehensions) {
  EXPECT_EQ(parsed("has(a.b)"), "has(a.b)");
  EXPECT_EQ(parsed("l.all(x, x > 0)"),
            "__comprehension__(x, l, @result, true, @not_strictly_false(@result), "
            "_&&_(@result, _>_(x, 0)), @result)");
  EXPECT_EQ(parsed("l.exists(x, x)"),
            "__comprehension__(x, l, @result, false, @not_strictly_false(!_(@result)), "
            "_||_(@result, x), @result)");
  EXPECT_EQ(parsed("l.exists_one(x, x)"),
            "__comprehension__(x, l, @result, 0, true, _?_:_(x, _+_(@result, 1), @result), "
            "_==_(@result, 1))");
  EXPECT_EQ(parsed("l.map(x, x * 2)"),
            "__comprehension__(x, l, @result, [], true, _+_(@result, [_*_(x, 2)]), @result)");
  EXPECT_EQ(parsed("l.map(x, x > 1, x)"),
            "__comprehension__(x, l, @result, [], true, _?_:_(_>_(x, 1), _+_(@result, [x]), "
            "@result), @result)");
  EXPECT_EQ(parsed("l.filter(x, x)"),
            "__comprehension__(x, l, @result, [], true, _?_:_(x, _+_(@result, [x]), @result), "
            "@result)");
  EXPECT_EQ(parsed("m.all(k, v, v)"),
            "__comprehension__(k, v, m, @result, true, @not_strictly_false(@result), "
            "_&&_(@result, v), @result)");
  EXPECT_EQ(parsed("m.transformMap(k, v, v + 1)"),
            "__comprehension__(k, v, m, @result, {}, true, @mapInsert(@result, k, _+_(v, 1)), "
            "@result)");
  EXPECT_EQ(parsed("cel.bind(x, 1, x + x)"),
            "__comprehension__(#unused, [], x, 1, false, x, _+_(x, x))");
  EXPECT_EQ(parsed("o.optMap(v, v + 1)"),
            "_?_:_(o.hasValue(), optional.of(__comprehension__(#unused, [], v, o.value(), false, "
            "v, _+_(v, 1))), optional.none())");
  // Not macros: other arities and names stay calls.
  EXPECT_EQ(parsed("l.all(x)"), "l.all(x)");
  EXPECT_EQ(parsed("has(a)"), "error: 1:1: invalid argument to has() macro");
  EXPECT_EQ(parsed("l.all(x.y, true)"),
            "error: 1:3: all(): the variable argument must be a simple name");
  ParseOptions no_macros;
  no_macros.enable_macros = false;
  auto plain = parse("has(a.b)", no_macros);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(debug_string(**plain), "has(a.b)");
  EXPECT_EQ((*plain)->kind, ExprKind::kCall);
}

TEST(CelParser, ErrorsNameLineAndColumn) {
  EXPECT_EQ(error_of("1 +"), "1:4: unexpected end of input");
  EXPECT_EQ(error_of("a\n  + )"), "2:5: unexpected ')'");
  EXPECT_EQ(error_of("(1"), "1:3: expected ')', found end of input");
  EXPECT_EQ(error_of("1 2"), "1:3: unexpected integer");
  EXPECT_EQ(error_of("if"), "1:1: reserved word 'if' cannot be an identifier");
  EXPECT_EQ(error_of("a = b"), "1:3: unexpected character '='");
  EXPECT_EQ(error_of("`a`"), "1:1: a quoted identifier can only name a field");
  EXPECT_EQ(error_of("a.1"), "1:2: unexpected double") << "`.1` is a number, as in cel-go";
  EXPECT_EQ(error_of("a.`b`()"), "1:6: unexpected '('") << "a quoted name is never a method";
}

TEST(CelParser, LimitsStopHostileInput) {
  std::string deep(300, '(');
  deep += "1";
  deep += std::string(300, ')');
  EXPECT_NE(error_of(deep).find("nested more than 250 levels"), std::string::npos);
  std::string negations(1000, '!');
  negations += "x";
  EXPECT_NE(error_of(negations).find("nested more than"), std::string::npos);
  ParseOptions small;
  small.max_expression_bytes = 8;
  EXPECT_EQ(error_of("123456789", small), "expression of 9 bytes exceeds the 8-byte limit");
  // A long left-associative chain builds a tree as deep as it is long, which evaluation and
  // destruction walk recursively: its links count as nesting too.
  std::string chain = "1";
  for (int i = 0; i < 200; ++i) chain += " + 1";
  EXPECT_TRUE(parse(chain).ok());
  for (int i = 0; i < 20000; ++i) chain += " + 1";  // under the size limit
  EXPECT_NE(error_of(chain).find("nested more than 250 levels"), std::string::npos);
  std::string select = "x";
  for (int i = 0; i < 10000; ++i) select += ".f[0]";
  EXPECT_NE(error_of(select).find("nested more than 250 levels"), std::string::npos);
}

}  // namespace
}  // namespace sluice::cel
