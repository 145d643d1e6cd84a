#include "scheduling/scorers.h"

#include "core/hash.h"

#include <algorithm>
#include <limits>

namespace sluice::scheduling {
namespace {

double load_of(const EndpointView& e, LoadSignal signal) {
  switch (signal) {
    case LoadSignal::kQueue:
      return e.waiting;
    case LoadSignal::kRunning:
      return e.running;
    case LoadSignal::kInFlight:
      return e.in_flight;
  }
  return 0.0;
}

}  // namespace

void MinMaxLoadScorer::score(const CycleState&, std::span<const EndpointView* const> candidates,
                             std::span<double> out) const {
  double lo = std::numeric_limits<double>::max();
  double hi = std::numeric_limits<double>::lowest();
  for (const EndpointView* e : candidates) {
    const double v = load_of(*e, signal_);
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  const double range = hi - lo;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    out[i] = range > 0.0 ? (hi - load_of(*candidates[i], signal_)) / range : 1.0;
  }
}

void KvCacheScorer::score(const CycleState&, std::span<const EndpointView* const> candidates,
                          std::span<double> out) const {
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    out[i] = 1.0 - std::clamp(candidates[i]->kv_cache_usage, 0.0, 1.0);
  }
}

void PrefixCacheScorer::score(const CycleState& state,
                              std::span<const EndpointView* const> candidates,
                              std::span<double> out) const {
  const std::size_t total = state.request->prefix_hashes.size();
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const bool known = total > 0 && i < state.prefix_match_blocks.size();
    out[i] = known ? static_cast<double>(state.prefix_match_blocks[i]) / static_cast<double>(total)
                   : 0.0;
  }
}

void LoraAffinityScorer::score(const CycleState& state,
                               std::span<const EndpointView* const> candidates,
                               std::span<double> out) const {
  const SchedulingRequest& r = *state.request;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const EndpointView& e = *candidates[i];
    if (!r.is_adapter) {
      out[i] = 1.0;
    } else if (e.adapter_running(r.model)) {
      out[i] = kResident;
    } else if (e.running_adapters.size() < e.max_loras) {
      out[i] = kFreeSlot;
    } else if (e.adapter_waiting(r.model)) {
      out[i] = kWaiting;
    } else {
      out[i] = 0.0;
    }
  }
}

void SessionAffinityScorer::score(const CycleState& state,
                                  std::span<const EndpointView* const> candidates,
                                  std::span<double> out) const {
  const SchedulingRequest& r = *state.request;
  std::fill(out.begin(), out.end(), 0.0);
  if (r.session_endpoint) {
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      if (candidates[i]->id == *r.session_endpoint) {
        out[i] = 1.0;
        return;
      }
    }
  }
  if (r.session_key.empty() || candidates.empty()) {
    return;
  }
  const std::uint64_t key = hash64(r.session_key);
  std::size_t best = 0;
  std::uint64_t best_weight = 0;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    std::uint64_t mix = key ^ (std::uint64_t{candidates[i]->id} * 0x9E3779B97F4A7C15ULL);
    const std::uint64_t w = splitmix64(mix);
    if (i == 0 || w > best_weight) {
      best = i;
      best_weight = w;
    }
  }
  out[best] = 1.0;
}

void NoHitLruScorer::score(const CycleState& state, std::span<const EndpointView* const> candidates,
                           std::span<double> out) const {
  const bool warm = std::any_of(state.prefix_match_blocks.begin(), state.prefix_match_blocks.end(),
                                [](std::uint32_t blocks) { return blocks > 0; });
  if (warm || state.cold_pick_seq.size() != candidates.size()) {
    std::fill(out.begin(), out.end(), 0.0);
    return;
  }
  const auto [lo, hi] = std::minmax_element(state.cold_pick_seq.begin(), state.cold_pick_seq.end());
  const double range = static_cast<double>(*hi - *lo);
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    out[i] = range == 0.0 ? 1.0 : static_cast<double>(*hi - state.cold_pick_seq[i]) / range;
  }
}

}  // namespace sluice::scheduling
