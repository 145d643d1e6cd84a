// OpenAI request inspection: parses and validates /v1/chat/completions and /v1/completions bodies
// with simdjson On-Demand in one pass over the body, into the few fields the simulator and the
// gateway act on. Everything else a client sends (tools, logprobs, top_p, user, ...) is ignored,
// as vLLM ignores unknown fields.
//
// Validation errors are `kInvalidArgument` with `Error::field` set to the JSON path of the culprit
// ("messages[1].content", "stop[2]", "stream_options") and an OpenAI-style message, e.g.
//   Missing required parameter: 'model'.
//   Invalid type for 'max_tokens': expected an integer, but got a string instead.
//   Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got 0 instead.
// Malformed JSON has an empty `field`. `null` means "not given" for every optional field.
#pragma once

#include "core/result.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::openai {

enum class ApiKind { kChat, kCompletion };

/// At most this many `stop` strings are accepted (OpenAI allows 4; vLLM has no limit).
inline constexpr std::size_t kMaxStopStrings = 16;

/// One chat message. `content` is the message text; an array of content parts is reduced to its
/// {"type":"text"} parts joined with "\n" (as vLLM renders them); other part types (images,
/// audio, files) are skipped because the simulator has no use for them.
struct ChatMessage {
  std::string role;  ///< system | developer | user | assistant | tool | function
  std::string content;
};

struct CompletionRequest {
  ApiKind kind = ApiKind::kChat;
  std::string model;
  bool stream = false;
  /// stream_options.include_usage. As in vLLM, a present `stream_options` object defaults it to
  /// true; `stream_options` with `stream` false is an error (vLLM: "Stream options can only be
  /// defined when `stream=True`.").
  bool include_usage = false;
  /// stream_options.continuous_usage_stats (vLLM extension); only true when include_usage is.
  bool continuous_usage = false;
  /// Chat: max_completion_tokens if given, else max_tokens. Completions: max_tokens. Always >= 1.
  std::optional<std::uint32_t> max_tokens;
  bool ignore_eos = false;
  /// A string or an array of up to kMaxStopStrings non-empty strings.
  std::vector<std::string> stop;
  /// Validated to 0..2.
  std::optional<double> temperature;
  std::optional<std::int64_t> seed;
  /// Only 1 is supported: n > 1 is rejected with field "n".
  std::uint32_t n = 1;
  /// Chat only; at least one message.
  std::vector<ChatMessage> messages;
  /// Completions: a non-empty string, or an array holding exactly one string.
  std::string prompt;
  /// Completions: the prompt given as token ids ([1,2,3] or [[1,2,3]]); `prompt` is then empty.
  std::vector<std::uint32_t> prompt_token_ids;
};

/// Parses and validates a request body (see the file comment for the error contract). Unknown
/// fields are ignored; body size and nesting limits are the caller's concern. The body is copied
/// into a reusable thread-local padded buffer first (simdjson reads up to 64 bytes past the end).
Result<CompletionRequest> parse_completion_request(std::string_view body, ApiKind kind);

/// The spare bytes past a body's end that let the parser read it in place (simdjson's padding).
inline constexpr std::size_t kJsonPadding = 64;

/// Same, without the copy: the caller guarantees that `capacity` bytes starting at body.data() are
/// readable (e.g. a std::string's capacity()). Falls back to copying when capacity leaves fewer
/// than kJsonPadding spare bytes.
Result<CompletionRequest> parse_completion_request(std::string_view body, std::size_t capacity,
                                                   ApiKind kind);

/// Cheap peek used by routers: the top-level "model" string, without validating anything else.
/// Errors: malformed JSON or a non-object body (field ""), "model" missing, null, empty or not a
/// string (field "model").
Result<std::string> peek_model(std::string_view body);

/// Peek at both routing-relevant fields; "stream" that is absent, null or not a boolean is false.
struct RequestPeek {
  std::string model;
  bool stream = false;
};
Result<RequestPeek> peek_request(std::string_view body);

/// Everything a router reads from a request body, in one pass and without copying the prompt.
/// Views point into the body passed to peek_routing() and live as long as it.
struct RoutingPeek {
  std::string model;
  bool stream = false;
  /// The "model" value's JSON token (quotes included) as [offset, offset + length) in the body,
  /// so a router can rewrite the model name without re-serialising the body.
  std::size_t model_offset = 0;
  std::size_t model_length = 0;
  /// The raw JSON of "messages" (chat), else "prompt" (completions), else "input" (embeddings);
  /// empty if none. Raw JSON keeps the property that matters for prefix-cache routing: requests
  /// that share a conversation prefix share a byte prefix here.
  std::string_view prompt;
};

/// peek_request() plus the model's position and the prompt view. `capacity` as for
/// parse_completion_request() (0 = copy into a padded buffer; views still point into `body`).
Result<RoutingPeek> peek_routing(std::string_view body, std::size_t capacity = 0);

}  // namespace sluice::openai
