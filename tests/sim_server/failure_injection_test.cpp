#include "sim/server/failure_injection.h"

#include <gtest/gtest.h>

#include <map>

namespace sluice::sim {
namespace {

TEST(StatusMix, ParsesWeights) {
  auto mix = parse_status_mix("429=1,500=2.5,503");
  ASSERT_TRUE(mix.ok());
  ASSERT_EQ(mix->size(), 3u);
  EXPECT_EQ((*mix)[1].first, 500);
  EXPECT_DOUBLE_EQ((*mix)[1].second, 2.5);
  EXPECT_DOUBLE_EQ((*mix)[2].second, 1.0);
}

TEST(StatusMix, RejectsBadItems) {
  EXPECT_FALSE(parse_status_mix("").ok());
  EXPECT_FALSE(parse_status_mix("200=1").ok());
  EXPECT_FALSE(parse_status_mix("429=0").ok());
  EXPECT_FALSE(parse_status_mix("429=x").ok());
  EXPECT_FALSE(parse_status_mix("abc").ok());
  EXPECT_EQ(parse_status_mix("600").error().field, "--error-mix");
}

TEST(DecideFailure, OffByDefault) {
  FailureOptions options;
  std::uint64_t rng = 1;
  for (int i = 0; i < 1000; ++i) {
    auto d = decide_failure(options, rng, "", 10);
    ASSERT_TRUE(d.ok());
    EXPECT_FALSE(d->status);
    EXPECT_FALSE(d->drop_after_tokens);
  }
}

TEST(DecideFailure, HeaderForcesStatusOrDrop) {
  FailureOptions options;
  std::uint64_t rng = 1;
  EXPECT_EQ(*decide_failure(options, rng, "503", 10)->status, 503);
  EXPECT_EQ(*decide_failure(options, rng, "drop", 10)->drop_after_tokens, 1u);
  auto bad = decide_failure(options, rng, "200", 10);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

TEST(DecideFailure, RateAndMixAreRespected) {
  FailureOptions options;
  options.error_rate = 0.25;
  options.status_mix = {{429, 3}, {500, 1}};
  std::uint64_t rng = 42;
  std::map<int, int> counts;
  const int n = 40000;
  for (int i = 0; i < n; ++i) {
    auto d = decide_failure(options, rng, "", 10);
    counts[d->status.value_or(0)]++;
  }
  EXPECT_NEAR(counts[0] / double(n), 0.75, 0.02);
  EXPECT_NEAR(counts[429] / double(n), 0.25 * 0.75, 0.02);
  EXPECT_NEAR(counts[500] / double(n), 0.25 * 0.25, 0.02);
  EXPECT_EQ(counts.size(), 3u);
}

TEST(DecideFailure, DropsWithinTheAnswer) {
  FailureOptions options;
  options.drop_rate = 1;
  std::uint64_t rng = 7;
  for (int i = 0; i < 1000; ++i) {
    auto d = decide_failure(options, rng, "", 20);
    ASSERT_TRUE(d->drop_after_tokens);
    EXPECT_GE(*d->drop_after_tokens, 1u);
    EXPECT_LE(*d->drop_after_tokens, 20u);
  }
}

}  // namespace
}  // namespace sluice::sim
