#include "bench/dataset.h"
#include "dataset_test_util.h"
#include "openai/tokenizer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

namespace sluice::bench {
namespace {

using test::fixture;
using test::must_make;
using test::write_temp;

DatasetOptions sharegpt(std::string path, std::uint64_t seed = 1) {
  return test::file_dataset("sharegpt", std::move(path), seed);
}

const std::map<std::string, std::string> kUsable = {
    {"What is the capital of France?", "The capital of France is Paris."},
    {"Quote \"[{\" and a backslash \\ then ]} end",
     "Brackets ] } inside strings are text, not structure."},
    {"Write a haiku about rain.",
     "Soft rain on the roof,\nthe gutters hum a low song,\nthe street shines like glass."},
};

TEST(ShareGptDataset, LoadsUsableEntriesWithReplyLengthsAsMaxTokens) {
  auto dataset = must_make(sharegpt(fixture("sharegpt_small.json")));
  ASSERT_TRUE(dataset);
  EXPECT_EQ(dataset->size(), 3U);
  EXPECT_NE(dataset->describe().find("3 usable of 9 entries"), std::string::npos)
      << dataset->describe();
  const openai::Tokenizer tokenizer;
  std::set<std::string> seen;
  for (int i = 0; i < 3; ++i) {
    const Prompt p = dataset->next();
    ASSERT_EQ(p.messages.size(), 1U);
    EXPECT_EQ(p.messages[0].role, "user");
    const auto it = kUsable.find(p.messages[0].content);
    ASSERT_NE(it, kUsable.end()) << "unexpected prompt: " << p.messages[0].content;
    EXPECT_EQ(p.max_tokens, tokenizer.count(it->second));
    EXPECT_EQ(p.input_tokens, tokenizer.count(it->first));
    seen.insert(it->first);
  }
  EXPECT_EQ(seen.size(), 3U) << "one lap visits every usable entry once";
}

TEST(ShareGptDataset, ReplyTokenCountMatchesTheSimTokenizer) {
  // "The capital of France is Paris." = The, capi+tal, of, Fra+nce, is, Paris, "." = 9 tokens.
  auto dataset = must_make(sharegpt(fixture("sharegpt_small.json")));
  ASSERT_TRUE(dataset);
  bool found = false;
  for (int i = 0; i < 3; ++i) {
    const Prompt p = dataset->next();
    if (p.messages[0].content == "What is the capital of France?") {
      EXPECT_EQ(p.max_tokens, 9U);
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST(ShareGptDataset, CyclesInTheSameOrderAndOverridesOutput) {
  auto options = sharegpt(fixture("sharegpt_small.json"));
  options.override_output = true;
  options.output = LengthDistribution::fixed(7);
  auto dataset = must_make(options);
  ASSERT_TRUE(dataset);
  std::vector<std::string> lap1, lap2;
  for (int i = 0; i < 3; ++i) lap1.push_back(dataset->next().messages[0].content);
  for (int i = 0; i < 3; ++i) {
    const Prompt p = dataset->next();
    lap2.push_back(p.messages[0].content);
    EXPECT_EQ(p.max_tokens, 7U);
  }
  EXPECT_EQ(lap1, lap2);
}

std::string many_entries(int n) {
  std::string json = "[";
  for (int i = 0; i < n; ++i) {
    if (i > 0) json += ",\n";
    json += R"({"id":")" + std::to_string(i) + R"(","conversations":[{"from":"human","value":"q)" +
            std::to_string(i) + R"("},{"from":"gpt","value":"a"}]})";
  }
  return json + "]";
}

TEST(ShareGptDataset, ShuffleIsDeterministicPerSeed) {
  const std::string path = write_temp("many.json", many_entries(40));
  auto a = must_make(sharegpt(path, 1));
  auto b = must_make(sharegpt(path, 1));
  auto c = must_make(sharegpt(path, 2));
  ASSERT_TRUE(a && b && c);
  ASSERT_EQ(a->size(), 40U);
  std::vector<std::string> order_a, order_b, order_c;
  for (int i = 0; i < 40; ++i) {
    order_a.push_back(a->next().messages[0].content);
    order_b.push_back(b->next().messages[0].content);
    order_c.push_back(c->next().messages[0].content);
  }
  EXPECT_EQ(order_a, order_b);
  EXPECT_NE(order_a, order_c);
  EXPECT_EQ(std::set<std::string>(order_a.begin(), order_a.end()).size(), 40U);
  std::vector<std::string> file_order;
  for (int i = 0; i < 40; ++i) file_order.push_back("q" + std::to_string(i));
  EXPECT_NE(order_a, file_order) << "entries are shuffled";
}

struct Malformed {
  std::string name;
  std::string contents;
  std::string expected;  // a part of the message besides the path
};

void PrintTo(const Malformed& m, std::ostream* os) { *os << m.name; }

class ShareGptMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(ShareGptMalformed, IsRejectedNamingTheFile) {
  const Malformed& m = GetParam();
  const std::string path = write_temp(m.name, m.contents);
  auto dataset = make_dataset(sharegpt(path));
  ASSERT_FALSE(dataset.ok()) << m.name;
  EXPECT_EQ(dataset.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(dataset.error().message.find(path), std::string::npos) << dataset.error().message;
  EXPECT_NE(dataset.error().message.find(m.expected), std::string::npos) << dataset.error().message;
}

const std::string kGood =
    R"({"conversations":[{"from":"human","value":"hi"},{"from":"gpt","value":"yo"}]})";

INSTANTIATE_TEST_SUITE_P(
    Files, ShareGptMalformed,
    ::testing::Values(
        Malformed{"not_json", "hello world", "expected a JSON array"},
        Malformed{"empty", "", "expected a JSON array"},
        Malformed{"object", R"({"conversations": []})", "expected a JSON array"},
        Malformed{"truncated",
                  R"([{"conversations":[{"from":"human","value":"hi"},{"from":"gpt","val)",
                  "entry 0: file truncated"},
        Malformed{"unclosed_array", "[" + kGood + ",", "truncated"},
        Malformed{"numbers", "[1, 2]", "entry 0: expected an object"},
        Malformed{"conversations_not_array", "[" + kGood + R"(, {"conversations": "hi"}])",
                  "entry 1: expected a \"conversations\" array"},
        Malformed{"missing_conversations", R"([{"id": "x"}])",
                  "entry 0: expected a \"conversations\" array"},
        Malformed{"turn_not_object", R"([{"conversations": ["hi", "there"]}])",
                  "entry 0: conversation turn 0"},
        Malformed{"bad_json_inside", R"([{"conversations": [}]])", "entry 0: invalid JSON"},
        Malformed{"missing_comma", "[" + kGood + kGood + "]", "entry 0: expected ','"},
        Malformed{"trailing", "[" + kGood + "] x", "after the array"},
        Malformed{"no_usable", R"([{"conversations": []}, {"conversations":
                  [{"from": "gpt", "value": "a"}, {"from": "human", "value": "b"}]}])",
                  "no usable entries among 2"},
        Malformed{"empty_array", "[ ]", "no usable entries among 0"}),
    [](const ::testing::TestParamInfo<Malformed>& param_info) { return param_info.param.name; });

TEST(ShareGptDataset, MissingFileIsRejectedNamingIt) {
  const std::string path = fixture("no_such_sharegpt.json");
  auto dataset = make_dataset(sharegpt(path));
  ASSERT_FALSE(dataset.ok());
  EXPECT_EQ(dataset.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(dataset.error().message.find(path), std::string::npos);
  EXPECT_NE(dataset.error().message.find("no such file"), std::string::npos);
}

}  // namespace
}  // namespace sluice::bench
