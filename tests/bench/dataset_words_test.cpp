#include "bench/dataset_words.h"

#include "openai/tokenizer.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace sluice::bench::dataset_detail {
namespace {

TEST(DatasetWords, VocabularyIsFullDistinctAndOneSimTokenPerWord) {
  const openai::Tokenizer tokenizer;
  std::set<std::string_view> seen;
  for (const std::string_view word : vocabulary()) {
    ASSERT_GE(word.size(), 2U) << "empty slot after " << seen.size() << " words";
    EXPECT_LE(word.size(), kMaxWordBytes) << word;
    EXPECT_EQ(word[0], ' ') << word;
    for (const char c : word.substr(1)) EXPECT_TRUE(c >= 'a' && c <= 'z') << word;
    EXPECT_EQ(tokenizer.count(word), 1U) << word;
    EXPECT_TRUE(seen.insert(word).second) << "duplicate " << word;
  }
  EXPECT_EQ(seen.size(), kVocabularySize);
}

TEST(DatasetWords, TextOfNWordsIsNSimTokens) {
  const openai::Tokenizer tokenizer;
  const WordWriter writer(7);
  for (const std::uint32_t n : {1U, 2U, 3U, 4U, 9U, 100U, 4097U}) {
    std::uint64_t rng = 11;
    const std::string text = writer.make(n, n, rng);
    EXPECT_EQ(tokenizer.count(text), n) << text.substr(0, 80);
    // Joined with a newline, as the completions API sends a multi-message prompt, the count adds.
    EXPECT_EQ(tokenizer.count(text + "\n" + text), 2 * n);
  }
}

TEST(DatasetWords, DifferentIdsOpenWithDifferentWords) {
  const WordWriter writer(42);
  std::set<std::string> openings;
  for (std::uint64_t id = 0; id < 20000; ++id) {
    std::uint64_t rng = 5;  // the same random tail for all: only the id tells them apart
    const std::string text = writer.make(kMarkerWords, id, rng);
    EXPECT_TRUE(openings.insert(text).second) << "id " << id << " repeats " << text;
  }
}

TEST(DatasetWords, SeedChangesTheMarkers) {
  std::uint64_t rng_a = 1, rng_b = 1;
  EXPECT_NE(WordWriter(1).make(kMarkerWords, 0, rng_a), WordWriter(2).make(kMarkerWords, 0, rng_b));
}

TEST(DatasetWords, ItemStateDependsOnSeedStreamAndIndex) {
  const std::uint64_t base = item_state(1, 2, 3);
  EXPECT_EQ(item_state(1, 2, 3), base);
  EXPECT_NE(item_state(9, 2, 3), base);
  EXPECT_NE(item_state(1, 9, 3), base);
  EXPECT_NE(item_state(1, 2, 9), base);
  EXPECT_NE(item_state(1, 3, 2), base);
}

}  // namespace
}  // namespace sluice::bench::dataset_detail
