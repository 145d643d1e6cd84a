// Plugin contracts of a scheduling profile: filters narrow the candidates, scorers rate them in
// [0,1], a picker turns weighted totals into a ranked list (primary first, then fallbacks).
//
// Plugin objects are immutable after construction and shared by every worker thread through a
// `Profile`; anything that changes per pick (RNG, round-robin cursor, prefix index, scratch) lives
// in the per-worker `Scheduler` and is passed in. That is what keeps the hot path lock-free.
#pragma once

#include "scheduling/endpoint_view.h"
#include "scheduling/request.h"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace sluice::scheduling {

/// Per-pick data computed once by the Scheduler and shared by all scorers.
struct CycleState {
  const SchedulingRequest* request = nullptr;
  /// For each candidate (same order as the scorer's `candidates`): prompt blocks already cached
  /// on that endpoint according to the PrefixIndex. Empty unless a scorer asked for it.
  std::span<const std::uint32_t> prefix_match_blocks;
  /// For each candidate: the sequence number of the last cache-cold request the Scheduler routed
  /// to it (0 = never). Empty unless a scorer asked for it.
  std::span<const std::uint64_t> cold_pick_seq;
};

/// A candidate with its weighted total score, as the picker sees it.
struct ScoredEndpoint {
  const EndpointView* endpoint = nullptr;
  double score = 0.0;
};

/// Mutable picker state owned by the per-worker Scheduler.
struct PickerState {
  std::uint64_t rng = 0;          ///< splitmix64 state
  std::uint64_t round_robin = 0;  ///< next round-robin offset
};

class Filter {
 public:
  virtual ~Filter() = default;
  /// Removes candidates that must not receive `request`, keeping the order of the rest.
  virtual void filter(const SchedulingRequest& request,
                      std::vector<const EndpointView*>& candidates) const = 0;
};

class Scorer {
 public:
  virtual ~Scorer() = default;
  /// Writes one score in [0,1] per candidate into `out` (same size), higher is better.
  virtual void score(const CycleState& state, std::span<const EndpointView* const> candidates,
                     std::span<double> out) const = 0;
  /// True if this scorer reads CycleState::prefix_match_blocks.
  virtual bool needs_prefix_match() const { return false; }
  /// True if this scorer reads CycleState::cold_pick_seq.
  virtual bool needs_cold_history() const { return false; }
};

class Picker {
 public:
  virtual ~Picker() = default;
  /// Appends up to max_endpoints() candidates to `ranked`, best first. May reorder `scored`.
  /// `scored` is never empty.
  virtual void pick(std::span<ScoredEndpoint> scored, PickerState& state,
                    std::vector<const EndpointView*>& ranked) const = 0;
  /// How many endpoints the ranked list holds at most (primary + fallbacks).
  virtual std::size_t max_endpoints() const = 0;
};

}  // namespace sluice::scheduling
