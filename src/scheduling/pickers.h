// Built-in pickers. Each returns up to `max_endpoints` distinct endpoints, best first; the ones
// after the first are the fallbacks the gateway retries on connect failure or early 5xx.
#pragma once

#include "scheduling/plugin.h"

namespace sluice::scheduling {

/// Ranked-list length when a config does not set `maxNumOfEndpoints`: primary + 2 fallbacks.
inline constexpr std::size_t kDefaultRankedEndpoints = 3;

/// A picker that ranks at most `max_endpoints` endpoints (the primary plus fallbacks).
class BoundedPicker : public Picker {
 public:
  explicit BoundedPicker(std::size_t max_endpoints) : max_endpoints_(max_endpoints) {}
  std::size_t max_endpoints() const override { return max_endpoints_; }

 private:
  std::size_t max_endpoints_;
};

/// `max-score-picker`: highest total score first; equal scores are ordered randomly (from the
/// Scheduler's seeded RNG) so that ties spread load instead of always hitting the first endpoint.
class MaxScorePicker final : public BoundedPicker {
 public:
  explicit MaxScorePicker(std::size_t max_endpoints = kDefaultRankedEndpoints)
      : BoundedPicker(max_endpoints) {}
  void pick(std::span<ScoredEndpoint> scored, PickerState& state,
            std::vector<const EndpointView*>& ranked) const override;
};

/// `weighted-random-picker`: samples without replacement with probability proportional to the
/// total score (uniform when every score is 0). Spreads load while still preferring good endpoints.
class WeightedRandomPicker final : public BoundedPicker {
 public:
  explicit WeightedRandomPicker(std::size_t max_endpoints = kDefaultRankedEndpoints)
      : BoundedPicker(max_endpoints) {}
  void pick(std::span<ScoredEndpoint> scored, PickerState& state,
            std::vector<const EndpointView*>& ranked) const override;
};

/// `random-picker`: uniform, ignoring scores.
class RandomPicker final : public BoundedPicker {
 public:
  explicit RandomPicker(std::size_t max_endpoints = kDefaultRankedEndpoints)
      : BoundedPicker(max_endpoints) {}
  void pick(std::span<ScoredEndpoint> scored, PickerState& state,
            std::vector<const EndpointView*>& ranked) const override;
};

/// `round-robin-picker`: the baseline. Ignores scores and rotates through the candidates in their
/// given order; fallbacks are the next ones in the rotation. The cursor is per Scheduler (per
/// worker), so each worker is exactly fair and the whole gateway is fair up to one round.
class RoundRobinPicker final : public BoundedPicker {
 public:
  explicit RoundRobinPicker(std::size_t max_endpoints = kDefaultRankedEndpoints)
      : BoundedPicker(max_endpoints) {}
  void pick(std::span<ScoredEndpoint> scored, PickerState& state,
            std::vector<const EndpointView*>& ranked) const override;
};

}  // namespace sluice::scheduling
