// make_dataset() and the generated kinds: synthetic, shared-prefix, multi-turn.

#include "bench/dataset.h"

#include "dataset_test_util.h"
#include "openai/tokenizer.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace sluice::bench {
namespace {

LengthDistribution spec(std::string_view text) {
  auto d = LengthDistribution::parse(text);
  EXPECT_TRUE(d.ok()) << text;
  return std::move(d).value();
}

using test::must_make;

std::vector<Prompt> take(Dataset& dataset, std::size_t n) {
  std::vector<Prompt> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(dataset.next());
  return out;
}

bool same(const Prompt& a, const Prompt& b) {
  if (a.messages.size() != b.messages.size() || a.input_tokens != b.input_tokens ||
      a.max_tokens != b.max_tokens || a.arrival != b.arrival) {
    return false;
  }
  for (std::size_t i = 0; i < a.messages.size(); ++i) {
    if (a.messages[i].role != b.messages[i].role ||
        a.messages[i].content != b.messages[i].content) {
      return false;
    }
  }
  return true;
}

std::size_t sim_tokens(const Prompt& prompt) {
  const openai::Tokenizer tokenizer;
  std::size_t n = 0;
  for (const auto& m : prompt.messages) n += tokenizer.count(m.content);
  return n;
}

std::string first_words(const std::string& text, std::size_t words) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < words && pos != std::string::npos; ++i) pos = text.find(' ', pos + 1);
  return text.substr(0, pos);
}

DatasetOptions options_for(std::string kind, std::uint64_t seed = 1) {
  DatasetOptions options;
  options.kind = std::move(kind);
  options.seed = seed;
  return options;
}

TEST(Dataset, UnknownKindIsRejected) {
  auto dataset = make_dataset(options_for("random"));
  ASSERT_FALSE(dataset.ok());
  EXPECT_EQ(dataset.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(dataset.error().message.find("'random'"), std::string::npos);
  EXPECT_EQ(dataset.error().field, "kind");
}

TEST(Dataset, FileKindsNeedAPath) {
  for (const char* kind : {"sharegpt", "trace"}) {
    auto dataset = make_dataset(options_for(kind));
    ASSERT_FALSE(dataset.ok()) << kind;
    EXPECT_EQ(dataset.error().field, "path");
  }
}

// --- synthetic ---

TEST(SyntheticDataset, SameSeedSameSequenceDifferentSeedDiffers) {
  auto options = options_for("synthetic", 42);
  options.input = spec("uniform:5:60");
  options.output = spec("normal:50:20");
  auto a = must_make(options);
  auto b = must_make(options);
  options.seed = 43;
  auto c = must_make(options);
  ASSERT_TRUE(a && b && c);
  std::size_t differing = 0;
  for (int i = 0; i < 200; ++i) {
    const Prompt pa = a->next(), pb = b->next(), pc = c->next();
    EXPECT_TRUE(same(pa, pb)) << "prompt " << i;
    differing += same(pa, pc) ? 0 : 1;
  }
  EXPECT_EQ(differing, 200U);
}

TEST(SyntheticDataset, FixedLengthsAreExactSimTokenCounts) {
  auto options = options_for("synthetic");
  options.input = LengthDistribution::fixed(37);
  options.output = LengthDistribution::fixed(9);
  auto dataset = must_make(options);
  ASSERT_TRUE(dataset);
  EXPECT_EQ(dataset->size(), 0U);
  EXPECT_FALSE(dataset->has_arrivals());
  EXPECT_NE(dataset->describe().find("synthetic"), std::string::npos);
  for (const Prompt& p : take(*dataset, 50)) {
    ASSERT_EQ(p.messages.size(), 1U);
    EXPECT_EQ(p.messages[0].role, "user");
    EXPECT_EQ(p.input_tokens, 37U);
    EXPECT_EQ(sim_tokens(p), 37U);
    EXPECT_EQ(p.max_tokens, 9U);
    EXPECT_FALSE(p.arrival.has_value());
  }
}

TEST(SyntheticDataset, InputTokensExcludeTheChatTemplate) {
  auto options = options_for("synthetic");
  options.input = LengthDistribution::fixed(20);
  auto dataset = must_make(options);
  ASSERT_TRUE(dataset);
  const Prompt p = dataset->next();
  std::vector<openai::ChatMessage> chat;
  for (const auto& m : p.messages) chat.push_back({m.role, m.content});
  const std::size_t overhead = 1 + (openai::Tokenizer::kMessageOverhead - 1) +
                               openai::Tokenizer::kMessageOverhead * chat.size();
  EXPECT_EQ(openai::Tokenizer().count_chat(chat), p.input_tokens + overhead);
}

TEST(SyntheticDataset, LengthsFollowTheDistribution) {
  auto options = options_for("synthetic", 3);
  options.input = spec("uniform:10:30");
  options.output = spec("uniform:100:200");
  auto dataset = must_make(options);
  ASSERT_TRUE(dataset);
  double input_sum = 0, output_sum = 0;
  std::set<std::uint32_t> distinct;
  constexpr int kN = 4000;
  for (int i = 0; i < kN; ++i) {
    const Prompt p = dataset->next();
    ASSERT_GE(p.input_tokens, 10U);
    ASSERT_LE(p.input_tokens, 30U);
    ASSERT_GE(p.max_tokens, 100U);
    ASSERT_LE(p.max_tokens, 200U);
    ASSERT_EQ(sim_tokens(p), p.input_tokens);
    input_sum += p.input_tokens;
    output_sum += p.max_tokens;
    distinct.insert(p.input_tokens);
  }
  EXPECT_NEAR(input_sum / kN, 20.0, 0.5);
  EXPECT_NEAR(output_sum / kN, 150.0, 2.0);
  EXPECT_EQ(distinct.size(), 21U);
}

TEST(SyntheticDataset, PromptsDifferFromTheirFirstWords) {
  auto options = options_for("synthetic");
  options.input = LengthDistribution::fixed(16);
  auto dataset = must_make(options);
  ASSERT_TRUE(dataset);
  std::set<std::string> openings;
  for (int i = 0; i < 5000; ++i) {
    const std::string opening = first_words(dataset->next().messages[0].content, 3);
    EXPECT_TRUE(openings.insert(opening).second) << "prompt " << i << " opens like an earlier one";
  }
}

// --- shared-prefix ---

DatasetOptions shared_prefix_options(std::uint64_t seed = 5) {
  auto options = options_for("shared-prefix", seed);
  options.groups = 4;
  options.prompts_per_group = 6;
  options.prefix_len = 40;
  options.input = spec("uniform:3:12");
  options.output = LengthDistribution::fixed(8);
  return options;
}

TEST(SharedPrefixDataset, GroupsShareTheirSystemPromptAndDifferBetweenGroups) {
  auto dataset = must_make(shared_prefix_options());
  ASSERT_TRUE(dataset);
  ASSERT_EQ(dataset->size(), 24U);
  EXPECT_NE(dataset->describe().find("4 groups x 6 prompts"), std::string::npos);
  std::map<std::string, int> per_system;
  std::set<std::string> questions;
  for (const Prompt& p : take(*dataset, 24)) {
    ASSERT_EQ(p.messages.size(), 2U);
    EXPECT_EQ(p.messages[0].role, "system");
    EXPECT_EQ(p.messages[1].role, "user");
    const openai::Tokenizer tokenizer;
    EXPECT_EQ(tokenizer.count(p.messages[0].content), 40U);
    EXPECT_EQ(p.input_tokens, 40U + tokenizer.count(p.messages[1].content));
    EXPECT_EQ(p.max_tokens, 8U);
    ++per_system[p.messages[0].content];
    questions.insert(p.messages[1].content);
  }
  ASSERT_EQ(per_system.size(), 4U) << "one distinct system prompt per group";
  for (const auto& [system, count] : per_system) EXPECT_EQ(count, 6);
  EXPECT_EQ(questions.size(), 24U) << "every question is its own";
  // Different groups already differ in their first words.
  std::set<std::string> openings;
  for (const auto& [system, count] : per_system) openings.insert(first_words(system, 3));
  EXPECT_EQ(openings.size(), 4U);
}

TEST(SharedPrefixDataset, GroupsAreInterleavedAndTheOrderRepeatsEachLap) {
  auto dataset = must_make(shared_prefix_options());
  ASSERT_TRUE(dataset);
  const auto lap1 = take(*dataset, 24);
  const auto lap2 = take(*dataset, 24);
  std::size_t group_changes = 0;
  for (std::size_t i = 0; i < 24; ++i) {
    EXPECT_EQ(lap1[i].messages[0].content, lap2[i].messages[0].content) << i;
    EXPECT_EQ(lap1[i].input_tokens, lap2[i].input_tokens) << i;
    EXPECT_NE(lap1[i].messages[1].content, lap2[i].messages[1].content) << "fresh question " << i;
    if (i > 0 && lap1[i].messages[0].content != lap1[i - 1].messages[0].content) ++group_changes;
  }
  // Emitting groups one after another would change group only 3 times.
  EXPECT_GT(group_changes, 3U);
}

TEST(SharedPrefixDataset, DeterministicPerSeed) {
  auto a = must_make(shared_prefix_options(5));
  auto b = must_make(shared_prefix_options(5));
  auto c = must_make(shared_prefix_options(6));
  ASSERT_TRUE(a && b && c);
  std::size_t same_as_c = 0;
  for (int i = 0; i < 48; ++i) {
    const Prompt pa = a->next(), pc = c->next();
    EXPECT_TRUE(same(pa, b->next())) << i;
    same_as_c += same(pa, pc) ? 1 : 0;
  }
  EXPECT_EQ(same_as_c, 0U);
}

TEST(SharedPrefixDataset, RejectsEmptyOrHugeShapes) {
  auto options = shared_prefix_options();
  options.groups = 0;
  EXPECT_FALSE(make_dataset(options).ok());
  options = shared_prefix_options();
  options.prefix_len = 0;
  EXPECT_FALSE(make_dataset(options).ok());
  options = shared_prefix_options();
  options.groups = 100000;
  options.prompts_per_group = 100000;
  auto huge = make_dataset(options);
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().code, ErrorCode::kInvalidArgument);
}

// --- multi-turn ---

DatasetOptions multi_turn_options(std::uint64_t seed = 9) {
  auto options = options_for("multi-turn", seed);
  options.conversations = 3;
  options.turns = 4;
  options.input = spec("uniform:2:10");
  options.output = spec("uniform:1:20");
  return options;
}

TEST(MultiTurnDataset, TurnsInterleaveAndHistoryGrowsAsAnExactPrefix) {
  const auto options = multi_turn_options();
  auto dataset = must_make(options);
  ASSERT_TRUE(dataset);
  EXPECT_EQ(dataset->size(), 0U);
  const auto prompts = take(*dataset, 12);
  const openai::Tokenizer tokenizer;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    const std::size_t turn = i / 3 + 1;  // conversation i % 3
    const Prompt& p = prompts[i];
    ASSERT_EQ(p.messages.size(), 2 * turn - 1) << "prompt " << i;
    for (std::size_t m = 0; m < p.messages.size(); ++m) {
      EXPECT_EQ(p.messages[m].role, m % 2 == 0 ? "user" : "assistant");
    }
    EXPECT_EQ(p.input_tokens, sim_tokens(p));
    if (turn == 1) continue;
    // Turn t of this conversation starts with all of turn t-1's messages...
    const Prompt& previous = prompts[i - 3];
    for (std::size_t m = 0; m < previous.messages.size(); ++m) {
      EXPECT_EQ(p.messages[m].content, previous.messages[m].content) << i << "/" << m;
    }
    // ... followed by an assistant reply as long as the previous turn's max_tokens.
    EXPECT_EQ(tokenizer.count(p.messages[previous.messages.size()].content), previous.max_tokens);
  }
  // The three conversations are different conversations.
  EXPECT_NE(prompts[0].messages[0].content, prompts[1].messages[0].content);
  EXPECT_NE(prompts[1].messages[0].content, prompts[2].messages[0].content);
}

TEST(MultiTurnDataset, AfterTheLastTurnFreshConversationsStart) {
  auto dataset = must_make(multi_turn_options());
  ASSERT_TRUE(dataset);
  const auto round1 = take(*dataset, 12);
  const auto round2 = take(*dataset, 12);
  std::set<std::string> first_round_openings;
  for (const auto& p : round1) first_round_openings.insert(p.messages[0].content);
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(round2[i].messages.size(), 1U);
    EXPECT_EQ(first_round_openings.count(round2[i].messages[0].content), 0U);
  }
  EXPECT_EQ(round2[11].messages.size(), 7U);
}

TEST(MultiTurnDataset, DeterministicPerSeed) {
  auto a = must_make(multi_turn_options(1));
  auto b = must_make(multi_turn_options(1));
  auto c = must_make(multi_turn_options(2));
  ASSERT_TRUE(a && b && c);
  std::size_t same_as_c = 0;
  for (int i = 0; i < 30; ++i) {
    const Prompt pa = a->next();
    EXPECT_TRUE(same(pa, b->next())) << i;
    same_as_c += same(pa, c->next()) ? 1 : 0;
  }
  EXPECT_EQ(same_as_c, 0U);
}

TEST(MultiTurnDataset, RejectsZeroConversationsOrTurns) {
  auto options = multi_turn_options();
  options.conversations = 0;
  auto a = make_dataset(options);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().field, "conversations");
  options = multi_turn_options();
  options.turns = 0;
  auto b = make_dataset(options);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().field, "turns");
}

}  // namespace
}  // namespace sluice::bench
