#include "bench/dataset_trace.h"

#include "bench/dataset.h"
#include "dataset_test_util.h"
#include "openai/tokenizer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace sluice::bench {
namespace {

using dataset_detail::parse_trace_time;

constexpr std::int64_t kSecond = 1'000'000'000;

using test::fixture;
using test::must_make;
using test::write_temp;

DatasetOptions trace(std::string path, std::uint64_t seed = 1) {
  return test::file_dataset("trace", std::move(path), seed);
}

struct Expected {
  std::int64_t arrival_ns;
  std::uint32_t input;
  std::uint32_t output;
};

void expect_rows(Dataset& dataset, const std::vector<Expected>& rows, std::int64_t shift_ns) {
  const openai::Tokenizer tokenizer;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Prompt p = dataset.next();
    ASSERT_TRUE(p.arrival.has_value()) << i;
    EXPECT_EQ(p.arrival->count(), rows[i].arrival_ns + shift_ns) << "row " << i;
    EXPECT_EQ(p.input_tokens, rows[i].input) << "row " << i;
    ASSERT_EQ(p.messages.size(), 1U);
    EXPECT_EQ(tokenizer.count(p.messages[0].content), rows[i].input) << "row " << i;
    EXPECT_EQ(p.max_tokens, rows[i].output) << "row " << i;
  }
}

TEST(TraceTime, ParsesSecondsAndDateTimes) {
  EXPECT_EQ(parse_trace_time("0"), 0);
  EXPECT_EQ(parse_trace_time("12.5"), 12 * kSecond + kSecond / 2);
  EXPECT_EQ(parse_trace_time(" 3 "), 3 * kSecond);
  EXPECT_EQ(parse_trace_time("1970-01-01 00:00:00"), 0);
  EXPECT_EQ(parse_trace_time("2023-11-16 18:15:46.6805900"), 1700158546LL * kSecond + 680590000);
  EXPECT_EQ(parse_trace_time("2023-11-16T18:15:46.68059Z"), 1700158546LL * kSecond + 680590000);
  // Digits beyond nanoseconds are ignored.
  EXPECT_EQ(parse_trace_time("2023-11-16 18:15:46.123456789987"),
            1700158546LL * kSecond + 123456789);
  EXPECT_EQ(parse_trace_time("2024-02-29 00:00:00"), 1709164800LL * kSecond);
  EXPECT_EQ(parse_trace_time("2200-12-31 23:59:59"), 7289654399LL * kSecond);
}

TEST(TraceTime, RejectsMalformedTimes) {
  for (const char* bad :
       {"", "abc", "-1", "1e30", "nan", "12s", "2023-02-29 00:00:00", "2023-13-01 00:00:00",
        "2023-11-31 00:00:00", "2023-11-16 24:00:00", "2023-11-16 18:60:00", "2023-11-16 18:15:46.",
        "2023-11-16 18:15:46.12x", "2023/11/16 18:15:46", "1969-12-31 23:59:59",
        "2201-01-01 00:00:00", "2023-11-16 18:15"}) {
    EXPECT_FALSE(parse_trace_time(bad).has_value()) << bad;
  }
}

TEST(TraceDataset, AzureCsvWithDateTimesIsNormalizedToTheFirstRow) {
  auto dataset = must_make(trace(fixture("trace_azure.csv")));
  ASSERT_TRUE(dataset);
  EXPECT_TRUE(dataset->has_arrivals());
  EXPECT_EQ(dataset->size(), 4U);
  EXPECT_NE(dataset->describe().find("4 rows over 14.819 s"), std::string::npos)
      << dataset->describe();
  // Output 0 in the last row is sent as max_tokens 1.
  const std::vector<Expected> rows = {
      {0, 374, 44}, {4314579000, 396, 109}, {4314579000, 879, 55}, {14819410000, 1000, 1}};
  expect_rows(*dataset, rows, 0);
  // Next lap: shifted by span + mean gap = 14.81941 s + 14.81941 s / 3.
  expect_rows(*dataset, rows, 14819410000 + 14819410000 / 3);
  expect_rows(*dataset, rows, 2 * (14819410000 + 14819410000 / 3));
}

TEST(TraceDataset, SecondsCsvWithReorderedExtraColumnsCrlfAndBlankLines) {
  auto dataset = must_make(trace(fixture("trace_seconds.csv")));
  ASSERT_TRUE(dataset);
  // Input 0 in the last row still sends a one-word prompt.
  const std::vector<Expected> rows = {{0, 30, 12}, {kSecond / 2, 5, 7}, {2750000000, 1, 3}};
  expect_rows(*dataset, rows, 0);
  expect_rows(*dataset, rows, 2750000000 + 2750000000 / 2);
}

TEST(TraceDataset, JsonlWithNumberAndStringTimestamps) {
  auto dataset = must_make(trace(fixture("trace.jsonl")));
  ASSERT_TRUE(dataset);
  EXPECT_EQ(dataset->size(), 4U);
  const std::vector<Expected> rows = {
      {0, 10, 20}, {kSecond / 2, 11, 21}, {5 * kSecond / 2, 12, 22}, {4 * kSecond, 13, 23}};
  expect_rows(*dataset, rows, 0);
  expect_rows(*dataset, rows, 4 * kSecond + 4 * kSecond / 3);
}

TEST(TraceDataset, OneRowTraceRepeatsEverySecond) {
  const std::string path =
      write_temp("one_row.csv", "timestamp,input_length,output_length\n7,3,4\n");
  auto dataset = must_make(trace(path));
  ASSERT_TRUE(dataset);
  for (std::int64_t lap = 0; lap < 3; ++lap) {
    EXPECT_EQ(dataset->next().arrival->count(), lap * kSecond);
  }
}

TEST(TraceDataset, TextIsDeterministicPerSeedAndFreshPerLap) {
  auto a = must_make(trace(fixture("trace.jsonl"), 1));
  auto b = must_make(trace(fixture("trace.jsonl"), 1));
  auto c = must_make(trace(fixture("trace.jsonl"), 2));
  ASSERT_TRUE(a && b && c);
  std::vector<std::string> texts;
  for (int i = 0; i < 8; ++i) {
    const Prompt pa = a->next();
    EXPECT_EQ(pa.messages[0].content, b->next().messages[0].content) << i;
    EXPECT_NE(pa.messages[0].content, c->next().messages[0].content) << i;
    texts.push_back(pa.messages[0].content);
  }
  for (int i = 0; i < 4; ++i) EXPECT_NE(texts[i], texts[i + 4]) << "row " << i << " lap 2";
}

struct Malformed {
  std::string name;
  std::string contents;
  std::string expected;  // the line and what is wrong
};

void PrintTo(const Malformed& m, std::ostream* os) { *os << m.name; }

class TraceMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(TraceMalformed, IsRejectedNamingFileAndLine) {
  const Malformed& m = GetParam();
  const std::string path = write_temp(m.name, m.contents);
  auto dataset = make_dataset(trace(path));
  ASSERT_FALSE(dataset.ok()) << m.name;
  EXPECT_EQ(dataset.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(dataset.error().message.find("'" + path + "'"), std::string::npos)
      << dataset.error().message;
  EXPECT_NE(dataset.error().message.find(m.expected), std::string::npos) << dataset.error().message;
}

const std::string kHeader = "timestamp,input_length,output_length\n";

INSTANTIATE_TEST_SUITE_P(
    Files, TraceMalformed,
    ::testing::Values(
        Malformed{"backwards", kHeader + "1,2,3\n2,2,3\n1.5,2,3\n", "line 4: timestamp is earlier"},
        Malformed{"backwards_jsonl",
                  R"({"timestamp": 2, "input_length": 1, "output_length": 1})"
                  "\n"
                  R"({"timestamp": 1, "input_length": 1, "output_length": 1})",
                  "line 2: timestamp is earlier"},
        Malformed{"bad_time", kHeader + "1,2,3\nsoon,2,3\n", "line 3: invalid timestamp 'soon'"},
        Malformed{"bad_input", kHeader + "1,two,3\n", "line 2: invalid input length 'two'"},
        Malformed{"negative_output", kHeader + "1,2,-3\n", "line 2: invalid output length '-3'"},
        Malformed{"fraction_length", kHeader + "1,2.5,3\n", "line 2: invalid input length"},
        Malformed{"short_row", kHeader + "1,2,3\n4,5\n", "line 3: expected at least 3 columns"},
        Malformed{"missing_column", "\nTIMESTAMP,ContextTokens\n1,2\n",
                  "line 2: header lacks the output length column"},
        Malformed{"unknown_header", "time,in,out\n1,2,3\n", "line 1: header lacks the timestamp"},
        Malformed{"header_only", kHeader, "no rows"}, Malformed{"empty", "", "no rows"},
        Malformed{"jsonl_missing_field", R"({"timestamp": 1, "input_length": 1})",
                  "line 1: missing or invalid \"output_length\""},
        Malformed{"jsonl_bad_json",
                  R"({"timestamp": 1, "input_length": 1, "output_length": 1, "note": "oops})",
                  "line 1: invalid JSON"},
        Malformed{"jsonl_missing_value", R"({"timestamp": 1, "input_length": })",
                  "line 1: missing or invalid \"input_length\""},
        Malformed{"jsonl_not_object",
                  R"({"timestamp": 1, "input_length": 1, "output_length": 1})"
                  "\n[1, 2, 3]\n",
                  "line 2: expected an object"},
        Malformed{"jsonl_bad_timestamp",
                  R"({"timestamp": "yesterday", "input_length": 1, "output_length": 1})",
                  "line 1: invalid \"timestamp\""},
        Malformed{"jsonl_negative_length",
                  R"({"timestamp": 1, "input_length": -4, "output_length": 1})",
                  "line 1: missing or invalid \"input_length\""}),
    [](const ::testing::TestParamInfo<Malformed>& param_info) { return param_info.param.name; });

TEST(TraceDataset, MissingFileIsRejectedNamingIt) {
  const std::string path = fixture("no_such_trace.csv");
  auto dataset = make_dataset(trace(path));
  ASSERT_FALSE(dataset.ok());
  EXPECT_NE(dataset.error().message.find(path), std::string::npos);
}

}  // namespace
}  // namespace sluice::bench
