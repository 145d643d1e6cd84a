#include "bench/model_split.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace sluice::bench {
namespace {

constexpr int kPicks = 100000;

ModelSplit must_parse(const std::vector<std::string>& specs) {
  auto split = ModelSplit::parse(specs);
  EXPECT_TRUE(split.ok()) << (split.ok() ? "" : split.error().message);
  return std::move(split).value();
}

std::map<std::string, int> count_picks(const ModelSplit& split, std::uint64_t seed,
                                       int n = kPicks) {
  std::map<std::string, int> counts;
  for (int i = 0; i < n; ++i) ++counts[split.pick(static_cast<std::uint64_t>(i), seed)];
  return counts;
}

TEST(ModelSplit, ParsesEveryForm) {
  const auto split = must_parse(
      {"base", "lora-a=3", "meta-llama/Llama-3.1-8B=2", "lora:sql=0.5", "a=b=1.5", "off=0"});
  const auto shares = split.shares();
  ASSERT_EQ(shares.size(), 6U);
  const double total = 1 + 3 + 2 + 0.5 + 1.5 + 0;
  const std::vector<std::pair<std::string, double>> want = {
      {"base", 1 / total},       {"lora-a", 3 / total}, {"meta-llama/Llama-3.1-8B", 2 / total},
      {"lora:sql", 0.5 / total}, {"a=b", 1.5 / total},  {"off", 0.0}};
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(shares[i].first, want[i].first);
    EXPECT_DOUBLE_EQ(shares[i].second, want[i].second) << want[i].first;
  }
  EXPECT_EQ(split.size(), 6U);
}

TEST(ModelSplit, RejectsBadSpecs) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{}, "at least one"},
      {{""}, "empty model name"},
      {{"=2"}, "empty model name"},
      {{"a="}, "must be a number"},
      {{"a=x"}, "must be a number"},
      {{"a=1x"}, "must be a number"},
      {{"a=inf"}, "must be a number"},
      {{"a=nan"}, "must be a number"},
      {{"a=-1"}, "[0, 1e9]"},
      {{"a=1e10"}, "[0, 1e9]"},
      {{"a b"}, "whitespace"},
      {{"a\tb=1"}, "whitespace"},
      {{std::string(257, 'm')}, "longer than 256"},
      {{"a", "b=2", "a=3"}, "'a' given twice"},
      {{"a=0", "b=0"}, "weight is 0"},
  };
  for (const auto& [specs, contains] : cases) {
    auto split = ModelSplit::parse(specs);
    ASSERT_FALSE(split.ok()) << (specs.empty() ? "<none>" : specs.back());
    EXPECT_EQ(split.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(split.error().field, "model");
    EXPECT_NE(split.error().message.find(contains), std::string::npos) << split.error().message;
    if (!specs.empty() && !specs.back().empty() && contains != "weight is 0") {
      EXPECT_NE(split.error().message.find(specs.back()), std::string::npos)
          << split.error().message;
    }
  }
}

TEST(ModelSplit, SingleModelIsAlwaysPicked) {
  const auto split = must_parse({"only/model:v1"});
  for (std::uint64_t i = 0; i < 1000; ++i) EXPECT_EQ(split.pick(i, i * 7), "only/model:v1");
}

TEST(ModelSplit, ProportionsFollowWeights) {
  const auto split = must_parse({"base=1", "lora-a=3"});
  const auto counts = count_picks(split, 42);
  // Binomial sd of the 0.25 share over 100k picks is 0.00137; 0.01 is > 7 sd.
  EXPECT_NEAR(counts.at("base") / double(kPicks), 0.25, 0.01);
  EXPECT_NEAR(counts.at("lora-a") / double(kPicks), 0.75, 0.01);
}

TEST(ModelSplit, ZeroWeightIsNeverPicked) {
  const auto split = must_parse({"a=1", "never=0", "b=1", "c=1"});
  const auto counts = count_picks(split, 7);
  EXPECT_EQ(counts.count("never"), 0U);
  for (const char* m : {"a", "b", "c"}) EXPECT_NEAR(counts.at(m) / double(kPicks), 1 / 3.0, 0.01);
}

// A chi-square goodness-of-fit over many unequal weights exercises every alias-table column.
TEST(ModelSplit, ManyModelsPassChiSquare) {
  std::vector<std::string> specs;
  double total = 0;
  for (int i = 0; i < 100; ++i) {
    const double w = 1 + (i % 7) * 0.5 + (i == 3 ? 40 : 0);
    specs.push_back("m" + std::to_string(i) + "=" + std::to_string(w));
    total += w;
  }
  const auto split = must_parse(specs);
  const auto counts = count_picks(split, 12345);
  double chi2 = 0;
  const auto shares = split.shares();
  for (const auto& [name, share] : shares) {
    const double expected = share * kPicks;
    const auto it = counts.find(name);
    const double observed = it == counts.end() ? 0 : it->second;
    chi2 += (observed - expected) * (observed - expected) / expected;
  }
  // 99 degrees of freedom: mean 99, sd 14. A wrong table is off by thousands.
  EXPECT_LT(chi2, 99 + 6 * 14) << chi2;
  EXPECT_NEAR(shares[3].second, 42.5 / total, 1e-12);
}

TEST(ModelSplit, DeterministicInIndexAndSeed) {
  const auto a = must_parse({"x=1", "y=1", "z=2"});
  const auto b = must_parse({"x=1", "y=1", "z=2"});
  int differ_by_seed = 0;
  int differ_by_shift = 0;
  for (std::uint64_t i = 0; i < 2000; ++i) {
    EXPECT_EQ(a.pick(i, 9), b.pick(i, 9));
    EXPECT_EQ(&a.pick(i, 9), &a.pick(i, 9));  // a reference into the split, no copy
    if (a.pick(i, 9) != a.pick(i, 10)) ++differ_by_seed;
    if (a.pick(i + 1, 9) != a.pick(i, 10)) ++differ_by_shift;  // seeds are not index offsets
  }
  // Unrelated draws differ with probability 1 - (0.25^2 + 0.25^2 + 0.5^2) = 0.625.
  EXPECT_NEAR(differ_by_seed / 2000.0, 0.625, 0.06);
  EXPECT_NEAR(differ_by_shift / 2000.0, 0.625, 0.06);
}

TEST(ModelSplit, ConsecutiveIndicesAreNotPeriodic) {
  // Round-robin would also give 50/50; the split must look random run by run.
  const auto split = must_parse({"a", "b"});
  int changes = 0;
  for (std::uint64_t i = 1; i < 10000; ++i) {
    if (split.pick(i, 1) != split.pick(i - 1, 1)) ++changes;
  }
  EXPECT_NEAR(changes / 10000.0, 0.5, 0.03);
}

}  // namespace
}  // namespace sluice::bench
