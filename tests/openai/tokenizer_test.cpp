#include "openai/tokenizer.h"

#include "openai/allocation_counter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::openai {
namespace {

std::vector<std::uint32_t> encode(std::string_view text) {
  std::vector<std::uint32_t> ids;
  Tokenizer().encode(text, ids);
  EXPECT_EQ(ids.size(), Tokenizer().count(text)) << "count() must agree with encode()";
  return ids;
}

std::size_t count(std::string_view text) { return encode(text).size(); }

std::uint32_t id(std::string_view piece) { return Tokenizer::piece_id(piece); }

TEST(Tokenizer, HelloWorldIsTwoTokens) {
  EXPECT_EQ(count("hello world"), 2u);
  EXPECT_EQ(encode("hello world"), (std::vector<std::uint32_t>{id("hello"), id(" world")}));
}

TEST(Tokenizer, WordCostIsRoundedQuarterOfItsLength) {
  EXPECT_EQ(count("a"), 1u);
  EXPECT_EQ(count("hello"), 1u);                 // 5 letters
  EXPECT_EQ(count("worlds"), 2u);                // 6
  EXPECT_EQ(count("tokenizer"), 2u);             // 9
  EXPECT_EQ(count("tokenizers"), 3u);            // 10
  EXPECT_EQ(count("internationalization"), 5u);  // 20
  EXPECT_EQ(count("12345678"), 2u);              // digits belong to words
  EXPECT_EQ(count("abc123"), 2u);
}

TEST(Tokenizer, LongWordsSplitIntoFourCharacterPieces) {
  EXPECT_EQ(encode("worlds"), (std::vector<std::uint32_t>{id("worl"), id("ds")}));
  EXPECT_EQ(encode(" tokenizer"), (std::vector<std::uint32_t>{id(" toke"), id("nizer")}));
}

TEST(Tokenizer, PunctuationAndSymbolsAreOneTokenEach) {
  EXPECT_EQ(count("Hello, world!"), 4u);
  EXPECT_EQ(encode("a+b"), (std::vector<std::uint32_t>{id("a"), id("+"), id("b")}));
  EXPECT_EQ(count("{\"k\": [1, 2]}"), 11u);
  EXPECT_EQ(count("..."), 3u);
}

TEST(Tokenizer, WhitespaceFoldsIntoTheNextToken) {
  EXPECT_EQ(encode("a  \n b"), (std::vector<std::uint32_t>{id("a"), id("  \n b")}));
  EXPECT_EQ(encode(" (x)"), (std::vector<std::uint32_t>{id(" ("), id("x"), id(")")}));
  EXPECT_EQ(count("   leading"), 2u);  // "   lead" + "ing"
}

TEST(Tokenizer, TrailingWhitespaceIsOneToken) {
  EXPECT_EQ(encode("hi \n"), (std::vector<std::uint32_t>{id("hi"), id(" \n")}));
  EXPECT_EQ(count(" "), 1u);
  EXPECT_EQ(count(""), 0u);
}

TEST(Tokenizer, NonAsciiCodePointsAreOneTokenEach) {
  EXPECT_EQ(count("caf\xC3\xA9"), 2u);                           // "caf" + "é"
  EXPECT_EQ(count("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"), 3u);  // 日本語
  EXPECT_EQ(encode(" \xF0\x9F\x98\x80"),
            (std::vector<std::uint32_t>{id(" \xF0\x9F\x98\x80")}));  // space + emoji
  EXPECT_EQ(count("\xFF"), 1u);                                      // invalid byte
  EXPECT_EQ(count("\xE6\x97"), 2u);                                  // truncated sequence
}

TEST(Tokenizer, IdsAreDeterministicAndBelowSpecialRange) {
  const std::string text = "The quick brown fox jumps over the lazy dog. 1234!? \xC3\xA9t\xC3\xA9";
  const auto a = encode(text);
  const auto b = encode(text);
  EXPECT_EQ(a, b);
  for (const auto token : a) {
    EXPECT_LT(token, Tokenizer::kVocabSize);
  }
  EXPECT_NE(id("hello"), id(" hello"));  // the leading space is part of the piece
}

TEST(Tokenizer, EncodeAppends) {
  std::vector<std::uint32_t> ids = {99};
  Tokenizer().encode("hello", ids);
  EXPECT_EQ(ids, (std::vector<std::uint32_t>{99, id("hello")}));
}

TEST(Tokenizer, EnglishProseAveragesAboutFourCharactersPerToken) {
  const std::string prose =
      "Large language models are served by engines that batch many requests together, keep "
      "a cache of attention keys and values for each sequence, and stream the generated tokens "
      "back to clients as soon as they are produced. A gateway in front of a pool of such "
      "servers decides where each request goes.";
  const double chars_per_token =
      static_cast<double>(prose.size()) / static_cast<double>(count(prose));
  EXPECT_GT(chars_per_token, 3.5);
  EXPECT_LT(chars_per_token, 5.5);
}

TEST(Tokenizer, CountDoesNotAllocate) {
  const std::string text(100000, 'x');
  const Tokenizer tokenizer;
  const std::size_t before = testing::allocation_count();
  const std::size_t n = tokenizer.count(text) + tokenizer.count("mixed, text \xC3\xA9 !");
  EXPECT_EQ(testing::allocation_count(), before);
  EXPECT_EQ(n, 25000u + 5u);  // "mixed" "," " text" " é" " !"
}

TEST(TokenizerChat, FollowsLlama3Template) {
  const std::vector<ChatMessage> messages = {{"system", "Be brief."}, {"user", "Hello"}};
  std::vector<std::uint32_t> ids;
  Tokenizer().encode_chat(messages, ids);
  const std::vector<std::uint32_t> expected = {Tokenizer::kBeginOfText,
                                               Tokenizer::kStartHeader,
                                               id("system"),
                                               Tokenizer::kEndHeader,
                                               Tokenizer::kDoubleNewline,
                                               id("Be"),
                                               id(" brief"),
                                               id("."),
                                               Tokenizer::kEndOfTurn,
                                               Tokenizer::kStartHeader,
                                               id("user"),
                                               Tokenizer::kEndHeader,
                                               Tokenizer::kDoubleNewline,
                                               id("Hello"),
                                               Tokenizer::kEndOfTurn,
                                               Tokenizer::kStartHeader,
                                               id("assistant"),
                                               Tokenizer::kEndHeader,
                                               Tokenizer::kDoubleNewline};
  EXPECT_EQ(ids, expected);
  EXPECT_EQ(Tokenizer().count_chat(messages), expected.size());
}

TEST(TokenizerChat, SingleShortUserMessageIsElevenTokensLikeLlama3) {
  const std::vector<ChatMessage> messages = {{"user", "Hello"}};
  EXPECT_EQ(Tokenizer().count_chat(messages), 11u);
  EXPECT_EQ(Tokenizer().count_chat({}), 5u);  // BOS + generation prompt
}

TEST(TokenizerChat, SharedPrefixGivesSharedTokenPrefix) {
  // Prefix caching depends on a conversation's tokens extending its earlier turns' tokens.
  std::vector<ChatMessage> turns = {{"system", "You are helpful."}, {"user", "Hi there"}};
  std::vector<std::uint32_t> shorter;
  Tokenizer().encode_chat(turns, shorter);
  turns.push_back({"assistant", "Hello!"});
  turns.push_back({"user", "More"});
  std::vector<std::uint32_t> longer;
  Tokenizer().encode_chat(turns, longer);
  const std::size_t shared = shorter.size() - 4;  // everything before the generation prompt
  ASSERT_GT(longer.size(), shorter.size());
  EXPECT_TRUE(std::equal(shorter.begin(), shorter.begin() + static_cast<std::ptrdiff_t>(shared),
                         longer.begin()));
}

}  // namespace
}  // namespace sluice::openai
