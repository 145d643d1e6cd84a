// Built-in scorers. Every score is in [0,1], higher is better. Load scorers normalise against the
// current candidate set (min-max), so a score compares endpoints rather than measuring absolutes;
// when all candidates tie every one scores 1.
#pragma once

#include "scheduling/plugin.h"

namespace sluice::scheduling {

/// Which load signal a MinMaxLoadScorer reads.
enum class LoadSignal { kQueue, kRunning, kInFlight };

/// `queue-scorer` (waiting), `running-requests-size-scorer` (running) and `active-request-scorer`
/// (the gateway's own in-flight count: "least in-flight"): (max - x) / (max - min).
class MinMaxLoadScorer final : public Scorer {
 public:
  explicit MinMaxLoadScorer(LoadSignal signal) : signal_(signal) {}
  void score(const CycleState& state, std::span<const EndpointView* const> candidates,
             std::span<double> out) const override;

 private:
  LoadSignal signal_;
};

/// `kv-cache-utilization-scorer` (alias `kv-cache-scorer`): 1 - KV-cache usage.
class KvCacheScorer final : public Scorer {
 public:
  void score(const CycleState& state, std::span<const EndpointView* const> candidates,
             std::span<double> out) const override;
};

/// `prefix-cache-scorer`: fraction of the prompt's prefix blocks already cached on the endpoint,
/// per the approximate PrefixIndex (GIE's approximate prefix cache). 0 for prompts shorter than
/// one block.
class PrefixCacheScorer final : public Scorer {
 public:
  void score(const CycleState& state, std::span<const EndpointView* const> candidates,
             std::span<double> out) const override;
  bool needs_prefix_match() const override { return true; }
};

/// `no-hit-lru-scorer` (llm-d): spreads cache-cold requests. When no candidate has any of the
/// prompt's prefix cached, the candidate that least recently received a cold request scores 1 and
/// the most recent 0 (min-max over the Scheduler's cold-pick sequence numbers); so new prefixes
/// land on different endpoints and later requests of each prefix find it there. For warm requests
/// every candidate scores 0 and the prefix scorer decides.
class NoHitLruScorer final : public Scorer {
 public:
  void score(const CycleState& state, std::span<const EndpointView* const> candidates,
             std::span<double> out) const override;
  bool needs_prefix_match() const override { return true; }
  bool needs_cold_history() const override { return true; }
};

/// `lora-affinity-scorer`: for adapter requests, adapter resident (1.0) > free adapter slot (0.75)
/// > adapter already waiting to load (0.5) > none (0). Base-model requests score 1 everywhere.
class LoraAffinityScorer final : public Scorer {
 public:
  static constexpr double kResident = 1.0;
  static constexpr double kFreeSlot = 0.75;
  static constexpr double kWaiting = 0.5;
  void score(const CycleState& state, std::span<const EndpointView* const> candidates,
             std::span<double> out) const override;
};

/// `session-affinity-scorer`: 1 for the session's endpoint, 0 for the rest. The session's endpoint
/// is `session_endpoint` when the request names one that is still a candidate, otherwise the
/// rendezvous-hash (highest hash of key and endpoint id) winner for `session_key`: stateless, and
/// only the sessions of an endpoint that leaves move. No key: 0 for everyone.
class SessionAffinityScorer final : public Scorer {
 public:
  void score(const CycleState& state, std::span<const EndpointView* const> candidates,
             std::span<double> out) const override;
};

}  // namespace sluice::scheduling
