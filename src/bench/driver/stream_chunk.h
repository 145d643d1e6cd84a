// Reads one OpenAI streaming event (the JSON after "data: "): does it carry generated text, and
// does it carry `usage`? Only what the load generator needs, with simdjson on-demand.
#pragma once

#include "core/result.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice::bench {

struct StreamChunk {
  bool has_content = false;  ///< a choice with non-empty delta.content (chat) or text (completions)
  /// Approximate tokens of that content (sluice's tokenizer, src/openai/tokenizer.h): exact against
  /// sluice sim, an estimate elsewhere. Used for per-token ITL and when `usage` is absent.
  std::uint32_t content_tokens = 0;
  std::optional<std::uint32_t> prompt_tokens;      ///< usage.prompt_tokens
  std::optional<std::uint32_t> completion_tokens;  ///< usage.completion_tokens
};

/// Parses one event payload; kInvalidArgument if it is not a JSON object.
Result<StreamChunk> parse_stream_chunk(std::string_view payload);

/// Parses a non-streaming body: content presence and usage.
Result<StreamChunk> parse_completion_body(std::string_view body);

}  // namespace sluice::bench
