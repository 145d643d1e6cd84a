// Response bodies of /v1/chat/completions and /v1/completions, byte-compatible with vLLM's
// OpenAI server (the v0.10 protocol.py models, serialized as vLLM does: compact JSON, non-ASCII
// verbatim). Written with appends, no DOM. Shapes (README.md has them in full):
//
// Non-streaming (pydantic model_dump: every field, nulls included):
//   chat:  {"id","object":"chat.completion","created","model","choices":[{"index":0,
//           "message":{"role":"assistant","content",...nulls...,"tool_calls":[],
//           "reasoning_content":null},"logprobs":null,"finish_reason","stop_reason"}],
//           "service_tier":null,"system_fingerprint":null,"usage":{...},
//           "prompt_logprobs":null,"kv_transfer_params":null}
//   text:  {"id","object":"text_completion",...,"choices":[{"index":0,"text","logprobs":null,
//           "finish_reason","stop_reason","prompt_logprobs":null}],...,"kv_transfer_params":null}
// Streaming: one SSE event per call, "data: {...}\n\n". Chat chunks omit unset fields
// (exclude_unset), completion chunks carry every field ("usage":null), the usage chunk drops
// nulls (exclude_none). `usage` is {"prompt_tokens","total_tokens","completion_tokens",
// "prompt_tokens_details"}; prompt_tokens_details is {"cached_tokens":N} when cached_tokens > 0
// (vLLM: only with --enable-prompt-tokens-details; pass 0 to mimic it being off), else null
// or absent.
//
// Chunk builders only append to `out`, reserving once for the whole event.
#pragma once

#include "openai/error_body.h"
#include "openai/request.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::openai {

struct Usage {
  std::uint32_t prompt_tokens = 0;
  std::uint32_t completion_tokens = 0;
  std::uint32_t cached_tokens = 0;  ///< prefix-cache hits among prompt_tokens
};

/// What every body of one response repeats.
struct ResponseMeta {
  std::string id;            ///< make_request_id()
  std::string model;         ///< the model name the client asked for
  std::int64_t created = 0;  ///< Unix seconds
  ApiKind kind = ApiKind::kChat;
};

/// "chatcmpl-<32 hex>" or "cmpl-<32 hex>" (vLLM: prefix + uuid4 hex). The hex is a bijective mix
/// of `n`, so distinct `n` give distinct ids; callers feed a per-process salt into `n` if ids
/// must differ across restarts.
std::string make_request_id(ApiKind kind, std::uint64_t n);

/// Non-streaming body with choices[0]. `stop_reason` is the stop string that ended the answer
/// (vLLM's non-standard field), or empty for null.
std::string completion_body(const ResponseMeta& meta, std::string_view text,
                            std::string_view finish_reason, const Usage& usage,
                            std::string_view stop_reason = {});

// Streaming. `continuous_usage` (stream_options.continuous_usage_stats) adds running usage to a
// chunk, as vLLM does when it is requested; nullptr leaves it out.

/// Chat only, first event: delta {"role":"assistant","content":""}. Appends nothing for
/// completions, which have no role chunk.
void append_role_chunk(std::string& out, const ResponseMeta& meta,
                       const Usage* continuous_usage = nullptr);

/// A piece of generated text: delta {"content":text} (chat) or "text":text (completions).
void append_content_chunk(std::string& out, const ResponseMeta& meta, std::string_view text,
                          const Usage* continuous_usage = nullptr);

/// The event carrying finish_reason (and stop_reason). vLLM sends the last token's text in this
/// same event; pass it as `text`, or leave it empty for an end-of-sequence token (whose text is
/// empty): chat then has delta {"content":""}, completions "text":"".
void append_finish_chunk(std::string& out, const ResponseMeta& meta, std::string_view finish_reason,
                         std::string_view text = {}, std::string_view stop_reason = {},
                         const Usage* continuous_usage = nullptr);

/// The final usage event (stream_options.include_usage): "choices":[] plus usage.
void append_usage_chunk(std::string& out, const ResponseMeta& meta, const Usage& usage);

/// "data: [DONE]\n\n"
void append_done(std::string& out);

}  // namespace sluice::openai
