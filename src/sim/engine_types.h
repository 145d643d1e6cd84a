// The data exchanged with a simulated Engine: requests in; token events, per-request facts,
// counters and gauge snapshots out. Kept apart from engine.h so that consumers (the HTTP front's
// metrics) can include the vocabulary without the engine.
#pragma once

#include "core/clock.h"
#include "sim/finish_reason.h"
#include "sim/step_model.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sluice::sim {

struct SeqRequest {
  std::uint64_t id = 0;                      ///< unique among live requests, chosen by the caller
  std::vector<std::uint32_t> prompt_tokens;  ///< token ids (from the front's tokenizer)
  std::uint32_t output_tokens = 1;           ///< exactly this many tokens are generated (>= 1)
  FinishReason reason_at_end = FinishReason::kLength;  ///< reported when output_tokens are done
  int adapter = -1;  ///< id from Engine::register_adapter(), or -1 for the base model
};

/// Per-sequence facts reported at the end (for the front's histograms and usage). Times follow
/// vLLM's interval definitions: queue = arrival -> last_scheduled, prefill = last_scheduled ->
/// first_token, decode = first_token -> last_token, inference = last_scheduled -> last_token.
struct SeqStats {
  std::uint32_t prompt_tokens = 0;
  std::uint32_t cached_prompt_tokens = 0;  ///< prefix-cache hit at first admission (usage details)
  std::uint32_t output_tokens = 0;
  std::uint32_t preemptions = 0;
  TimePoint arrival{};          ///< add() time
  TimePoint first_scheduled{};  ///< start of the first step that scheduled it
  TimePoint first_token{};      ///< end of the step that completed its prefill
  TimePoint last_token{};
  TimePoint finished{};        ///< == last_token
  TimePoint last_scheduled{};  ///< start of the step that last (re)admitted it, after preemptions
};

/// One completed engine step, for per-step metrics (vllm:iteration_tokens_total).
struct StepInfo {
  TimePoint start{}, end{};
  StepShape shape;
  std::size_t running = 0;  ///< running sequences during the step
  std::size_t waiting = 0;  ///< waiting requests when the step was scheduled
};

/// Callbacks made from inside Engine::advance(). They may call Engine::add() and Engine::abort(),
/// but not advance().
class EngineSink {
 public:
  virtual ~EngineSink() = default;
  /// `count` new tokens were produced for sequence `id` at simulated time `at` (the end of the
  /// step). count is 1 except in the fixed profile, where tokens falling at the same instant
  /// (ITL 0) are reported together.
  virtual void on_tokens(std::uint64_t id, std::uint32_t count, TimePoint at) = 0;
  /// The sequence is done (after its last on_tokens). Not called for abort().
  virtual void on_finished(std::uint64_t id, FinishReason reason, const SeqStats& stats) = 0;
  /// A batched step completed (after its token callbacks). Not called in the fixed profile.
  virtual void on_step(const StepInfo& /*step*/) {}
};

/// Monotonic counters with vLLM metric semantics (tokens, not blocks).
struct EngineCounters {
  /// vllm:prompt_tokens_total: a request's prompt length, counted when its first token is produced
  /// (once per request, as vLLM V1 does; recomputation after preemption is not counted again).
  std::uint64_t prompt_tokens = 0;
  std::uint64_t generation_tokens = 0;     ///< vllm:generation_tokens_total
  std::uint64_t prefix_cache_queries = 0;  ///< prompt tokens looked up, once per request
  std::uint64_t prefix_cache_hits = 0;     ///< of which found in the cache
  std::uint64_t preemptions = 0;           ///< vllm:num_preemptions_total
  /// vllm:request_success_total{finished_reason}: abort() counts as "abort", as in vLLM.
  std::uint64_t success_stop = 0, success_length = 0, success_abort = 0;
  std::uint64_t steps = 0;  ///< engine steps (fixed profile: distinct event instants)
};

/// A snapshot for gauges.
struct EngineState {
  std::size_t running = 0, waiting = 0;
  double kv_cache_usage = 0;  ///< blocks in use / total blocks, 0..1
  std::vector<std::string> running_adapters, waiting_adapters;  ///< for vllm:lora_requests_info
};

}  // namespace sluice::sim
