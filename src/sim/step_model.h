// The cost of one engine step (one forward pass of a continuous batch), from its shape and a
// Profile. Pure arithmetic, exposed so that tests and docs/sim-profiles.md can reproduce the
// engine's timings by hand.
#pragma once

#include "core/clock.h"
#include "sim/profile.h"

#include <cstdint>

namespace sluice::sim {

/// What one step computes. Built by the engine's scheduler, reported through EngineSink::on_step.
struct StepShape {
  /// Tokens computed by prefill chunks (prompt tokens not found in the prefix cache, and tokens
  /// recomputed after a preemption).
  std::uint64_t prefill_tokens = 0;
  /// Sum over prefill chunks of chunk_tokens x context_tokens, where context_tokens is the
  /// sequence length once the chunk is computed (the attention work grows quadratically).
  std::uint64_t prefill_token_pairs = 0;
  /// Sequences producing one decode token in this step.
  std::uint64_t decode_seqs = 0;
  /// KV-cache tokens the decode sequences attend over (their lengths including the new token).
  std::uint64_t decode_kv_tokens = 0;
  /// LoRA adapters loaded into a GPU slot by this step.
  std::uint64_t lora_loads = 0;

  /// Tokens the step schedules (vllm:iteration_tokens_total observes this).
  std::uint64_t scheduled_tokens() const { return prefill_tokens + decode_seqs; }
  bool empty() const { return prefill_tokens == 0 && decode_seqs == 0; }
};

/// The step time per the formula documented on Profile; zero for an empty shape.
Duration step_time(const Profile& profile, const StepShape& shape);

}  // namespace sluice::sim
