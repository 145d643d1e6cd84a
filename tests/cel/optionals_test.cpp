// Optional values: construction, the accessors, `.?` and `[?]`, and selection and indexing that
// pass through an optional.
#include "cel/eval_util.h"

#include <gtest/gtest.h>

namespace sluice::cel {
namespace {

using testing::eval;

TEST(CelOptionals, ConstructionAndAccessors) {
  EXPECT_EQ(eval("optional.of(1)"), "optional.of(1)");
  EXPECT_EQ(eval("optional.none().hasValue()"), "false");
  EXPECT_EQ(eval("optional.of(null).hasValue()"), "true");
  EXPECT_EQ(eval("optional.ofNonZeroValue('').hasValue()"), "false");
  EXPECT_EQ(eval("optional.ofNonZeroValue([0]).value()"), "[0]");
  EXPECT_EQ(eval("optional.none().orValue(7)"), "7");
  EXPECT_EQ(eval("optional.none().or(optional.of(2)).value()"), "2");
  EXPECT_EQ(eval("optional.none().value()"), "error: optional.none() dereference");
  EXPECT_EQ(eval("optional.of(1) == optional.of(1.0)"), "true");
  EXPECT_EQ(eval("type(optional.none()) == optional_type"), "true");
  EXPECT_EQ(eval("(1).hasValue()"), "error: no such overload: hasValue(int)");
}

TEST(CelOptionals, OptionalSelectAndIndex) {
  EXPECT_EQ(eval("{'a': 1}.?a"), "optional.of(1)");
  EXPECT_EQ(eval("{'a': 1}.?b"), "optional.none()");
  EXPECT_EQ(eval("[1, 2][?1]"), "optional.of(2)");
  EXPECT_EQ(eval("[1, 2][?5]"), "optional.none()");
  EXPECT_EQ(eval("[1, 2][?'x']"), "error: no such overload: _[_](list, string)");
  EXPECT_EQ(eval("{1u: 'x'}[?1.0].value()"), R"("x")");
  EXPECT_EQ(eval("(1).?a"), "error: type 'int' does not support field selection");
}

TEST(CelOptionals, SelectionAndIndexingPassThroughAnOptional) {
  EXPECT_EQ(eval("optional.of({'c': {'d': 1}}).c.d"), "optional.of(1)");
  EXPECT_EQ(eval("optional.of({'c': {}}).c.missing.orValue(0)"), "0");
  EXPECT_EQ(eval("optional.none().x.y.hasValue()"), "false");
  EXPECT_EQ(eval("optional.of([5])[0]"), "optional.of(5)");
  EXPECT_EQ(eval("has(optional.of({'c': 1}).c)"), "true");
  EXPECT_EQ(eval("has(optional.none().c)"), "false");
}

TEST(CelOptionals, OptionalEntriesInLiterals) {
  EXPECT_EQ(eval("[?optional.none(), ?optional.of(1), 2]"), "[1, 2]");
  // The entry's value lives inside the optional that is being unwrapped.
  EXPECT_EQ(eval("{?'k': optional.of({?'m': optional.of({'x': 1})})}"),
            R"({"k": {"m": {"x": 1}}})");
  EXPECT_EQ(eval("{?'k': optional.none(), 'j': true}"), R"({"j": true})");
  EXPECT_EQ(eval("[?1]"), "error: no such overload: optional list element");
}

}  // namespace
}  // namespace sluice::cel
