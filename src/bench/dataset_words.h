// Private to src/bench/dataset*.cpp: the word generator every synthetic dataset kind shares.
//
// Text is a sequence of words from a fixed 256-word vocabulary of short (1-5 letter) lowercase
// English words, each with a leading space (" the", " data", ...). `sluice sim`'s tokenizer
// (src/openai/tokenizer.h) folds the leading space into the word and counts a word of at most
// five letters as one token, so a text of N words is exactly N tokens there; common short words
// with a leading space are single tokens in real BPE vocabularies (Llama 3, GPT) as well.
#pragma once

#include "bench/dataset.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::bench::dataset_detail {

inline constexpr std::size_t kVocabularySize = 256;
/// The longest vocabulary word, leading space included; used to reserve string capacity.
inline constexpr std::size_t kMaxWordBytes = 6;
/// Words at the start of a text that encode its id, so that texts with different ids differ
/// from their very first token (no accidental prefix-cache hits between synthetic requests).
inline constexpr std::uint32_t kMarkerWords = 3;

const std::array<std::string_view, kVocabularySize>& vocabulary();

/// An independent splitmix64 state for item `index` of random stream `stream` under `seed`, so
/// an item's content depends only on (seed, stream, index), not on what was generated before.
std::uint64_t item_state(std::uint64_t seed, std::uint64_t stream, std::uint64_t index);

/// Writes word texts for one dataset instance (one seed).
class WordWriter {
 public:
  explicit WordWriter(std::uint64_t seed);

  /// Appends `words` words to `out`. The first min(words, kMarkerWords) words encode `id` by a
  /// seed-dependent bijection on its low 24 bits, so ids that differ modulo 2^24 give different
  /// opening words; the remaining words are drawn from `rng`.
  void append(std::string& out, std::uint32_t words, std::uint64_t id, std::uint64_t& rng) const;

  /// append() into a fresh string with the capacity reserved up front.
  std::string make(std::uint32_t words, std::uint64_t id, std::uint64_t& rng) const;

 private:
  std::uint64_t salt_;
};

/// A one-message chat prompt: the user `content` of `words` words, answered with `max_tokens`.
Prompt user_prompt(std::string content, std::uint32_t words, std::uint32_t max_tokens);

}  // namespace sluice::bench::dataset_detail
