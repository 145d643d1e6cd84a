#include "sim/server/output_plan.h"

#include "openai/tokenizer.h"

#include <gtest/gtest.h>

namespace sluice::sim {
namespace {

openai::CompletionRequest request_with(std::optional<std::uint32_t> max_tokens) {
  openai::CompletionRequest r;
  r.kind = openai::ApiKind::kCompletion;
  r.model = "m";
  r.prompt = "hello";
  r.max_tokens = max_tokens;
  return r;
}

const std::vector<std::uint32_t> kPrompt = {1, 2, 3};

TEST(OutputPlan, MaxTokensIsExact) {
  auto plan = plan_output(request_with(25), kPrompt, 1000, 0);
  EXPECT_EQ(plan.tokens(), 25u);
  EXPECT_EQ(plan.reason, FinishReason::kLength);
  // The tokenizer counts the generated text as exactly one token per generated token.
  openai::Tokenizer tokenizer;
  EXPECT_EQ(tokenizer.count(plan.text), 25u);
}

TEST(OutputPlan, CappedByContext) {
  auto plan = plan_output(request_with(25), kPrompt, 10, 0);
  EXPECT_EQ(plan.tokens(), 10u);
  EXPECT_EQ(plan.reason, FinishReason::kLength);
}

TEST(OutputPlan, NaturalLengthWithoutMaxTokens) {
  auto plan = plan_output(request_with(std::nullopt), kPrompt, 100000, 0);
  EXPECT_GE(plan.tokens(), 16u);
  EXPECT_LE(plan.tokens(), 512u);
  EXPECT_EQ(plan.reason, FinishReason::kStop);
  auto r = request_with(std::nullopt);
  r.ignore_eos = true;
  auto to_limit = plan_output(r, kPrompt, 700, 0);
  EXPECT_EQ(to_limit.tokens(), 700u);
  EXPECT_EQ(to_limit.reason, FinishReason::kLength);
}

TEST(OutputPlan, DeterministicBySeedAndPrompt) {
  auto a = plan_output(request_with(30), kPrompt, 1000, 5);
  auto b = plan_output(request_with(30), kPrompt, 1000, 5);
  auto c = plan_output(request_with(30), kPrompt, 1000, 6);
  const std::vector<std::uint32_t> other = {9, 9};
  auto d = plan_output(request_with(30), other, 1000, 5);
  EXPECT_EQ(a.text, b.text);
  EXPECT_NE(a.text, c.text);
  EXPECT_NE(a.text, d.text);
  auto seeded = request_with(30);
  seeded.seed = 77;
  EXPECT_EQ(plan_output(seeded, kPrompt, 1000, 5).text, plan_output(seeded, other, 1000, 5).text);
}

TEST(OutputPlan, PiecesConcatenateToText) {
  auto plan = plan_output(request_with(40), kPrompt, 1000, 1);
  std::string joined;
  for (std::uint32_t i = 0; i < plan.tokens(); ++i) {
    joined += plan.text_of(i, i + 1);
  }
  EXPECT_EQ(joined, plan.text);
  EXPECT_EQ(plan.text_of(0, plan.tokens()), plan.text);
}

TEST(OutputPlan, StopStringTruncatesAndEnds) {
  auto full = plan_output(request_with(60), kPrompt, 1000, 3);
  // Use the 10th generated word as the stop string.
  const std::string tenth(full.text_of(9, 10));
  auto r = request_with(60);
  r.stop = {tenth};
  auto cut = plan_output(r, kPrompt, 1000, 3);
  EXPECT_EQ(cut.reason, FinishReason::kStop);
  EXPECT_EQ(cut.text, full.text.substr(0, full.text.find(tenth)));
  EXPECT_LE(cut.tokens(), 10u);
  std::string joined;
  for (std::uint32_t i = 0; i < cut.tokens(); ++i) {
    joined += cut.text_of(i, i + 1);
  }
  EXPECT_EQ(joined, cut.text);
}

}  // namespace
}  // namespace sluice::sim
