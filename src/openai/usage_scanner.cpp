#include "openai/usage_scanner.h"

#include <cstring>
#include <limits>

namespace sluice::openai {
namespace {
constexpr std::string_view kPrompt = "prompt_tokens\"";
constexpr std::string_view kCompletion = "completion_tokens\"";
constexpr std::string_view kCached = "cached_tokens\"";  // in prompt_tokens_details
constexpr std::string_view kKeys[] = {kPrompt, kCompletion, kCached};

/// The key that starts with `matched` (the first characters of the key being matched) followed
/// by `c`; empty when none does.
std::string_view key_continuing(std::string_view matched, char c) {
  for (const std::string_view key : kKeys) {
    if (key.size() > matched.size() && key.starts_with(matched) && key[matched.size()] == c)
      return key;
  }
  return {};
}
constexpr std::uint64_t kMaxTokens = std::numeric_limits<std::uint32_t>::max();
}  // namespace

void UsageScanner::feed(std::string_view bytes) {
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  while (p < end) {
    if (state_ == State::kSeek) {
      // Most bytes are not quotes: jump between them.
      const void* quote = std::memchr(p, '"', static_cast<std::size_t>(end - p));
      if (quote == nullptr) {
        return;
      }
      p = static_cast<const char*>(quote) + 1;
      state_ = State::kKey;
      key_ = {};
      matched_ = 0;
      continue;
    }
    step(*p++);
  }
}

void UsageScanner::step(char c) {
  switch (state_) {
    case State::kSeek:
      break;
    case State::kKey:
      if (matched_ == 0 || key_[matched_] != c) {  // keys share prefixes: "c" of two of them
        key_ = key_continuing(key_.substr(0, matched_), c);
        if (key_.empty()) {
          state_ = c == '"' ? State::kKey : State::kSeek;  // `""` may start another key
          matched_ = 0;
          return;
        }
      }
      if (++matched_ == key_.size()) {
        state_ = State::kColon;
      }
      return;
    case State::kColon:
      if (c == ':') {
        state_ = State::kValue;
      } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        state_ = State::kSeek;
      }
      return;
    case State::kValue:
      if (c >= '0' && c <= '9') {
        number_ = static_cast<std::uint64_t>(c - '0');
        state_ = State::kDigits;
      } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        state_ = c == '"' ? State::kKey : State::kSeek;
        matched_ = 0;
      }
      return;
    case State::kDigits:
      if (c >= '0' && c <= '9') {
        number_ = number_ * 10 + static_cast<std::uint64_t>(c - '0');
        if (number_ > kMaxTokens) {
          state_ = State::kSeek;  // not a token count
        }
        return;
      }
      (key_ == kPrompt ? prompt_ : key_ == kCompletion ? completion_ : cached_) = number_;
      state_ = c == '"' ? State::kKey : State::kSeek;
      matched_ = 0;
      return;
  }
}

}  // namespace sluice::openai
