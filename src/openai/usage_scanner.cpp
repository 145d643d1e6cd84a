#include "openai/usage_scanner.h"

#include <cstring>
#include <limits>

namespace sluice::openai {
namespace {
constexpr std::string_view kPrompt = "prompt_tokens\"";
constexpr std::string_view kCompletion = "completion_tokens\"";
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
      if (matched_ == 0) {
        key_ = c == 'p' ? kPrompt : c == 'c' ? kCompletion : std::string_view{};
        if (key_.empty()) {
          state_ = c == '"' ? State::kKey : State::kSeek;  // `""` may start another key
          return;
        }
      }
      if (key_[matched_] != c) {
        state_ = c == '"' ? State::kKey : State::kSeek;
        matched_ = 0;
        return;
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
      (key_ == kPrompt ? prompt_ : completion_) = number_;
      state_ = c == '"' ? State::kKey : State::kSeek;
      matched_ = 0;
      return;
  }
}

}  // namespace sluice::openai
