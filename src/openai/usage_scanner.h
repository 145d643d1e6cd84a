// Finds the token usage in a response body as it streams through a gateway or an ext_proc stream,
// without parsing or buffering it: a byte-at-a-time matcher for `"prompt_tokens": N`,
// `"completion_tokens": N` and `"cached_tokens": N` (vLLM's prompt_tokens_details) that survives
// keys and numbers split across chunks. Works the same for an SSE stream (the usage chunk of
// `stream_options.include_usage`) and a plain JSON body; the last value seen wins, which is the
// final usage in both. Quoted text inside generated content cannot forge a match: inside a JSON
// string a quote is escaped (`\"`), so `"prompt_tokens"` never appears as a key there.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice::openai {

class UsageScanner {
 public:
  void feed(std::string_view bytes);

  std::optional<std::uint64_t> prompt_tokens() const { return prompt_; }
  std::optional<std::uint64_t> completion_tokens() const { return completion_; }
  /// Prompt tokens the server found in its prefix cache (prompt_tokens_details.cached_tokens).
  std::optional<std::uint64_t> cached_tokens() const { return cached_; }

 private:
  enum class State : std::uint8_t { kSeek, kKey, kColon, kValue, kDigits };
  void step(char c);

  State state_ = State::kSeek;
  std::string_view key_;     // the key being matched ("prompt_tokens" or "completion_tokens")
  std::size_t matched_ = 0;  // characters of key_ matched so far
  std::uint64_t number_ = 0;
  std::optional<std::uint64_t> prompt_;
  std::optional<std::uint64_t> completion_;
  std::optional<std::uint64_t> cached_;
};

}  // namespace sluice::openai
