#include "bench/random.h"

#include "core/hash.h"

#include <cmath>

namespace sluice::bench {

double uniform01(std::uint64_t& state) {
  // The top 53 bits fill a double's mantissa exactly; 0x1.0p-53 = 2^-53.
  return static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53;
}

double uniform_open0(std::uint64_t& state) { return 1.0 - uniform01(state); }

double standard_normal(std::uint64_t& state) {
  for (;;) {
    const double u = 2.0 * uniform01(state) - 1.0;
    const double v = 2.0 * uniform01(state) - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * std::log(s) / s);
  }
}

double standard_exponential(std::uint64_t& state) { return -std::log(uniform_open0(state)); }

double standard_gamma(std::uint64_t& state, double shape) {
  if (shape < 1.0) {
    // U^(1/a) with U in (0,1] keeps the result finite and non-negative.
    const double boost = std::pow(uniform_open0(state), 1.0 / shape);
    return standard_gamma(state, shape + 1.0) * boost;
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0.0;
    double v = 0.0;
    do {
      x = standard_normal(state);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = uniform_open0(state);
    // Squeeze test first: avoids the two logs in ~98% of iterations.
    if (u < 1.0 - 0.0331 * (x * x) * (x * x)) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

}  // namespace sluice::bench
