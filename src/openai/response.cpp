#include "openai/response.h"

#include "core/hash.h"
#include "openai/json_writer.h"

namespace sluice::openai {
namespace {

// Fixed bytes of the largest event or body besides its strings and integers (with margin).
constexpr std::size_t kFixedOverhead = 512;

enum class UsageStyle {
  kDetailsOrNull,    // model_dump(): prompt_tokens_details is an object or null
  kDetailsIfCached,  // exclude_none: prompt_tokens_details only when present
  kNoDetails,        // exclude_unset on a UsageInfo built from the three counts (chat chunks)
  kDetailsNull,      // exclude_unset=False on that same UsageInfo (completion chunks)
};

void append_usage(std::string& out, const Usage& usage, UsageStyle style) {
  out.append(R"({"prompt_tokens":)");
  append_json_uint(out, usage.prompt_tokens);
  out.append(R"(,"total_tokens":)");
  append_json_uint(out, std::uint64_t{usage.prompt_tokens} + usage.completion_tokens);
  out.append(R"(,"completion_tokens":)");
  append_json_uint(out, usage.completion_tokens);
  const bool details = usage.cached_tokens > 0;
  switch (style) {
    case UsageStyle::kDetailsOrNull:
      if (details) {
        out.append(R"(,"prompt_tokens_details":{"cached_tokens":)");
        append_json_uint(out, usage.cached_tokens);
        out.push_back('}');
      } else {
        out.append(R"(,"prompt_tokens_details":null)");
      }
      break;
    case UsageStyle::kDetailsIfCached:
      if (details) {
        out.append(R"(,"prompt_tokens_details":{"cached_tokens":)");
        append_json_uint(out, usage.cached_tokens);
        out.push_back('}');
      }
      break;
    case UsageStyle::kNoDetails:
      break;
    case UsageStyle::kDetailsNull:
      out.append(R"(,"prompt_tokens_details":null)");
      break;
  }
  out.push_back('}');
}

void append_nullable_string(std::string& out, std::string_view s) {
  if (s.empty()) {
    out.append("null");
  } else {
    append_json_string(out, s);
  }
}

// Room for `s` once escaped: a cheap worst case (6 bytes per input byte) for short strings, an
// exact count only for long ones, where over-reserving would waste memory.
std::size_t room(std::string_view s) {
  constexpr std::size_t kExactFrom = 64;
  return s.size() < kExactFrom ? 6 * s.size() + 2 : json_string_size(s);
}

std::size_t event_size(const ResponseMeta& meta, std::string_view a, std::string_view b = {}) {
  return kFixedOverhead + room(meta.id) + room(meta.model) + room(a) + room(b);
}

// {"id":..,"object":..,"created":..,"model":..,"choices":[
void append_head(std::string& out, const ResponseMeta& meta, std::string_view object) {
  out.append(R"({"id":)");
  append_json_string(out, meta.id);
  out.append(R"(,"object":")");
  out.append(object);
  out.append(R"(","created":)");
  append_json_int(out, meta.created);
  out.append(R"(,"model":)");
  append_json_string(out, meta.model);
  out.append(R"(,"choices":[)");
}

std::string_view chunk_object(ApiKind kind) {
  return kind == ApiKind::kChat ? "chat.completion.chunk" : "text_completion";
}

// Closes the choices array, adds usage per vLLM's serialization of each kind, ends the event.
void append_chunk_tail(std::string& out, ApiKind kind, const Usage* continuous_usage) {
  out.push_back(']');
  if (kind == ApiKind::kChat) {
    if (continuous_usage != nullptr) {
      out.append(R"(,"usage":)");
      append_usage(out, *continuous_usage, UsageStyle::kNoDetails);
    }
  } else {
    out.append(R"(,"usage":)");
    if (continuous_usage != nullptr) {
      append_usage(out, *continuous_usage, UsageStyle::kDetailsNull);
    } else {
      out.append("null");
    }
  }
  out.append("}\n\n");
}

// One streamed choice; `finish_reason` empty = still running.
void append_stream_choice(std::string& out, ApiKind kind, std::string_view text,
                          std::string_view finish_reason, std::string_view stop_reason) {
  const bool finished = !finish_reason.empty();
  if (kind == ApiKind::kChat) {
    out.append(R"({"index":0,"delta":{"content":)");
    append_json_string(out, text);
    out.append(R"(},"logprobs":null,"finish_reason":)");
    append_nullable_string(out, finish_reason);
    if (finished) {  // vLLM sets stop_reason only on the finishing chunk
      out.append(R"(,"stop_reason":)");
      append_nullable_string(out, stop_reason);
    }
    out.push_back('}');
  } else {
    out.append(R"({"index":0,"text":)");
    append_json_string(out, text);
    out.append(R"(,"logprobs":null,"finish_reason":)");
    append_nullable_string(out, finish_reason);
    out.append(R"(,"stop_reason":)");
    append_nullable_string(out, finished ? stop_reason : std::string_view{});
    out.push_back('}');
  }
}

void append_hex64(std::string& out, std::uint64_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  char buf[16];
  for (int i = 15; i >= 0; --i) {
    buf[i] = kHex[v & 0xF];
    v >>= 4;
  }
  out.append(buf, sizeof(buf));
}

}  // namespace

std::string make_request_id(ApiKind kind, std::uint64_t n) {
  std::string id;
  id.reserve(9 + 32);
  id.append(kind == ApiKind::kChat ? "chatcmpl-" : "cmpl-");
  // splitmix64's output function is a bijection of its state, so the first word is unique per n.
  std::uint64_t state = n;
  const std::uint64_t a = splitmix64(state);
  const std::uint64_t b = splitmix64(state);
  append_hex64(id, a);
  append_hex64(id, b);
  return id;
}

std::string completion_body(const ResponseMeta& meta, std::string_view text,
                            std::string_view finish_reason, const Usage& usage,
                            std::string_view stop_reason) {
  std::string out;
  out.reserve(event_size(meta, text, stop_reason) + room(finish_reason));
  const bool chat = meta.kind == ApiKind::kChat;
  append_head(out, meta, chat ? "chat.completion" : "text_completion");
  if (chat) {
    out.append(R"({"index":0,"message":{"role":"assistant","content":)");
    append_json_string(out, text);
    out.append(R"(,"refusal":null,"annotations":null,"audio":null,"function_call":null,)"
               R"("tool_calls":[],"reasoning_content":null},"logprobs":null,"finish_reason":)");
  } else {
    out.append(R"({"index":0,"text":)");
    append_json_string(out, text);
    out.append(R"(,"logprobs":null,"finish_reason":)");
  }
  append_nullable_string(out, finish_reason);
  out.append(R"(,"stop_reason":)");
  append_nullable_string(out, stop_reason);
  if (!chat) {
    out.append(R"(,"prompt_logprobs":null)");
  }
  out.append(R"(}],"service_tier":null,"system_fingerprint":null,"usage":)");
  append_usage(out, usage, UsageStyle::kDetailsOrNull);
  if (chat) {
    out.append(R"(,"prompt_logprobs":null)");
  }
  out.append(R"(,"kv_transfer_params":null})");
  return out;
}

void append_role_chunk(std::string& out, const ResponseMeta& meta, const Usage* continuous_usage) {
  if (meta.kind != ApiKind::kChat) {
    return;
  }
  out.reserve(out.size() + event_size(meta, {}));
  out.append("data: ");
  append_head(out, meta, chunk_object(meta.kind));
  out.append(R"({"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,)"
             R"("finish_reason":null})");
  append_chunk_tail(out, meta.kind, continuous_usage);
}

void append_content_chunk(std::string& out, const ResponseMeta& meta, std::string_view text,
                          const Usage* continuous_usage) {
  out.reserve(out.size() + event_size(meta, text));
  out.append("data: ");
  append_head(out, meta, chunk_object(meta.kind));
  append_stream_choice(out, meta.kind, text, {}, {});
  append_chunk_tail(out, meta.kind, continuous_usage);
}

void append_finish_chunk(std::string& out, const ResponseMeta& meta, std::string_view finish_reason,
                         std::string_view text, std::string_view stop_reason,
                         const Usage* continuous_usage) {
  out.reserve(out.size() + event_size(meta, text, stop_reason) + room(finish_reason));
  out.append("data: ");
  append_head(out, meta, chunk_object(meta.kind));
  // An empty finish_reason would read as "still running"; vLLM defaults it to "stop".
  append_stream_choice(out, meta.kind, text, finish_reason.empty() ? "stop" : finish_reason,
                       stop_reason);
  append_chunk_tail(out, meta.kind, continuous_usage);
}

void append_usage_chunk(std::string& out, const ResponseMeta& meta, const Usage& usage) {
  out.reserve(out.size() + event_size(meta, {}));
  out.append("data: ");
  append_head(out, meta, chunk_object(meta.kind));
  out.append(R"(],"usage":)");
  append_usage(out, usage, UsageStyle::kDetailsIfCached);
  out.append("}\n\n");
}

void append_done(std::string& out) { out.append("data: [DONE]\n\n"); }

}  // namespace sluice::openai
