#include "scheduling/pickers.h"

#include "core/hash.h"

#include <algorithm>
#include <cmath>

namespace sluice::scheduling {
namespace {

// Uniform in (0,1], never 0 so that log() is finite.
double uniform01(std::uint64_t& rng) {
  return (static_cast<double>(splitmix64(rng) >> 11) + 1.0) * 0x1.0p-53;
}

// Moves the k entries with the largest `score` to the front, in descending order.
void take_top(std::span<ScoredEndpoint> s, std::size_t k) {
  auto better = [](const ScoredEndpoint& a, const ScoredEndpoint& b) { return a.score > b.score; };
  std::partial_sort(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(k), s.end(), better);
}

}  // namespace

void MaxScorePicker::pick(std::span<ScoredEndpoint> scored, PickerState& state,
                          std::vector<const EndpointView*>& ranked) const {
  // Random tie-break: shuffle first (Fisher-Yates), then a stable partial order by score keeps
  // the shuffled order among equals. Stable selection of k from n: one pass per rank, k is small.
  for (std::size_t i = scored.size(); i > 1; --i) {
    const std::size_t j = splitmix64(state.rng) % i;
    std::swap(scored[i - 1], scored[j]);
  }
  const std::size_t k = std::min(max_endpoints(), scored.size());
  for (std::size_t r = 0; r < k; ++r) {
    std::size_t best = r;
    for (std::size_t i = r + 1; i < scored.size(); ++i) {
      if (scored[i].score > scored[best].score) {
        best = i;
      }
    }
    std::swap(scored[r], scored[best]);
    ranked.push_back(scored[r].endpoint);
  }
}

void WeightedRandomPicker::pick(std::span<ScoredEndpoint> scored, PickerState& state,
                                std::vector<const EndpointView*>& ranked) const {
  // Efraimidis-Spirakis: key = log(u) / w; the k largest keys are a weighted sample without
  // replacement. Zero weights get -inf (picked last, in random order among themselves).
  bool any_positive = false;
  for (const ScoredEndpoint& s : scored) {
    any_positive = any_positive || s.score > 0.0;
  }
  for (ScoredEndpoint& s : scored) {
    const double w = any_positive ? s.score : 1.0;
    const double u = uniform01(state.rng);
    s.score = w > 0.0 ? std::log(u) / w : -HUGE_VAL;
  }
  const std::size_t k = std::min(max_endpoints(), scored.size());
  take_top(scored, k);
  for (std::size_t i = 0; i < k; ++i) {
    ranked.push_back(scored[i].endpoint);
  }
}

void RandomPicker::pick(std::span<ScoredEndpoint> scored, PickerState& state,
                        std::vector<const EndpointView*>& ranked) const {
  const std::size_t k = std::min(max_endpoints(), scored.size());
  for (std::size_t i = 0; i < k; ++i) {
    const std::size_t j = i + splitmix64(state.rng) % (scored.size() - i);
    std::swap(scored[i], scored[j]);
    ranked.push_back(scored[i].endpoint);
  }
}

void RoundRobinPicker::pick(std::span<ScoredEndpoint> scored, PickerState& state,
                            std::vector<const EndpointView*>& ranked) const {
  const std::size_t n = scored.size();
  const std::size_t start = state.round_robin % n;
  ++state.round_robin;
  const std::size_t k = std::min(max_endpoints(), n);
  for (std::size_t i = 0; i < k; ++i) {
    ranked.push_back(scored[(start + i) % n].endpoint);
  }
}

}  // namespace sluice::scheduling
