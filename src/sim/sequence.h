// Engine-internal state of one request. Not part of the public contract.
#pragma once

#include "core/clock.h"
#include "sim/engine_types.h"

#include <cstdint>
#include <vector>

namespace sluice::sim::detail {

enum class SeqState : std::uint8_t {
  kFree,     ///< slot unused
  kWaiting,  ///< in the waiting list
  kRunning,  ///< in the running batch
  kDone,     ///< finished during the current step; slot released when the batch is compacted
  kAborted,  ///< aborted while running; slot released when the batch is compacted
};

struct Seq {
  std::uint64_t id = 0;
  std::uint32_t generation = 0;  ///< bumped on slot reuse (fixed-profile heap entries)
  SeqState state = SeqState::kFree;
  FinishReason reason = FinishReason::kLength;
  int adapter = -1;
  bool admitted_once = false;
  bool kv_tracked = true;  ///< fixed profile: false once the KV cache could not grow it

  std::uint32_t prompt_len = 0;
  std::uint32_t output_target = 0;
  std::uint32_t generated = 0;
  std::uint32_t computed = 0;     ///< tokens whose KV is computed (vLLM num_computed_tokens)
  std::uint32_t registered = 0;   ///< leading blocks already findable by hash
  std::uint32_t step_tokens = 0;  ///< tokens scheduled in the step in flight

  std::vector<std::uint64_t> hashes;  ///< hash chain of the full prompt blocks
  std::vector<std::int32_t> blocks;   ///< block table
  SeqStats stats;

  std::int32_t prev = -1, next = -1;  ///< waiting-list links (slot indices)

  std::uint32_t num_tokens() const { return prompt_len + generated; }
};

}  // namespace sluice::sim::detail
