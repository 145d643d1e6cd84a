// Kubernetes' lists library: isSorted, sum, min, max, indexOf, lastIndexOf, includes, with the
// runtime kind checks that stand in for Kubernetes' type checker.
#include "cel/eval_util.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::cel {
namespace {

using testing::eval;

Value durations(std::vector<Duration> ds) {
  ValueList list;
  for (const Duration& d : ds) list.push_back(Value::duration(d));
  return Value::list(std::move(list));
}

TEST(CelLists, IsSorted) {
  EXPECT_EQ(eval("[1, 2, 3].isSorted()"), "true");
  EXPECT_EQ(eval("['a', 'b', 'b', 'c'].isSorted()"), "true");
  EXPECT_EQ(eval("[2.0, 1.0].isSorted()"), "false");
  EXPECT_EQ(eval("[1].isSorted()"), "true");
  EXPECT_EQ(eval("[].isSorted()"), "true");
  EXPECT_EQ(eval("[1, 2u, 2.5, 3].isSorted()"), "true") << "numbers order across kinds";
  EXPECT_EQ(eval("[3u, 2].isSorted()"), "false");
  EXPECT_EQ(eval("[false, true].isSorted()"), "true");
  EXPECT_EQ(eval("[true, false].isSorted()"), "false");
  EXPECT_EQ(eval("[b'a', b'b'].isSorted()"), "true");
  EXPECT_EQ(eval("['b', 'a', 1].isSorted()"), "false") << "stops at the first descent";
}

TEST(CelLists, IsSortedTimestampsAndDurations) {
  MapActivation vars;
  vars.set("ts", Value::list({Value::timestamp({10, 5}), Value::timestamp({10, 6})}));
  vars.set("ds", durations({{2, 0}, {1, 999}}));
  EXPECT_EQ(eval("ts.isSorted()", vars), "true");
  EXPECT_EQ(eval("ds.isSorted()", vars), "false");
}

TEST(CelLists, IsSortedErrors) {
  EXPECT_EQ(eval("[1, 'a'].isSorted()"),
            "error: no such overload: isSorted() over a list of int and string");
  EXPECT_EQ(eval("[[1], [2]].isSorted()"),
            "error: no such overload: isSorted() over a list containing list");
  EXPECT_EQ(eval("[{}].isSorted()"),
            "error: no such overload: isSorted() over a list containing map");
  EXPECT_EQ(eval("[null].isSorted()"),
            "error: no such overload: isSorted() over a list containing null_type");
  EXPECT_EQ(eval("[1.0, 0.0 / 0.0].isSorted()"), "error: isSorted(): NaN values cannot be ordered");
  EXPECT_EQ(eval("(1).isSorted()"), "error: no such overload: isSorted(int)");
  EXPECT_EQ(eval("[1].isSorted(1)"), "error: no such overload: isSorted(list, int)");
}

TEST(CelLists, Sum) {
  EXPECT_EQ(eval("[1, 3].sum()"), "4");
  EXPECT_EQ(eval("[1u, 3u].sum()"), "4u");
  EXPECT_EQ(eval("[1.5, 3.0].sum()"), "4.5");
  EXPECT_EQ(eval("[].sum()"), "0");
  EXPECT_EQ(eval("[-9223372036854775808, 9223372036854775807].sum()"), "-1");
  EXPECT_EQ(eval("[1.0e308, 1.0e308].sum() > 1.0e308"), "true") << "doubles reach infinity";
}

TEST(CelLists, SumOfDurations) {
  MapActivation vars;
  vars.set("ds", durations({{60, 0}, {1, 600'000'000}, {0, 500'000'000}}));
  vars.set("mixed_signs", durations({{5, 0}, {0, -300'000'000}}));
  vars.set("negative", durations({{-1, -900'000'000}, {0, -200'000'000}}));
  vars.set("at_limit", durations({{315'576'000'000, 0}, {-1, 0}, {1, 0}}));
  vars.set("over", durations({{200'000'000'000, 0}, {200'000'000'000, 0}}));
  vars.set("edge", durations({{-315'576'000'000, 0}, {0, -1}}));
  vars.set("under", durations({{-315'576'000'000, 0}, {0, -1}, {-1, 0}}));
  vars.set("malformed", durations({{INT64_MAX, 0}, {INT64_MAX, 0}}));
  vars.set("with_int", Value::list({Value::duration({1, 0}), Value::integer(1)}));
  EXPECT_EQ(eval("ds.sum()", vars), to_literal(Value::duration({62, 100'000'000})));
  EXPECT_EQ(eval("mixed_signs.sum()", vars), to_literal(Value::duration({4, 700'000'000})));
  EXPECT_EQ(eval("negative.sum()", vars), to_literal(Value::duration({-2, -100'000'000})));
  EXPECT_EQ(eval("at_limit.sum()", vars), to_literal(Value::duration({315'576'000'000, 0})));
  EXPECT_EQ(eval("over.sum()", vars), "error: duration out of range");
  EXPECT_EQ(eval("edge.sum()", vars), to_literal(Value::duration({-315'576'000'000, -1})))
      << "google.protobuf.Duration bounds the seconds, not the nanos";
  EXPECT_EQ(eval("under.sum()", vars), "error: duration out of range");
  EXPECT_EQ(eval("malformed.sum()", vars), "error: duration out of range");
  EXPECT_EQ(eval("with_int.sum()", vars),
            "error: no such overload: sum() over a list of google.protobuf.Duration and int");
}

TEST(CelLists, SumErrors) {
  EXPECT_EQ(eval("[9223372036854775807, 1].sum()"), "error: return error for overflow");
  EXPECT_EQ(eval("[-9223372036854775808, -1].sum()"), "error: return error for overflow");
  EXPECT_EQ(eval("[18446744073709551615u, 1u].sum()"), "error: return error for overflow");
  EXPECT_EQ(eval("[1, 2.0].sum()"), "error: no such overload: sum() over a list of int and double");
  EXPECT_EQ(eval("[1u, 2].sum()"), "error: no such overload: sum() over a list of uint and int");
  EXPECT_EQ(eval("['a', 'b'].sum()"), "error: no such overload: sum() over a list of string");
  EXPECT_EQ(eval("[[1]].sum()"), "error: no such overload: sum() over a list of list");
  EXPECT_EQ(eval("'ab'.sum()"), "error: no such overload: sum(string)");
  EXPECT_EQ(eval("[1].sum(2)"), "error: no such overload: sum(list, int)");
}

TEST(CelLists, MinAndMax) {
  EXPECT_EQ(eval("[1, 3].min()"), "1");
  EXPECT_EQ(eval("[1, 3].max()"), "3");
  EXPECT_EQ(eval("[3, 1, 2].min()"), "1");
  EXPECT_EQ(eval("[1].min()"), "1");
  EXPECT_EQ(eval("([0] + []).min()"), "0");
  EXPECT_EQ(eval("['b', 'a', 'c'].min()"), R"("a")");
  EXPECT_EQ(eval("['b', 'a', 'c'].max()"), R"("c")");
  EXPECT_EQ(eval("[1, 2.5, 0u].max()"), "2.5");
  EXPECT_EQ(eval("[1, 2.5, 0u].min()"), "0u");
  EXPECT_EQ(eval("[1, 1.0, 1u].min()"), "1") << "the first of equal elements";
  EXPECT_EQ(eval("[1u, 1.0, 1].max()"), "1u") << "the first of equal elements";
  EXPECT_EQ(eval("[true, false].min()"), "false");
  EXPECT_EQ(eval("[b'\\x01', b'\\x02'].max()"), R"(b"\x02")");
  EXPECT_EQ(eval("[0.0 / 0.0].min() != [0.0 / 0.0].min()"), "true") << "a lone NaN is returned";
}

TEST(CelLists, MinAndMaxOfTimestampsAndDurations) {
  MapActivation vars;
  vars.set("ts", Value::list({Value::timestamp({20, 0}), Value::timestamp({10, 1}),
                              Value::timestamp({10, 2})}));
  vars.set("ds", durations({{-1, 0}, {3, 0}, {0, 5}}));
  EXPECT_EQ(eval("ts.min() == ts[1]", vars), "true");
  EXPECT_EQ(eval("ts.max() == ts[0]", vars), "true");
  EXPECT_EQ(eval("ds.min() == ds[0]", vars), "true");
  EXPECT_EQ(eval("ds.max() == ds[1]", vars), "true");
}

TEST(CelLists, MinAndMaxErrors) {
  EXPECT_EQ(eval("[].min()"), "error: min called on empty list");
  EXPECT_EQ(eval("[].max()"), "error: max called on empty list");
  EXPECT_EQ(eval("[1, 'a'].min()"), "error: no such overload: min() over a list of int and string");
  EXPECT_EQ(eval("['a', 1].max()"), "error: no such overload: max() over a list of string and int");
  EXPECT_EQ(eval("[[1]].min()"), "error: no such overload: min() over a list containing list");
  EXPECT_EQ(eval("[1, null].max()"),
            "error: no such overload: max() over a list containing null_type");
  EXPECT_EQ(eval("[1.0, 0.0 / 0.0].max()"), "error: max(): NaN values cannot be ordered");
  EXPECT_EQ(eval("{'a': 1}.min()"), "error: no such overload: min(map)");
  EXPECT_EQ(eval("[1].max(1)"), "error: no such overload: max(list, int)");
}

TEST(CelLists, IndexOfAndLastIndexOf) {
  EXPECT_EQ(eval("[1, 2, 2, 3].indexOf(2)"), "1");
  EXPECT_EQ(eval("[1, 2, 2, 3].lastIndexOf(2)"), "2");
  EXPECT_EQ(eval("['a', 'b', 'b', 'c'].lastIndexOf('b')"), "2");
  EXPECT_EQ(eval("[1.0].indexOf(1.1)"), "-1");
  EXPECT_EQ(eval("[].indexOf('string')"), "-1");
  EXPECT_EQ(eval("[].lastIndexOf('string')"), "-1");
  EXPECT_EQ(eval("[1, 2u, 3.0].indexOf(3u)"), "2") << "CEL equality across numeric kinds";
  EXPECT_EQ(eval("[1, 2u, 3.0].lastIndexOf(1.0)"), "0");
  EXPECT_EQ(eval("[[1], [2], [2]].indexOf([2.0])"), "1");
  EXPECT_EQ(eval("[{'a': 1}, {'a': 2}].lastIndexOf({'a': 1u})"), "0");
  EXPECT_EQ(eval("[1, 'a', null].indexOf(null)"), "2");
  EXPECT_EQ(eval("[1, 'a'].indexOf(true)"), "-1");
}

TEST(CelLists, IndexOfSharesItsNameWithTheStringsExtension) {
  EXPECT_EQ(eval("'abc'.indexOf('c') + [1, 2].indexOf(2)"), "3");
  EXPECT_EQ(eval("'abca'.lastIndexOf('a') + [2, 2].lastIndexOf(2)"), "4");
  EXPECT_EQ(eval("(1).indexOf(1)"), "error: no such overload: indexOf(int, int)");
}

TEST(CelLists, Includes) {
  EXPECT_EQ(eval("[1, 2, 3].includes(2)"), "true");
  EXPECT_EQ(eval("[1, 2, 3].includes(4)"), "false");
  EXPECT_EQ(eval("[1, 2, 3].includes(2.0)"), "true");
  EXPECT_EQ(eval("[].includes(1)"), "false");
  EXPECT_EQ(eval("[[1, 2]].includes([1u, 2u])"), "true");
  EXPECT_EQ(eval("'model-a'.includes('model-a')"), "true");
  EXPECT_EQ(eval("'model-a'.includes('model-b')"), "false");
  EXPECT_EQ(eval("'model-a'.includes('model')"), "false") << "equality, not a substring test";
  EXPECT_EQ(eval("(1).includes(1u)"), "true");
  EXPECT_EQ(eval("{'a': 1}.includes('a')"), "false") << "a map is compared, not searched";
  EXPECT_EQ(eval("[1].includes()"), "error: no such overload: includes(list)");
  EXPECT_EQ(eval("[1].includes(1, 2)"), "error: no such overload: includes(list, int, int)");
}

}  // namespace
}  // namespace sluice::cel
