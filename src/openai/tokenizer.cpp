#include "openai/tokenizer.h"

#include "core/hash.h"

namespace sluice::openai {
namespace {

constexpr std::size_t kCharsPerPiece = 4;

bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_word_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Length of the UTF-8 sequence for a code point at text[i], or 1 for an invalid byte (so every
// byte ends up in exactly one token). Only the structure is checked; overlong forms count as one
// code point, which is all an approximate count needs.
std::size_t code_point_length(std::string_view text, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  std::size_t len = 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
  } else {
    return 1;
  }
  if (i + len > text.size()) {
    return 1;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if (b < 0x80 || b > 0xBF) {
      return 1;
    }
  }
  return len;
}

// Tokens for a word of `length` characters: max(1, round_half_up(length / 4)).
std::size_t word_tokens(std::size_t length) {
  const std::size_t n = (length + kCharsPerPiece / 2) / kCharsPerPiece;
  return n == 0 ? 1 : n;
}

// Calls emit(piece) for every token of `text`, in order. The pieces tile the text exactly.
template <typename Emit>
void scan(std::string_view text, Emit&& emit) {
  std::size_t i = 0;
  std::size_t piece_begin = 0;  // start of pending whitespace, folded into the next token
  const std::size_t n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (is_space(c)) {
      ++i;
      continue;
    }
    if (is_word_char(c)) {
      std::size_t end = i + 1;
      while (end < n && is_word_char(static_cast<unsigned char>(text[end]))) {
        ++end;
      }
      const std::size_t pieces = word_tokens(end - i);
      std::size_t at = i;
      for (std::size_t p = 0; p + 1 < pieces; ++p) {
        emit(text.substr(piece_begin, at + kCharsPerPiece - piece_begin));
        at += kCharsPerPiece;
        piece_begin = at;
      }
      emit(text.substr(piece_begin, end - piece_begin));
      i = end;
    } else {
      i += c < 0x80 ? 1 : code_point_length(text, i);
      emit(text.substr(piece_begin, i - piece_begin));
    }
    piece_begin = i;
  }
  if (piece_begin < n) {
    emit(text.substr(piece_begin));  // trailing whitespace
  }
}

void append_header(std::string_view role, std::vector<std::uint32_t>& out) {
  out.push_back(Tokenizer::kStartHeader);
  out.push_back(Tokenizer::piece_id(role));
  out.push_back(Tokenizer::kEndHeader);
  out.push_back(Tokenizer::kDoubleNewline);
}

}  // namespace

std::uint32_t Tokenizer::piece_id(std::string_view piece) {
  return static_cast<std::uint32_t>(hash64(piece) % kVocabSize);
}

void Tokenizer::encode(std::string_view text, std::vector<std::uint32_t>& out) const {
  // Roughly one token per 4 bytes of English; one growth step at most for typical text.
  out.reserve(out.size() + text.size() / 3 + 1);
  scan(text, [&out](std::string_view piece) { out.push_back(piece_id(piece)); });
}

std::size_t Tokenizer::count(std::string_view text) const {
  std::size_t tokens = 0;
  scan(text, [&tokens](std::string_view) { ++tokens; });
  return tokens;
}

void Tokenizer::encode_chat(const std::vector<ChatMessage>& messages,
                            std::vector<std::uint32_t>& out) const {
  std::size_t bytes = 0;
  for (const auto& message : messages) {
    bytes += message.content.size();
  }
  out.reserve(out.size() + bytes / 3 + kMessageOverhead * (messages.size() + 1) + 1);
  out.push_back(kBeginOfText);
  for (const auto& message : messages) {
    append_header(message.role, out);
    encode(message.content, out);
    out.push_back(kEndOfTurn);
  }
  append_header("assistant", out);
}

std::size_t Tokenizer::count_chat(const std::vector<ChatMessage>& messages) const {
  std::size_t tokens = 1 + (kMessageOverhead - 1);  // <|begin_of_text|> + assistant header
  for (const auto& message : messages) {
    tokens += kMessageOverhead + count(message.content);
  }
  return tokens;
}

}  // namespace sluice::openai
