// A deterministic approximate tokenizer: no vocabulary files, same answer on every platform, and
// counts close enough to a real BPE tokenizer (Llama 3's) on English text for the simulator's
// prompt lengths, prefix-cache blocks and usage numbers to behave realistically.
//
// Rules, applied left to right over the UTF-8 bytes:
//   1. A word is a maximal run of ASCII letters and digits. A word of L characters costs
//      max(1, round_half_up(L / 4)) tokens: 1-5 letters = 1, 6-9 = 2, 10-13 = 3, ... This
//      keeps BPE's ~4 characters per token on English prose while common short words, like in BPE,
//      stay one token ("hello world" = 2 tokens). A multi-token word is cut into 4-character
//      pieces, the last piece taking the remainder.
//   2. Every other ASCII character that is not whitespace (punctuation, symbols) is 1 token.
//   3. Every non-ASCII code point is 1 token; a byte that does not start a valid UTF-8 sequence
//      is 1 token on its own.
//   4. Whitespace is folded into the token that follows it (as BPE's leading-space tokens do):
//      " world" is one piece. Whitespace at the very end of the text is one token of its own.
//   Token ids: hash64(piece bytes, leading whitespace included) % 128000, i.e. ids below Llama 3's
//   special-token range, so ordinary ids never collide with the special ids below.
//
// Chat prompts follow the Llama 3 chat template:
//   <|begin_of_text|> then per message <|start_header_id|> role <|end_header_id|> "\n\n"
//   content <|eot_id|>, then the assistant header (add_generation_prompt). The role is one token
//   and "\n\n" is Llama 3's token 271, as in the real template.
#pragma once

#include "openai/request.h"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace sluice::openai {

class Tokenizer {
 public:
  static constexpr std::uint32_t kVocabSize = 128000;  ///< ordinary ids are < kVocabSize
  static constexpr std::uint32_t kBeginOfText = 128000;
  static constexpr std::uint32_t kEndOfText = 128001;
  static constexpr std::uint32_t kStartHeader = 128006;
  static constexpr std::uint32_t kEndHeader = 128007;
  static constexpr std::uint32_t kEndOfTurn = 128009;   ///< <|eot_id|>
  static constexpr std::uint32_t kDoubleNewline = 271;  ///< "\n\n" after a chat header
  /// Tokens a chat message adds besides its content: header (4) + <|eot_id|> (1).
  static constexpr std::size_t kMessageOverhead = 5;

  /// Appends the ids of `text` to `out`.
  void encode(std::string_view text, std::vector<std::uint32_t>& out) const;
  /// Number of tokens encode() would append; does not allocate.
  std::size_t count(std::string_view text) const;

  /// Appends the Llama 3 chat rendering of `messages` (with the generation prompt) to `out`.
  void encode_chat(const std::vector<ChatMessage>& messages, std::vector<std::uint32_t>& out) const;
  /// Number of tokens encode_chat() would append; does not allocate.
  std::size_t count_chat(const std::vector<ChatMessage>& messages) const;

  /// The id of one piece of text (rule "Token ids" above).
  static std::uint32_t piece_id(std::string_view piece);
};

}  // namespace sluice::openai
