// cel-go's sets extension: sets.contains, sets.equivalent and sets.intersects with CEL equality,
// both on small lists (pairwise) and on large ones (hashed), and the comparison budget.
#include "cel/eval_util.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace sluice::cel {
namespace {

using testing::eval;

constexpr std::int64_t kTwo62 = std::int64_t{1} << 62;

TEST(CelSets, Contains) {
  EXPECT_EQ(eval("sets.contains([], [])"), "true");
  EXPECT_EQ(eval("sets.contains([], [1])"), "false");
  EXPECT_EQ(eval("sets.contains([1], [])"), "true");
  EXPECT_EQ(eval("sets.contains([1, 2, 3, 4], [2, 3])"), "true");
  EXPECT_EQ(eval("sets.contains([1, 2, 3, 4], [2, 5])"), "false");
  EXPECT_EQ(eval("sets.contains([1, 2.0, 3u], [1.0, 2u, 3])"), "true");
  EXPECT_EQ(eval("sets.contains([[1], {'a': [2]}], [{'a': [2.0]}, [1u]])"), "true");
  EXPECT_EQ(eval("sets.contains(['a', b'a'], [b'a'])"), "true");
  EXPECT_EQ(eval("sets.contains(['a'], [b'a'])"), "false") << "string and bytes differ";
  EXPECT_EQ(eval("sets.contains([null, true], [true, null, true])"), "true");
  EXPECT_EQ(eval("sets.contains([0.0 / 0.0], [0.0 / 0.0])"), "false") << "NaN equals nothing";
}

TEST(CelSets, Equivalent) {
  EXPECT_EQ(eval("sets.equivalent([], [])"), "true");
  EXPECT_EQ(eval("sets.equivalent([1], [1, 1])"), "true");
  EXPECT_EQ(eval("sets.equivalent([1], [1u, 1.0])"), "true");
  EXPECT_EQ(eval("sets.equivalent([1, 2, 3], [3u, 2.0, 1])"), "true");
  EXPECT_EQ(eval("sets.equivalent([1, 2], [1])"), "false");
  EXPECT_EQ(eval("sets.equivalent([1], [1, 2])"), "false");
  EXPECT_EQ(eval("sets.equivalent([], [1])"), "false");
}

TEST(CelSets, Intersects) {
  EXPECT_EQ(eval("sets.intersects([1], [])"), "false");
  EXPECT_EQ(eval("sets.intersects([], [1])"), "false");
  EXPECT_EQ(eval("sets.intersects([1], [1, 2])"), "true");
  EXPECT_EQ(eval("sets.intersects([1], [2])"), "false");
  EXPECT_EQ(eval("sets.intersects([[1], [2, 3]], [[1, 2], [2, 3.0]])"), "true");
  EXPECT_EQ(eval("sets.intersects(['x', 'y'], ['z', 'y'])"), "true");
}

TEST(CelSets, WrongArgumentsAreNoOverload) {
  EXPECT_EQ(eval("sets.contains(1, [1])"), "error: no such overload: sets.contains(int, list)");
  EXPECT_EQ(eval("sets.contains([1])"), "error: no such overload: sets.contains(list)");
  EXPECT_EQ(eval("sets.equivalent([1], {})"),
            "error: no such overload: sets.equivalent(list, map)");
  EXPECT_EQ(eval("sets.intersects([1], [1], [1])"),
            "error: no such overload: sets.intersects(list, list, list)");
}

/// [0, n) as ints, uints or doubles (`kind` 'i', 'u', 'd'), each value `times` times.
Value numbers(std::int64_t n, char kind, int times = 1, std::int64_t offset = 0) {
  ValueList list;
  list.reserve(static_cast<std::size_t>(n * times));
  for (int t = 0; t < times; ++t) {
    for (std::int64_t i = 0; i < n; ++i) {
      const std::int64_t x = i + offset;
      if (kind == 'i') list.push_back(Value::integer(x));
      if (kind == 'u') list.push_back(Value::unsigned_integer(static_cast<std::uint64_t>(x)));
      if (kind == 'd') list.push_back(Value::floating(static_cast<double>(x)));
    }
  }
  return Value::list(std::move(list));
}

TEST(CelSets, LargeListsUseAnIndexWithCelEquality) {
  // 20,000 x 20,000 pairwise would be 4 * 10^8 comparisons, far over the budget: only the index
  // answers these.
  MapActivation vars;
  vars.set("ints", numbers(20'000, 'i'));
  vars.set("uints", numbers(20'000, 'u'));
  vars.set("doubles", numbers(20'000, 'd'));
  vars.set("shifted", numbers(20'000, 'i', 1, 10'000));
  vars.set("beyond", numbers(20'000, 'd', 1, 20'000));
  vars.set("with_neg_zero", Value::list({Value::floating(-0.0), Value::integer(19'999)}));
  EXPECT_EQ(eval("sets.contains(ints, uints)", vars), "true");
  EXPECT_EQ(eval("sets.contains(doubles, ints)", vars), "true");
  EXPECT_EQ(eval("sets.equivalent(uints, doubles)", vars), "true");
  EXPECT_EQ(eval("sets.contains(ints, shifted)", vars), "false");
  EXPECT_EQ(eval("sets.equivalent(ints, shifted)", vars), "false");
  EXPECT_EQ(eval("sets.intersects(ints, shifted)", vars), "true");
  EXPECT_EQ(eval("sets.intersects(uints, beyond)", vars), "false");
  EXPECT_EQ(eval("sets.contains(ints, with_neg_zero)", vars), "true") << "-0.0 == 0";
  EXPECT_EQ(eval("sets.intersects(with_neg_zero, beyond)", vars), "false");
}

TEST(CelSets, LargeListsOfCompositesAndStrings) {
  ValueList maps;
  ValueList reordered;
  ValueList strings;
  ValueList nested;
  ValueList deep;
  for (int i = 0; i < 1000; ++i) {
    maps.push_back(Value::map({{Value::string("a"), Value::integer(i)},
                               {Value::string("b"), Value::list({Value::integer(i)})}}));
    reordered.push_back(
        Value::map({{Value::string("b"), Value::list({Value::floating(i)})},
                    {Value::string("a"), Value::unsigned_integer(static_cast<std::uint64_t>(i))}}));
    strings.push_back(Value::string("s" + std::to_string(i)));
    Value v = Value::integer(i);
    for (int d = 0; d < 20; ++d) v = Value::list({v});
    nested.push_back(v);
    if (i < 100) {
      // Deeper than the hash looks: these differ only below it, so they share one bucket.
      for (int d = 0; d < 20; ++d) v = Value::list({v});
      deep.push_back(std::move(v));
    }
  }
  MapActivation vars;
  vars.set("maps", Value::list(maps));
  vars.set("reordered", Value::list(reordered));
  vars.set("strings", Value::list(strings));
  vars.set("nested", Value::list(nested));
  vars.set("deep", Value::list(deep));
  vars.set("opts", Value::list({Value::optional_of(Value::integer(999)), Value::optional_none()}));
  EXPECT_EQ(eval("sets.equivalent(maps, reordered)", vars), "true");
  EXPECT_EQ(eval("sets.contains(maps, [{'a': 5, 'b': [6]}])", vars), "false");
  EXPECT_EQ(eval("sets.contains(strings, ['s999', 's0'])", vars), "true");
  EXPECT_EQ(eval("sets.contains(strings, ['s1000'])", vars), "false");
  EXPECT_EQ(eval("sets.intersects(strings, maps)", vars), "false");
  EXPECT_EQ(eval("sets.equivalent(nested, nested.map(x, x))", vars), "true");
  EXPECT_EQ(eval("sets.contains(nested, [nested[999]])", vars), "true");
  EXPECT_EQ(eval("sets.contains(nested, [[nested[999]]])", vars), "false");
  EXPECT_EQ(eval("sets.equivalent(deep, deep.map(x, x))", vars), "true");
  EXPECT_EQ(eval("sets.contains(deep, [deep[99]])", vars), "true");
  EXPECT_EQ(eval("sets.contains(deep, [nested[99]])", vars), "false");
  EXPECT_EQ(eval("sets.contains(strings + opts, [optional.of(999.0), optional.none()])", vars),
            "true");
}

TEST(CelSets, DuplicatesDoNotMakeProbesQuadratic) {
  MapActivation vars;
  vars.set("ones", numbers(1, 'i', 50'000, 1));
  vars.set("one_doubles", numbers(1, 'd', 50'000, 1));
  EXPECT_EQ(eval("sets.contains(ones, one_doubles)", vars), "true");
  EXPECT_EQ(eval("sets.equivalent(ones, one_doubles)", vars), "true");
}

TEST(CelSets, LargeIntegersThatShareADoubleStayDistinct) {
  // 2^62 + k for k in [0, 511] all round to the double 2^62: equal to it, not to each other.
  MapActivation vars;
  vars.set("big", numbers(512, 'i', 1, kTwo62));
  vars.set("probe", Value::list({Value::integer(kTwo62 + 7), Value::integer(kTwo62 + 511)}));
  vars.set("absent", Value::list({Value::integer(kTwo62 - 100)}));
  vars.set("as_double", Value::list({Value::floating(static_cast<double>(kTwo62))}));
  EXPECT_EQ(eval("sets.contains(big, probe)", vars), "true");
  EXPECT_EQ(eval("sets.contains(big, absent)", vars), "false");
  EXPECT_EQ(eval("sets.contains(big, as_double)", vars), "true");
  EXPECT_EQ(eval("sets.intersects(as_double, big)", vars), "true");

  // The double sits between two integers it equals but they do not: dropping it as a duplicate
  // of its neighbour would lose the integers only it equals.
  ValueList mixed = {Value::integer(kTwo62 + 1), Value::floating(static_cast<double>(kTwo62)),
                     Value::integer(kTwo62 + 2), Value::list({Value::integer(kTwo62 + 1)}),
                     Value::list({Value::floating(static_cast<double>(kTwo62))})};
  for (int i = 0; i < 300; ++i) mixed.push_back(Value::string(std::to_string(i)));
  vars.set("mixed", Value::list(std::move(mixed)));
  vars.set("exact", Value::list({Value::integer(kTwo62), Value::list({Value::integer(kTwo62)})}));
  EXPECT_EQ(eval("sets.contains(mixed, exact)", vars), "true");
}

TEST(CelSets, TheComparisonBudgetBoundsAdversarialBuckets) {
  // Every probe walks the whole bucket of 512 hash-equal integers: 2,000 probes would need
  // over a million comparisons.
  MapActivation vars;
  vars.set("big", numbers(512, 'i', 1, kTwo62));
  ValueList last;
  for (int i = 0; i < 2000; ++i) last.push_back(Value::integer(kTwo62 + 511));
  vars.set("last", Value::list(std::move(last)));
  // Pairs of such integers: 4,096 distinct hash-equal lists on each side, none in common.
  ValueList pairs;
  ValueList other_pairs;
  for (std::int64_t i = 0; i < 64; ++i) {
    for (std::int64_t j = 0; j < 64; ++j) {
      pairs.push_back(Value::list({Value::integer(kTwo62 + i), Value::integer(kTwo62 + j)}));
      other_pairs.push_back(
          Value::list({Value::integer(kTwo62 - 100 - i), Value::integer(kTwo62 + j)}));
    }
  }
  vars.set("pairs", Value::list(std::move(pairs)));
  vars.set("other_pairs", Value::list(std::move(other_pairs)));
  EXPECT_EQ(eval("sets.contains(big, last)", vars),
            "error: sets.contains: too many element comparisons (limit 1000000)");
  EXPECT_EQ(eval("sets.equivalent(big, last)", vars),
            "error: sets.equivalent: too many element comparisons (limit 1000000)");
  EXPECT_EQ(eval("sets.intersects(pairs, other_pairs)", vars),
            "error: sets.intersects: too many element comparisons (limit 1000000)");
  EXPECT_EQ(eval("sets.intersects(pairs, other_pairs + [pairs[5]])", vars), "true")
      << "a hit found within the budget is an answer";
}

}  // namespace
}  // namespace sluice::cel
