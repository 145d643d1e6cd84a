#include "openai/usage_scanner.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::openai {
namespace {

TEST(UsageScanner, FindsUsageInAJsonBody) {
  UsageScanner s;
  s.feed(R"({"id":"x","choices":[{"text":"hi"}],"usage":{"prompt_tokens": 12,"total_tokens":15,)"
         R"("completion_tokens":3}})");
  EXPECT_EQ(s.prompt_tokens(), 12U);
  EXPECT_EQ(s.completion_tokens(), 3U);
}

TEST(UsageScanner, SurvivesEverySplitPoint) {
  const std::string body =
      "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":null}\n\n"
      "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":1234,\"completion_tokens\":56,"
      "\"total_tokens\":1290,\"prompt_tokens_details\":{\"cached_tokens\":1024}}}\n\n"
      "data: [DONE]\n\n";
  for (std::size_t split = 0; split <= body.size(); ++split) {
    UsageScanner s;
    s.feed(std::string_view(body).substr(0, split));
    s.feed(std::string_view(body).substr(split));
    ASSERT_EQ(s.prompt_tokens(), 1234U) << "split at " << split;
    ASSERT_EQ(s.completion_tokens(), 56U) << "split at " << split;
    ASSERT_EQ(s.cached_tokens(), 1024U) << "split at " << split;
  }
  UsageScanner bytewise;
  for (char c : body) {
    bytewise.feed(std::string_view(&c, 1));
  }
  EXPECT_EQ(bytewise.completion_tokens(), 56U);
  EXPECT_EQ(bytewise.cached_tokens(), 1024U);
}

TEST(UsageScanner, KeysSharingAPrefixAreToldApart) {
  // "cached_tokens" and "completion_tokens" share their "c"; "ca..." and "co..." must both match,
  // including right after a near miss.
  UsageScanner s;
  s.feed(R"({"cachet":1,"cached_tokens":7,"compl":2,"completion_tokens":3,"c":4})");
  EXPECT_EQ(s.cached_tokens(), 7U);
  EXPECT_EQ(s.completion_tokens(), 3U);
  UsageScanner none;
  none.feed(R"({"cached_tokens_x":5,"cache_tokens":6})");
  EXPECT_FALSE(none.cached_tokens().has_value());
}

TEST(UsageScanner, LastValueWinsAndEscapedTextCannotForgeIt) {
  UsageScanner s;
  s.feed(R"({"usage":{"completion_tokens":1}})");
  s.feed(R"({"content":"say \"completion_tokens\": 999","usage":{"completion_tokens":2}})");
  EXPECT_EQ(s.completion_tokens(), 2U);
  EXPECT_FALSE(s.prompt_tokens().has_value());
}

TEST(UsageScanner, IgnoresNonNumbersAndHugeValues) {
  UsageScanner s;
  s.feed(R"({"prompt_tokens":null,"completion_tokens":"7","xprompt_tokens":5})");
  EXPECT_FALSE(s.prompt_tokens().has_value());
  EXPECT_FALSE(s.completion_tokens().has_value());
  s.feed(R"({"prompt_tokens":99999999999999999999})");
  EXPECT_FALSE(s.prompt_tokens().has_value());
  s.feed(R"({"prompt_tokens":0})");
  EXPECT_EQ(s.prompt_tokens(), 0U);
}

}  // namespace
}  // namespace sluice::openai
