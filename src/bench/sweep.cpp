#include "bench/sweep.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace sluice::bench {

Result<SweepSpacing> parse_sweep_spacing(std::string_view name) {
  if (name == "linear") return SweepSpacing::kLinear;
  if (name == "geometric") return SweepSpacing::kGeometric;
  return make_error(
      ErrorCode::kInvalidArgument,
      "unknown sweep spacing '" + std::string(name) + "' (expected linear or geometric)", "sweep");
}

std::string_view sweep_spacing_name(SweepSpacing spacing) {
  return spacing == SweepSpacing::kLinear ? "linear" : "geometric";
}

std::vector<double> sweep_rates(double saturation_rate, int stages, SweepSpacing spacing) {
  if (!std::isfinite(saturation_rate) || saturation_rate <= 0 || stages < 1) return {};
  const double n = stages;
  const double unit = saturation_rate / n;
  std::vector<double> rates(static_cast<std::size_t>(stages));
  for (int k = 1; k <= stages; ++k) {
    double r = 0;
    if (spacing == SweepSpacing::kLinear || stages == 1) {
      r = unit * k;
    } else {
      r = unit * (1 + n - std::pow(n, 1 - static_cast<double>(k - 1) / (n - 1)));
    }
    rates[static_cast<std::size_t>(k - 1)] = r;
  }
  rates.back() = saturation_rate;  // exactly, whatever pow's last ulp says
  return rates;
}

double saturation_rate_from_probe(const std::vector<double>& completion_times_s,
                                  double probe_duration_s) {
  const double d = probe_duration_s;
  if (!std::isfinite(d) || d <= 0) return 0;
  std::vector<double> times;
  times.reserve(completion_times_s.size());
  for (const double t : completion_times_s) {
    if (std::isfinite(t) && t >= 0 && t <= d) times.push_back(t);
  }
  if (times.empty()) return 0;
  std::sort(times.begin(), times.end());
  // Completions after the first event of a window, per second between its first and last event.
  auto event_rate = [](std::vector<double>::const_iterator first,
                       std::vector<double>::const_iterator last) {
    const double t0 = *first;
    const double span = *(last - 1) - t0;
    const auto after = std::upper_bound(first, last, t0);  // skip the whole first burst
    return static_cast<double>(last - after) / span;
  };
  const auto half = std::lower_bound(times.cbegin(), times.cend(), d / 2);
  if (half != times.cend() && times.back() - *half >= d / 8) {
    return event_rate(half, times.cend());
  }
  if (times.back() - times.front() >= d / 8) return event_rate(times.cbegin(), times.cend());
  return static_cast<double>(times.size()) / d;
}

}  // namespace sluice::bench
