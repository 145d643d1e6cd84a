#include "bench/sweep.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace sluice::bench {
namespace {

// --- sweep planning ---

TEST(SweepSpacing, ParsesNames) {
  EXPECT_EQ(*parse_sweep_spacing("linear"), SweepSpacing::kLinear);
  EXPECT_EQ(*parse_sweep_spacing("geometric"), SweepSpacing::kGeometric);
  EXPECT_EQ(sweep_spacing_name(SweepSpacing::kGeometric), "geometric");
  auto bad = parse_sweep_spacing("log");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("'log'"), std::string::npos);
}

TEST(SweepRates, MatchInferencePerfWhenSaturationEqualsStages) {
  // inference-perf: linspace(1, 5, 5) and 1 + 5 - geomspace(5, 1, 5).
  const auto lin = sweep_rates(5, 5, SweepSpacing::kLinear);
  const std::vector<double> want_lin = {1, 2, 3, 4, 5};
  ASSERT_EQ(lin.size(), 5U);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_NEAR(lin[i], want_lin[i], 1e-12);

  const auto geo = sweep_rates(5, 5, SweepSpacing::kGeometric);
  const std::vector<double> want_geo = {1, 6 - std::pow(5, 0.75), 6 - std::sqrt(5.0),
                                        6 - std::pow(5, 0.25), 5};
  ASSERT_EQ(geo.size(), 5U);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_NEAR(geo[i], want_geo[i], 1e-12);
  EXPECT_NEAR(geo[1], 2.6563, 1e-4);
}

TEST(SweepRates, AscendToSaturationForBothSpacings) {
  for (const SweepSpacing spacing : {SweepSpacing::kLinear, SweepSpacing::kGeometric}) {
    for (const double sat : {0.3, 1.0, 7.5, 120.0, 25000.0}) {
      for (const int n : {1, 2, 3, 5, 10, 40}) {
        const auto r = sweep_rates(sat, n, spacing);
        ASSERT_EQ(r.size(), static_cast<std::size_t>(n));
        EXPECT_EQ(r.back(), sat);
        EXPECT_NEAR(r.front(), sat / n, 1e-12 * sat);
        for (std::size_t i = 1; i < r.size(); ++i) EXPECT_LT(r[i - 1], r[i]) << sat << " " << n;
        // Geometric clusters near saturation: every step is smaller than the one before it.
        if (spacing == SweepSpacing::kGeometric) {
          for (std::size_t i = 2; i < r.size(); ++i) {
            EXPECT_LT(r[i] - r[i - 1], r[i - 1] - r[i - 2]) << sat << " " << n;
          }
        } else {
          for (std::size_t i = 1; i < r.size(); ++i)
            EXPECT_NEAR(r[i] - r[i - 1], sat / n, 1e-9 * sat);
        }
      }
    }
  }
}

TEST(SweepRates, InvalidInputsGiveNothing) {
  EXPECT_TRUE(sweep_rates(0, 5, SweepSpacing::kLinear).empty());
  EXPECT_TRUE(sweep_rates(-1, 5, SweepSpacing::kGeometric).empty());
  EXPECT_TRUE(sweep_rates(NAN, 5, SweepSpacing::kLinear).empty());
  EXPECT_TRUE(sweep_rates(INFINITY, 5, SweepSpacing::kLinear).empty());
  EXPECT_TRUE(sweep_rates(10, 0, SweepSpacing::kLinear).empty());
}

// --- saturation estimate ---

// Completions of a server with a steady `rate` after a linear ramp-up over [delay, delay + ramp].
std::vector<double> ramped(double rate, double delay, double ramp, double end) {
  std::vector<double> out;
  // Rate ramps from 0 to `rate`: cumulative count N(t) = rate * (t - delay)^2 / (2 ramp).
  for (int k = 1;; ++k) {
    const double ramp_count = rate * ramp / 2;
    double t = 0;
    if (k <= ramp_count) {
      t = delay + std::sqrt(2 * ramp * k / rate);
    } else {
      t = delay + ramp + (k - ramp_count) / rate;
    }
    if (t > end) return out;
    out.push_back(t);
  }
}

TEST(SaturationRate, IgnoresRampUp) {
  const auto times = ramped(200, 2.0, 2.0, 10.0);
  const double naive = static_cast<double>(times.size()) / 10.0;
  EXPECT_LT(naive, 160);  // the ramp would bias a whole-probe average by > 20%
  EXPECT_NEAR(saturation_rate_from_probe(times, 10.0), 200, 2);
}

TEST(SaturationRate, IgnoresTheDrainAfterTheProbe) {
  auto times = ramped(100, 0.5, 0.5, 8.0);
  // In-flight requests finishing slowly after sending stopped.
  for (int i = 1; i <= 50; ++i) times.push_back(8.0 + 0.1 * i);
  EXPECT_NEAR(saturation_rate_from_probe(times, 8.0), 100, 1.5);
}

TEST(SaturationRate, SlowTailInsideTheProbeMovesItOnlyProportionally) {
  std::vector<double> times = ramped(100, 0.5, 0.5, 9.5);
  for (int i = 1; i <= 25; ++i) times.push_back(9.5 + 0.02 * i);  // last 5%: half the rate
  const double r = saturation_rate_from_probe(times, 10.0);
  EXPECT_GT(r, 93);
  EXPECT_LT(r, 100.5);
}

TEST(SaturationRate, ExactForBatchedBursts) {
  // Continuous batching of equal-length requests: 64 finish together every 0.7 s.
  std::vector<double> times;
  for (int k = 0; 1.3 + 0.7 * k <= 10.0; ++k) {
    for (int j = 0; j < 64; ++j) times.push_back(1.3 + 0.7 * k);
  }
  std::reverse(times.begin(), times.end());  // any order
  EXPECT_NEAR(saturation_rate_from_probe(times, 10.0), 64 / 0.7, 1e-6);
}

TEST(SaturationRate, DegenerateInputs) {
  EXPECT_EQ(saturation_rate_from_probe({}, 5.0), 0);
  EXPECT_EQ(saturation_rate_from_probe({1.0, 2.0}, 0.0), 0);
  EXPECT_EQ(saturation_rate_from_probe({1.0, 2.0}, NAN), 0);
  EXPECT_EQ(saturation_rate_from_probe({7.0, 8.0}, 5.0), 0);  // all after the probe
  // Everything in one instant: no span to measure, so count / duration.
  EXPECT_DOUBLE_EQ(saturation_rate_from_probe(std::vector<double>(40, 4.0), 5.0), 8.0);
  // Second half too short a span, whole probe usable: event rate over the whole probe.
  EXPECT_DOUBLE_EQ(saturation_rate_from_probe({1.0, 2.0, 3.0, 4.0, 4.9}, 10.0), 4 / 3.9);
  // Non-finite and negative times are dropped.
  EXPECT_DOUBLE_EQ(saturation_rate_from_probe({NAN, -1.0, 6.0, 7.0, 8.0}, 10.0), 1.0);
}

}  // namespace
}  // namespace sluice::bench
