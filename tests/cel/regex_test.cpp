// Regular expressions: cel-spec's matches() and Kubernetes' find()/findAll(), with Go's regexp
// semantics (leftmost-first matches; findAll's empty-match rules), on RE2.
#include "cel/eval_util.h"
#include "cel/program.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::cel {
namespace {

using testing::eval;

std::string eval_on(std::string_view expr, std::string text) {
  MapActivation vars;
  vars.set("s", Value::string(std::move(text)));
  return eval(expr, vars);
}

TEST(CelRegex, MatchesIsAPartialMatch) {
  EXPECT_EQ(eval("'hubba'.matches('ubb')"), "true");
  EXPECT_EQ(eval("matches('hubba', 'ubb')"), "true");
  EXPECT_EQ(eval("'hubba'.matches('^ubb')"), "false");
  EXPECT_EQ(eval("'hubba'.matches('^h.*a$')"), "true");
  EXPECT_EQ(eval("''.matches('foo|bar')"), "false");
  EXPECT_EQ(eval("'cows'.matches('')"), "true");
  EXPECT_EQ(eval("''.matches('')"), "true");
  EXPECT_EQ(eval("'mañana'.matches('a+ñ+a+')"), "true");
  EXPECT_EQ(eval("'mañana'.matches('^ma.ana$')"), "true") << "'.' is one code point";
  EXPECT_EQ(eval("'ABC'.matches('(?i)abc')"), "true");
  EXPECT_EQ(eval("'a\\nb'.matches('^b')"), "false");
  EXPECT_EQ(eval("'a\\nb'.matches('(?m)^b')"), "true");
}

TEST(CelRegex, InvalidPatternsAreErrors) {
  EXPECT_EQ(eval("'a'.matches('(')"), "error: invalid regular expression '(': missing ): (");
  EXPECT_EQ(eval("'a'.find('[z-a]')").substr(0, 40), "error: invalid regular expression '[z-a]");
  EXPECT_EQ(eval("'a'.findAll('*')").substr(0, 36), "error: invalid regular expression '*");
  // Backreferences and lookaround are not RE2 (nor Go) syntax.
  EXPECT_EQ(eval("'aa'.matches('(a)\\\\1')").substr(0, 33), "error: invalid regular expression");
  EXPECT_EQ(eval("'a'.matches('(?=a)')").substr(0, 33), "error: invalid regular expression");
  // A long bad pattern is cut short in the message.
  const std::string message = eval_on("'a'.matches(s)", std::string(5000, '(') + "a");
  EXPECT_EQ(message.substr(0, 33), "error: invalid regular expression");
  EXPECT_LT(message.size(), 300u);
  // The same bad pattern again comes from the cache with the same error.
  EXPECT_EQ(eval("'a'.matches('(')"), "error: invalid regular expression '(': missing ): (");
}

TEST(CelRegex, PatternsOverTheMemoryBudgetFailInsteadOfGrowing) {
  // RE2 (like Go) caps repetition counts at 1000; a pattern inside that can still be too big.
  EXPECT_EQ(eval("'a'.matches('(a{100}){100}')"),
            "error: invalid regular expression '(a{100}){100}': invalid repetition size: {100}");
  EXPECT_EQ(eval_on("'a'.matches(s)", "\\pL{1000}"),
            "error: invalid regular expression '\\pL{1000}': pattern too large - compile failed");
}

TEST(CelRegex, CallsOverTheWorkLimitAreErrors) {
  // Program size times text size bounds RE2's worst case; past the limit the call fails fast.
  MapActivation vars;
  vars.set("p", Value::string(std::string(5000, 'a')));
  vars.set("s", Value::string(std::string(30000, 'a')));
  for (const char* expr : {"s.matches(p)", "s.find(p)", "s.findAll(p)"}) {
    const std::string result = eval(expr, vars);
    EXPECT_EQ(result.substr(0, 41), "error: regular expression too costly: pro") << expr;
    EXPECT_NE(result.find("times text size 30000 is over 100000000"), std::string::npos) << result;
  }
  vars.set("s", Value::string(std::string(1000, 'a')));
  EXPECT_EQ(eval("s.matches(p)", vars), "false");
}

TEST(CelRegex, WrongArgumentsMatchNoOverload) {
  EXPECT_EQ(eval("'a'.matches(1)"), "error: no such overload: matches(string, int)");
  EXPECT_EQ(eval("matches(1, 'a')"), "error: no such overload: matches(int, string)");
  EXPECT_EQ(eval("'a'.find(1)"), "error: no such overload: find(string, int)");
  EXPECT_EQ(eval("'a'.findAll('a', 'b')"),
            "error: no such overload: findAll(string, string, string)");
  EXPECT_EQ(eval("'a'.findAll('a', 1, 2)"),
            "error: no such overload: findAll(string, string, int, int)");
  EXPECT_EQ(eval("b'a'.findAll('a')"), "error: no such overload: findAll(bytes, string)");
}

TEST(CelRegex, FindReturnsTheLeftmostFirstMatch) {
  EXPECT_EQ(eval("'abc 123'.find('[0-9]+')"), R"("123")");
  EXPECT_EQ(eval("'abc 123'.find('xyz')"), R"("")");
  // As in Go: '[0-9]*' matches the empty string at 0 (Kubernetes' doc example says "123").
  EXPECT_EQ(eval("'abc 123'.find('[0-9]*')"), R"("")");
  EXPECT_EQ(eval("'abab'.find('a|ab')"), R"("a")") << "leftmost-first, not longest";
  EXPECT_EQ(eval("'key=value'.find('=.*')"), R"("=value")");
}

TEST(CelRegex, FindAllFollowsGo) {
  EXPECT_EQ(eval("'123 abc 456'.findAll('[0-9]+')"), R"(["123", "456"])");
  EXPECT_EQ(eval("'123 abc 456'.findAll('[0-9]+', 1)"), R"(["123"])");
  EXPECT_EQ(eval("'123 abc 456'.findAll('[0-9]+', 0)"), "[]");
  EXPECT_EQ(eval("'123 abc 456'.findAll('[0-9]+', -1)"), R"(["123", "456"])");
  EXPECT_EQ(eval("'123 abc 456'.findAll('[0-9]+', 5)"), R"(["123", "456"])");
  EXPECT_EQ(eval("'123 abc 456'.findAll('xyz')"), "[]");
  // Empty matches: one per position, but not right after a match.
  EXPECT_EQ(eval("'123 abc 456'.findAll('[0-9]*')"), R"(["123", "", "", "", "", "456"])");
  EXPECT_EQ(eval("'abc'.findAll('')"), R"(["", "", "", ""])");
  EXPECT_EQ(eval("''.findAll('')"), R"([""])");
  EXPECT_EQ(eval("'aaa'.findAll('^a')"), R"(["a"])") << "^ anchors at the text start only";
  EXPECT_EQ(eval("'aaa'.findAll('a')"), R"(["a", "a", "a"])");
  EXPECT_EQ(eval("'1, 2, 3, 4'.findAll('[0-9]+').map(x, int(x))"), "[1, 2, 3, 4]");
}

TEST(CelRegex, EmptyMatchesStepOverWholeCharacters) {
  EXPECT_EQ(eval("'ñañ'.findAll('')"), R"(["", "", "", ""])");
  EXPECT_EQ(eval("'😀x'.findAll('x*')"), R"(["", "x"])");
  // Invalid UTF-8 (only reachable through variables): each bad byte is one step, as in Go.
  EXPECT_EQ(eval_on("s.findAll('')", "\xff\xfe"), R"(["", "", ""])");
  EXPECT_EQ(eval_on("s.findAll('a')",
                    "\xff"
                    "a\xc3"),
            R"(["a"])");
}

TEST(CelRegex, LargeInputsStayLinear) {
  const std::string big(50000, 'a');
  EXPECT_EQ(eval_on("size(s.findAll('a'))", big), "50000");
  EXPECT_EQ(eval_on("size(s.findAll('b*'))", big), "50001");
  EXPECT_EQ(eval_on("s.matches('(a|aa)*b')", big), "false") << "a backtracker would never end";
  EXPECT_EQ(eval_on("s.matches('(a*)*$')", big), "true");
  EXPECT_EQ(eval_on("size(s.find('a+'))", big), "50000");
}

TEST(CelRegex, ManyPatternsShareABoundedCache) {
  // More distinct patterns than cache slots, twice over: evictions must never return the wrong
  // program.
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 100; ++i) {
      const std::string n = std::to_string(i);
      EXPECT_EQ(eval("'x" + n + "y'.matches('^x" + n + "y$')"), "true") << n;
      EXPECT_EQ(eval("'x" + n + "y'.matches('^x" + n + "0y$')"), "false") << n;
    }
  }
  // Patterns too long to cache still work.
  MapActivation vars;
  vars.set("p", Value::string("b|" + std::string(5000, 'a')));
  vars.set("s", Value::string("xbx"));
  EXPECT_EQ(eval("s.matches(p)", vars), "true");
  EXPECT_EQ(eval("s.find(p)", vars), R"("b")");
  EXPECT_EQ(eval("s.findAll(p)", vars), R"(["b"])");
}

}  // namespace
}  // namespace sluice::cel
