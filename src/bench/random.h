// Platform-independent random variates for the load generator.
//
// std:: distributions produce different sequences on libstdc++, libc++ and MSVC, so a benchmark
// seeded with 42 would not replay the same schedule everywhere. These samplers use only a
// splitmix64 state (src/core/hash.h), IEEE arithmetic, sqrt, log and exp, so a seed gives the same
// stream on every platform (up to last-ulp differences of log/exp between libms).
#pragma once

#include <cstdint>

namespace sluice::bench {

/// Uniform in [0, 1) with 53 random bits. Advances `state` by one splitmix64 step.
double uniform01(std::uint64_t& state);

/// Uniform in (0, 1]: safe to pass to log().
double uniform_open0(std::uint64_t& state);

/// Standard normal N(0, 1) by Marsaglia's polar method (rejection; ~1.27 pairs per sample; the
/// second value of the pair is discarded to keep the sampler stateless apart from `state`).
double standard_normal(std::uint64_t& state);

/// Exponential with mean 1: -log(U), U in (0, 1].
double standard_exponential(std::uint64_t& state);

/// Gamma(shape, scale = 1) by Marsaglia & Tsang (2000), "A simple method for generating gamma
/// variables". For shape < 1 uses the boost Gamma(shape) = Gamma(shape + 1) * U^(1/shape).
/// Precondition: shape > 0.
double standard_gamma(std::uint64_t& state, double shape);

}  // namespace sluice::bench
