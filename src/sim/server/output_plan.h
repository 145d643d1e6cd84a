// What a simulated request will answer, decided when it arrives: how many tokens, which text, and
// why it ends. Deciding up front lets the engine know each sequence's exact length (the engine only
// sees token counts) and keeps streaming and non-streaming answers identical for the same input.
//
// Rules (documented for users in docs/sim.md):
// - `max_tokens` (or `max_completion_tokens`) is honoured exactly: the answer has that many tokens
//   and finish_reason "length", as if `ignore_eos` were set; this keeps benchmarks predictable.
// - Without `max_tokens`: with `ignore_eos` the answer runs to the context limit ("length");
//   otherwise an end-of-sequence comes after a pseudo-random 16..512 tokens ("stop").
// - `stop` strings end the answer early with "stop"; the stop string itself is not returned.
// - The text is a function of (--seed, the request's `seed`, or else the prompt's tokens).
#pragma once

#include "openai/request.h"
#include "sim/engine.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sluice::sim {

struct OutputPlan {
  std::string text;                       ///< the whole answer after stop-string truncation
  std::vector<std::uint32_t> token_ends;  ///< text.substr(token_ends[i-1], ...) is token i's text
  FinishReason reason = FinishReason::kLength;
  std::uint32_t tokens() const { return static_cast<std::uint32_t>(token_ends.size()); }
  /// Text of tokens [from, to) (possibly empty when a stop string swallowed them).
  std::string_view text_of(std::uint32_t from, std::uint32_t to) const;
};

/// Plans the answer of `request` whose prompt is `prompt_tokens` tokens long.
/// `max_new_tokens` = context limit minus prompt length (already checked to be >= 1).
OutputPlan plan_output(const openai::CompletionRequest& request,
                       std::span<const std::uint32_t> prompt_tokens, std::uint32_t max_new_tokens,
                       std::uint64_t global_seed);

}  // namespace sluice::sim
