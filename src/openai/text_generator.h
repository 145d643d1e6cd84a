// Deterministic output text for the simulator: every produced token is one word drawn from a
// fixed list of 256 short lowercase English words (1-4 letters), each returned with a leading
// space (" the", " data"), so that under Tokenizer every returned piece is exactly ONE token and
// any concatenation of n pieces counts as n tokens. The sequence is a pure function of the seed
// (splitmix64), identical on every platform.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace sluice::openai {

class TextGenerator {
 public:
  static constexpr std::size_t kWords = 256;

  explicit TextGenerator(std::uint64_t seed) : state_(seed) {}

  /// The next word with its leading space; a view into static storage (never dangles).
  std::string_view next();

  /// The whole word list, for tests and for callers that want to validate text.
  static std::span<const std::string_view, kWords> words();

 private:
  std::uint64_t state_;
};

}  // namespace sluice::openai
