// Token-length distributions for synthetic prompts and outputs.
#pragma once

#include "core/result.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::bench {

/// A distribution of token counts, parsed from a compact spec:
///
///   "128" or "fixed:128"          always 128
///   "uniform:MIN:MAX"             integers uniform in [MIN, MAX] inclusive
///   "normal:MEAN:STD[:MIN:MAX]"   round(N(MEAN, STD)), clipped to [MIN, MAX]
///   "lognormal:MEAN:STD[:MIN:MAX]" round(X), clipped, where X is lognormal with E[X] = MEAN and
///                                 SD[X] = STD (the lengths' moments, not the log's):
///                                 sigma^2 = ln(1 + STD^2 / MEAN^2), mu = ln(MEAN) - sigma^2 / 2
///
/// MIN defaults to 1 and MAX to 2^31 - 1; every sample is >= 1. Numbers may be decimals for
/// MEAN/STD; fixed values and bounds must be integers >= 1. Invalid specs give kInvalidArgument
/// with a message quoting the spec.
class LengthDistribution {
 public:
  enum class Kind { kFixed, kUniform, kNormal, kLognormal };

  static Result<LengthDistribution> parse(std::string_view spec);
  static LengthDistribution fixed(std::uint32_t value);

  /// Draws one length, advancing the splitmix64 state `rng`.
  std::uint32_t sample(std::uint64_t& rng) const;

  /// The nominal mean: the fixed value, (MIN + MAX) / 2, or MEAN as given. Clipping and rounding
  /// are ignored, so a heavily clipped normal's empirical mean differs from this.
  double mean() const;

  Kind kind() const { return kind_; }
  std::uint32_t min() const { return min_; }
  std::uint32_t max() const { return max_; }
  /// The spec in canonical form, e.g. "normal:100:20:1:2147483647".
  std::string to_string() const;

 private:
  LengthDistribution() = default;

  Kind kind_ = Kind::kFixed;
  double mean_ = 1;
  double std_ = 0;
  std::uint32_t min_ = 1;
  std::uint32_t max_ = 1;
  double log_mu_ = 0;     // lognormal only
  double log_sigma_ = 0;  // lognormal only
};

}  // namespace sluice::bench
