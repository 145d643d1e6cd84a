#include "bench/dataset_words.h"

#include "core/hash.h"

#include <utility>

namespace sluice::bench::dataset_detail {
namespace {

// 256 distinct common English words of 1-5 letters; tests/bench/dataset_words_test.cpp checks
// that every slot is filled, the words are distinct and each is one token.
constexpr std::array<std::string_view, kVocabularySize> kVocabulary = {
    " the",   " of",    " and",   " to",    " in",    " is",    " it",    " that",  " for",
    " on",    " was",   " with",  " as",    " at",    " by",    " be",    " this",  " are",
    " from",  " or",    " have",  " an",    " not",   " but",   " all",   " can",   " one",
    " they",  " we",    " you",   " he",    " she",   " his",   " her",   " our",   " your",
    " its",   " their", " more",  " time",  " new",   " some",  " data",  " model", " load",
    " test",  " cache", " token", " query", " node",  " pool",  " rate",  " queue", " batch",
    " graph", " fast",  " slow",  " small", " large", " high",  " low",   " first", " last",
    " next",  " best",  " good",  " great", " long",  " short", " early", " late",  " open",
    " close", " start", " stop",  " run",   " walk",  " read",  " write", " send",  " make",
    " take",  " give",  " find",  " keep",  " show",  " help",  " work",  " play",  " move",
    " turn",  " call",  " ask",   " tell",  " know",  " think", " see",   " look",  " hear",
    " feel",  " need",  " want",  " like",  " use",   " try",   " set",   " put",   " get",
    " go",    " come",  " day",   " year",  " week",  " hour",  " world", " city",  " house",
    " room",  " door",  " road",  " tree",  " water", " light", " fire",  " earth", " air",
    " sun",   " moon",  " star",  " river", " sea",   " lake",  " hill",  " field", " stone",
    " wood",  " paper", " book",  " page",  " word",  " line",  " story", " news",  " music",
    " song",  " voice", " sound", " color", " red",   " blue",  " green", " white", " black",
    " gray",  " brown", " plan",  " idea",  " point", " fact",  " case",  " part",  " place",
    " group", " team",  " order", " level", " value", " price", " cost",  " money", " bank",
    " store", " shop",  " food",  " bread", " fruit", " milk",  " tea",   " sugar", " salt",
    " rice",  " meat",  " fish",  " bird",  " horse", " dog",   " cat",   " mouse", " child",
    " man",   " woman", " king",  " queen", " army",  " war",   " peace", " law",   " rule",
    " power", " state", " force", " body",  " head",  " hand",  " eye",   " face",  " heart",
    " mind",  " life",  " death", " love",  " hope",  " fear",  " joy",   " pain",  " truth",
    " many",  " much",  " most",  " each",  " every", " other", " same",  " such",  " few",
    " own",   " only",  " very",  " well",  " still", " just",  " also",  " now",   " then",
    " here",  " there", " where", " when",  " why",   " how",   " what",  " which", " who",
    " again", " often", " never", " ever",  " after", " under", " over",  " above", " below",
    " into",  " about", " along", " among",
};

constexpr std::uint64_t kMarkerMask = (1U << 24) - 1;
// Odd, so multiplication is a bijection modulo 2^24.
constexpr std::uint64_t kMarkerMultiplier = 0x9E3779B97F4A7C15ULL;

}  // namespace

const std::array<std::string_view, kVocabularySize>& vocabulary() { return kVocabulary; }

std::uint64_t item_state(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  std::uint64_t a = seed;
  std::uint64_t b = splitmix64(a) ^ stream;
  std::uint64_t c = splitmix64(b) ^ index;
  return splitmix64(c);
}

WordWriter::WordWriter(std::uint64_t seed) {
  std::uint64_t s = seed ^ 0x5DEECE66DULL;
  salt_ = splitmix64(s);
}

void WordWriter::append(std::string& out, std::uint32_t words, std::uint64_t id,
                        std::uint64_t& rng) const {
  const std::uint64_t marker = (id * kMarkerMultiplier + salt_) & kMarkerMask;
  std::uint32_t i = 0;
  for (; i < words && i < kMarkerWords; ++i) {
    out += kVocabulary[(marker >> (8 * i)) & 0xFF];
  }
  // One splitmix64 step yields eight 8-bit word indexes.
  while (i < words) {
    std::uint64_t bits = splitmix64(rng);
    for (int k = 0; k < 8 && i < words; ++k, ++i, bits >>= 8) {
      out += kVocabulary[bits & 0xFF];
    }
  }
}

std::string WordWriter::make(std::uint32_t words, std::uint64_t id, std::uint64_t& rng) const {
  std::string out;
  out.reserve(static_cast<std::size_t>(words) * kMaxWordBytes);
  append(out, words, id, rng);
  return out;
}

Prompt user_prompt(std::string content, std::uint32_t words, std::uint32_t max_tokens) {
  Prompt prompt;
  prompt.messages.push_back(ChatMessage{"user", std::move(content)});
  prompt.input_tokens = words;
  prompt.max_tokens = max_tokens;
  return prompt;
}

}  // namespace sluice::bench::dataset_detail
