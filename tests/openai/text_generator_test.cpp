#include "openai/text_generator.h"

#include "openai/tokenizer.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace sluice::openai {
namespace {

std::vector<std::string> draw(std::uint64_t seed, int n) {
  TextGenerator generator(seed);
  std::vector<std::string> words;
  words.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    words.emplace_back(generator.next());
  }
  return words;
}

TEST(TextGenerator, SameSeedSameSequence) { EXPECT_EQ(draw(42, 1000), draw(42, 1000)); }

TEST(TextGenerator, DifferentSeedsDiffer) {
  EXPECT_NE(draw(1, 64), draw(2, 64));
  EXPECT_NE(draw(0, 64), draw(0x8000000000000000ULL, 64));
}

TEST(TextGenerator, SequenceIsPinnedAcrossBuildsAndPlatforms) {
  // The simulator's answers must not change between versions; update only deliberately.
  std::string text;
  for (const auto& w : draw(42, 8)) {
    text += w;
  }
  EXPECT_EQ(text, " cost each its know that warm like list");
}

TEST(TextGenerator, WordListIsShortDistinctLowercaseWordsWithLeadingSpace) {
  const auto words = TextGenerator::words();
  std::set<std::string_view> distinct(words.begin(), words.end());
  EXPECT_EQ(distinct.size(), TextGenerator::kWords);
  for (const auto word : words) {
    ASSERT_GE(word.size(), 2u) << word;
    EXPECT_LE(word.size(), 5u) << word;
    EXPECT_EQ(word[0], ' ');
    for (const char c : word.substr(1)) {
      EXPECT_TRUE(c >= 'a' && c <= 'z') << word;
    }
  }
}

TEST(TextGenerator, EveryWordIsExactlyOneToken) {
  const Tokenizer tokenizer;
  for (const auto word : TextGenerator::words()) {
    EXPECT_EQ(tokenizer.count(word), 1u) << "'" << word << "'";
  }
}

TEST(TextGenerator, GeneratedTextCountsOneTokenPerWord) {
  TextGenerator generator(7);
  std::string text;
  for (int i = 0; i < 5000; ++i) {
    text += generator.next();
  }
  EXPECT_EQ(Tokenizer().count(text), 5000u);
}

TEST(TextGenerator, UsesTheWholeList) {
  TextGenerator generator(3);
  std::set<std::string_view> seen;
  for (int i = 0; i < 20000; ++i) {
    seen.insert(generator.next());
  }
  EXPECT_EQ(seen.size(), TextGenerator::kWords);
}

}  // namespace
}  // namespace sluice::openai
