#include "bench/lengths.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace sluice::bench {
namespace {

constexpr int kSamples = 100000;

LengthDistribution must_parse(std::string_view spec) {
  auto d = LengthDistribution::parse(spec);
  EXPECT_TRUE(d.ok()) << spec << ": " << (d.ok() ? "" : d.error().message);
  return std::move(d).value();
}

struct Observed {
  double mean = 0, stddev = 0;
  std::uint32_t min = UINT32_MAX, max = 0;
};

Observed observe(const LengthDistribution& d, std::uint64_t seed) {
  std::uint64_t rng = seed;
  Observed o;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < kSamples; ++i) {
    const std::uint32_t v = d.sample(rng);
    sum += v;
    sum2 += static_cast<double>(v) * v;
    o.min = std::min(o.min, v);
    o.max = std::max(o.max, v);
  }
  o.mean = sum / kSamples;
  o.stddev = std::sqrt(sum2 / kSamples - o.mean * o.mean);
  return o;
}

TEST(LengthDistribution, FixedForms) {
  for (const char* spec : {"128", "fixed:128"}) {
    const auto d = must_parse(spec);
    EXPECT_EQ(d.kind(), LengthDistribution::Kind::kFixed);
    EXPECT_DOUBLE_EQ(d.mean(), 128);
    std::uint64_t rng = 1;
    for (int i = 0; i < 100; ++i) EXPECT_EQ(d.sample(rng), 128U);
  }
  EXPECT_EQ(LengthDistribution::fixed(0).min(), 1U);  // always >= 1
}

TEST(LengthDistribution, UniformCoversRangeInclusive) {
  const auto d = must_parse("uniform:10:20");
  EXPECT_DOUBLE_EQ(d.mean(), 15);
  const Observed o = observe(d, 5);
  EXPECT_EQ(o.min, 10U);
  EXPECT_EQ(o.max, 20U);
  EXPECT_NEAR(o.mean, 15.0, 0.1);
  const auto one = must_parse("uniform:7:7");
  std::uint64_t rng = 3;
  EXPECT_EQ(one.sample(rng), 7U);
}

TEST(LengthDistribution, NormalMeanStdAndClipping) {
  const Observed o = observe(must_parse("normal:500:50"), 9);
  EXPECT_NEAR(o.mean, 500, 1.5);
  EXPECT_NEAR(o.stddev, 50, 1.5);
  EXPECT_GE(o.min, 1U);

  const Observed clipped = observe(must_parse("normal:100:80:90:110"), 9);
  EXPECT_EQ(clipped.min, 90U);
  EXPECT_EQ(clipped.max, 110U);

  // Mostly-negative draws are still clipped to the default minimum of 1.
  const Observed low = observe(must_parse("normal:1:100"), 4);
  EXPECT_EQ(low.min, 1U);
}

TEST(LengthDistribution, LognormalParametersAreOfTheLengths) {
  const auto d = must_parse("lognormal:200:100");
  EXPECT_DOUBLE_EQ(d.mean(), 200);
  const Observed o = observe(d, 21);
  EXPECT_NEAR(o.mean, 200, 200 * 0.02);
  EXPECT_NEAR(o.stddev, 100, 100 * 0.05);
  EXPECT_GE(o.min, 1U);

  const Observed clipped = observe(must_parse("lognormal:200:100:150:250"), 21);
  EXPECT_EQ(clipped.min, 150U);
  EXPECT_EQ(clipped.max, 250U);
}

TEST(LengthDistribution, DeterministicPerSeed) {
  const auto d = must_parse("lognormal:300:200");
  std::uint64_t a = 17, b = 17;
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(d.sample(a), d.sample(b));
}

TEST(LengthDistribution, ZeroStdNormalIsConstant) {
  const auto d = must_parse("normal:64.4:0");
  std::uint64_t rng = 2;
  for (int i = 0; i < 10; ++i) EXPECT_EQ(d.sample(rng), 64U);
}

TEST(LengthDistribution, RejectsBadSpecsWithTheSpecInTheMessage) {
  const std::vector<std::string> bad = {"",
                                        "0",
                                        "-5",
                                        "abc",
                                        "12x",
                                        "fixed:",
                                        "fixed:0",
                                        "fixed:1:2",
                                        "uniform:5",
                                        "uniform:9:3",
                                        "uniform:0:3",
                                        "normal:100",
                                        "normal:100:-1",
                                        "normal:a:1",
                                        "normal:100:10:5",
                                        "normal:100:10:50:20",
                                        "lognormal:0:10",
                                        "lognormal:100:10:0:5",
                                        "zipf:1:2",
                                        "99999999999"};
  for (const auto& spec : bad) {
    auto d = LengthDistribution::parse(spec);
    ASSERT_FALSE(d.ok()) << "accepted '" << spec << "'";
    EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(d.error().message.find("'" + spec + "'"), std::string::npos) << d.error().message;
  }
}

TEST(LengthDistribution, CanonicalString) {
  EXPECT_EQ(must_parse("64").to_string(), "fixed:64");
  EXPECT_EQ(must_parse("uniform:1:9").to_string(), "uniform:1:9");
  EXPECT_EQ(must_parse("normal:100.5:20:1:400").to_string(), "normal:100.5:20:1:400");
}

}  // namespace
}  // namespace sluice::bench
