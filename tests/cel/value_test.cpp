// CEL values: heterogeneous numeric equality and ordering, container equality, map lookup across
// numeric key kinds, type names, and the literal syntax `sluice cel eval` prints.
#include "cel/value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace sluice::cel {
namespace {

TEST(CelValue, NumbersAreEqualAcrossKindsByValue) {
  EXPECT_TRUE(equals(Value::integer(1), Value::floating(1.0)));
  EXPECT_TRUE(equals(Value::unsigned_integer(1), Value::integer(1)));
  EXPECT_FALSE(equals(Value::integer(-1), Value::unsigned_integer(UINT64_MAX)));
  EXPECT_FALSE(equals(Value::integer(1), Value::floating(1.5)));
  // An integer meets a double as a double (cel-go, and the conformance suite's
  // *_big_lossy_double tests): 2^63 - 1 becomes 2^63.
  EXPECT_TRUE(equals(Value::integer(INT64_MAX), Value::floating(9223372036854775808.0)));
  EXPECT_FALSE(equals(Value::integer(INT64_MAX), Value::floating(9223372036854777857.0)));
  EXPECT_FALSE(equals(Value::floating(NAN), Value::floating(NAN)));
  EXPECT_FALSE(equals(Value::integer(1), Value::string("1")));
  EXPECT_FALSE(equals(Value::string("a"), Value::bytes("a")));
  EXPECT_TRUE(equals(Value::null(), Value::null()));
}

TEST(CelValue, OrderingAcrossNumericKindsAndWithinKinds) {
  EXPECT_EQ(compare(Value::integer(-1), Value::unsigned_integer(0)), -1);
  EXPECT_EQ(compare(Value::unsigned_integer(2), Value::floating(1.5)), 1);
  EXPECT_EQ(compare(Value::floating(-0.5), Value::integer(0)), -1);
  EXPECT_EQ(compare(Value::integer(INT64_MAX), Value::floating(9223372036854775808.0)), 0);
  EXPECT_EQ(compare(Value::integer(INT64_MIN), Value::floating(-9223372036854777857.0)), 1);
  EXPECT_EQ(compare(Value::unsigned_integer(UINT64_MAX), Value::floating(18446744073709590000.0)),
            -1);
  EXPECT_EQ(compare(Value::string("a"), Value::string("b")), -1);
  EXPECT_EQ(compare(Value::string("\xc3\xa9"), Value::string("z")), 1) << "code point order";
  EXPECT_EQ(compare(Value::boolean(false), Value::boolean(true)), -1);
  EXPECT_EQ(compare(Value::bytes("\x01"), Value::bytes("\x01")), 0);
  EXPECT_FALSE(compare(Value::floating(NAN), Value::integer(1)).has_value());
  EXPECT_FALSE(compare(Value::string("a"), Value::integer(1)).has_value());
  EXPECT_FALSE(compare(Value::list({}), Value::list({})).has_value());
}

TEST(CelValue, ContainersCompareElementWiseAndMapsIgnoreOrder) {
  const Value a = Value::list({Value::integer(1), Value::string("x")});
  const Value b = Value::list({Value::floating(1.0), Value::string("x")});
  EXPECT_TRUE(equals(a, b));
  EXPECT_FALSE(equals(a, Value::list({Value::integer(1)})));
  const Value m1 = Value::map(
      {{Value::string("a"), Value::integer(1)}, {Value::string("b"), Value::integer(2)}});
  const Value m2 = Value::map(
      {{Value::string("b"), Value::integer(2)}, {Value::string("a"), Value::unsigned_integer(1)}});
  EXPECT_TRUE(equals(m1, m2));
  EXPECT_FALSE(equals(m1, Value::map({{Value::string("a"), Value::integer(1)}})));
}

TEST(CelValue, MapLookupMatchesNumericKeysAcrossKinds) {
  const Value m = Value::map(
      {{Value::integer(1), Value::string("one")}, {Value::string("k"), Value::boolean(true)}});
  ASSERT_NE(m.map_find(Value::unsigned_integer(1)), nullptr);
  EXPECT_EQ(m.map_find(Value::floating(1.0))->as_string(), "one");
  EXPECT_EQ(m.map_find(Value::floating(1.5)), nullptr);
  EXPECT_EQ(m.map_find(Value::string("missing")), nullptr);
  EXPECT_TRUE(m.map_find(Value::string("k"))->as_bool());
}

TEST(CelValue, TypeNames) {
  EXPECT_EQ(Value::null().cel_type(), "null_type");
  EXPECT_EQ(Value::unsigned_integer(1).cel_type(), "uint");
  EXPECT_EQ(Value::bytes("").cel_type(), "bytes");
  EXPECT_EQ(Value::timestamp({}).cel_type(), "google.protobuf.Timestamp");
  EXPECT_EQ(Value::optional_none().cel_type(), "optional_type");
  EXPECT_EQ(Value::error("boom").cel_type(), "error");
  EXPECT_TRUE(Value::error("boom").is_error());
  EXPECT_EQ(Value::error("boom").error_message(), "boom");
}

TEST(CelValue, LiteralSyntax) {
  EXPECT_EQ(to_literal(Value::boolean(true)), "true");
  EXPECT_EQ(to_literal(Value::integer(-42)), "-42");
  EXPECT_EQ(to_literal(Value::unsigned_integer(1)), "1u");
  EXPECT_EQ(to_literal(Value::floating(2.5)), "2.5");
  EXPECT_EQ(to_literal(Value::floating(3)), "3.0");
  EXPECT_EQ(to_literal(Value::floating(0.1)), "0.1") << "shortest form that round-trips";
  EXPECT_EQ(to_literal(Value::floating(1e300)), "1e+300");
  EXPECT_EQ(to_literal(Value::floating(-INFINITY)), "double(\"-Infinity\")");
  EXPECT_EQ(to_literal(Value::string("a\"b\n")), R"("a\"b\n")");
  EXPECT_EQ(to_literal(Value::bytes(std::string("\x00\xff", 2))), R"(b"\x00\xff")");
  EXPECT_EQ(to_literal(Value::list({Value::integer(1), Value::integer(2)})), "[1, 2]");
  EXPECT_EQ(to_literal(Value::map({{Value::string("a"), Value::integer(1)}})), R"({"a": 1})");
  EXPECT_EQ(to_literal(Value::null()), "null");
  EXPECT_EQ(to_literal(Value::type("int")), "int");
  EXPECT_EQ(to_literal(Value::optional_of(Value::integer(1))), "optional.of(1)");
  EXPECT_EQ(to_literal(Value::optional_none()), "optional.none()");
  EXPECT_EQ(to_literal(Value::timestamp({1234567890, 500000000})),
            R"(timestamp("2009-02-13T23:31:30.5Z"))");
  EXPECT_EQ(to_literal(Value::timestamp({-1, 0})), R"(timestamp("1969-12-31T23:59:59Z"))");
  EXPECT_EQ(to_literal(Value::duration({-1, -500000000})), R"(duration("-1.5s"))");
}

}  // namespace
}  // namespace sluice::cel
