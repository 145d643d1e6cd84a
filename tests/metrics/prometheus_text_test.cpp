#include "metrics/prometheus_text.h"

#include "metrics/label_value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace sluice::metrics {
namespace {

PromSnapshot parse_ok(std::string_view text) {
  auto parsed = parse_prometheus_text(text);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? std::move(parsed).value() : PromSnapshot{};
}

std::string parse_error(std::string_view text) {
  auto parsed = parse_prometheus_text(text);
  EXPECT_FALSE(parsed.ok()) << "parsed: " << text;
  if (parsed.ok()) {
    return {};
  }
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
  return parsed.error().message;
}

double value_of(const PromSnapshot& s, std::string_view series) {
  const PromSample* sample = s.find(series);
  EXPECT_NE(sample, nullptr) << "missing " << series;
  return sample != nullptr ? sample->value : -12345;
}

TEST(PrometheusText, HelpTypeCommentsAndBlankLines) {
  const PromSnapshot s = parse_ok(
      "# HELP http_requests_total The total number of HTTP requests.\n"
      "# TYPE http_requests_total counter\n"
      "\n"
      "# just a comment\n"
      "#TYPE-less comment without space\n"
      "http_requests_total{method=\"post\",code=\"200\"} 1027\n"
      "   \t\n"
      "# TYPE temperature gauge\n"
      "temperature 21.5\n"
      "plain_untyped 3\n");
  ASSERT_EQ(s.samples.size(), 3U);
  // Sorted by series; labels sorted by name.
  EXPECT_EQ(s.samples[0].series, "http_requests_total{code=\"200\",method=\"post\"}");
  EXPECT_EQ(s.samples[0].name, "http_requests_total");
  EXPECT_EQ(s.samples[0].value, 1027);
  EXPECT_FALSE(s.samples[0].timestamp_ms.has_value());
  EXPECT_EQ(s.samples[1].series, "plain_untyped");
  EXPECT_EQ(s.samples[2].series, "temperature");
  EXPECT_EQ(s.samples[2].value, 21.5);
  ASSERT_EQ(s.types.size(), 2U);
  EXPECT_EQ(s.types.at("http_requests_total"), "counter");
  EXPECT_EQ(s.types.at("temperature"), "gauge");
  EXPECT_EQ(s.types.count("plain_untyped"), 0U);
}

TEST(PrometheusText, EmptyInputIsAnEmptySnapshot) {
  const PromSnapshot s = parse_ok("");
  EXPECT_TRUE(s.samples.empty());
  EXPECT_TRUE(s.types.empty());
  EXPECT_TRUE(parse_ok("\n\n# only comments\n").samples.empty());
}

TEST(PrometheusText, EscapedLabelValuesAreKeptAsExposed) {
  const PromSnapshot s =
      parse_ok(R"(msg{text="say \"hi\"",path="C:\\dir",multi="a\nb",punct="x,y}=z"} 1)"
               "\n");
  ASSERT_EQ(s.samples.size(), 1U);
  EXPECT_EQ(s.samples[0].series,
            R"(msg{multi="a\nb",path="C:\\dir",punct="x,y}=z",text="say \"hi\""})");
  EXPECT_EQ(s.samples[0].name, "msg");
}

TEST(PrometheusText, BackslashRunsBeforeAQuote) {
  // `x\\` ends in an escaped backslash, so the next quote closes the value; in `q\\\"` the
  // third backslash escapes the quote.
  const PromSnapshot s = parse_ok(R"(v{a="x\\",b="q\\\"r"} 1)"
                                  "\n");
  ASSERT_EQ(s.samples.size(), 1U);
  EXPECT_EQ(s.samples[0].series, R"(v{a="x\\",b="q\\\"r"})");
  EXPECT_EQ(s.samples[0].value, 1);
}

TEST(PrometheusText, LenientWhitespaceTrailingCommaAndEmptyBraces) {
  const PromSnapshot s = parse_ok(
      "  spaced { b = \"2\" ,\ta=\"1\", }  \t 7   \n"
      "braces{} 8\n"
      "tight{a=\"1\"}9\n");
  EXPECT_EQ(value_of(s, "spaced{a=\"1\",b=\"2\"}"), 7);
  EXPECT_EQ(value_of(s, "braces"), 8);  // no labels: no braces in the series
  EXPECT_EQ(value_of(s, "tight{a=\"1\"}"), 9);
}

TEST(PrometheusText, TimestampsAreOptional) {
  const PromSnapshot s = parse_ok(
      "a 1 1395066363000\n"
      "b{x=\"y\"} 2 -5\n"
      "c 3\t\t+42  \n"
      "d 4\n");
  EXPECT_EQ(s.find("a")->timestamp_ms, 1395066363000);
  EXPECT_EQ(s.find("a")->value, 1);
  EXPECT_EQ(s.find("b{x=\"y\"}")->timestamp_ms, -5);
  EXPECT_EQ(s.find("c")->timestamp_ms, 42);
  EXPECT_FALSE(s.find("d")->timestamp_ms.has_value());
}

TEST(PrometheusText, SpecialAndExponentValues) {
  const PromSnapshot s = parse_ok(
      "nan_v NaN\n"
      "nan_lower nan\n"
      "pinf +Inf\n"
      "ninf -Inf\n"
      "inf_bare Inf\n"
      "infinity -infinity\n"
      "expo 1.5e-3\n"
      "big 2E+10\n"
      "plus +3.25\n"
      "neg -0.5\n"
      "dot .5\n");
  EXPECT_TRUE(std::isnan(value_of(s, "nan_v")));
  EXPECT_TRUE(std::isnan(value_of(s, "nan_lower")));
  EXPECT_EQ(value_of(s, "pinf"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(value_of(s, "ninf"), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(value_of(s, "inf_bare"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(value_of(s, "infinity"), -std::numeric_limits<double>::infinity());
  EXPECT_DOUBLE_EQ(value_of(s, "expo"), 0.0015);
  EXPECT_DOUBLE_EQ(value_of(s, "big"), 2e10);
  EXPECT_EQ(value_of(s, "plus"), 3.25);
  EXPECT_EQ(value_of(s, "neg"), -0.5);
  EXPECT_EQ(value_of(s, "dot"), 0.5);
}

TEST(PrometheusText, NamesWithColonsAndHistogramLabels) {
  const PromSnapshot s = parse_ok(
      "# TYPE vllm:num_requests_running gauge\n"
      "vllm:num_requests_running{engine=\"0\",model_name=\"m\"} 4\n"
      "# TYPE vllm:e2e_request_latency_seconds histogram\n"
      "vllm:e2e_request_latency_seconds_bucket{model_name=\"m\",le=\"+Inf\"} 3\n");
  EXPECT_EQ(s.types.at("vllm:num_requests_running"), "gauge");
  EXPECT_EQ(s.types.at("vllm:e2e_request_latency_seconds"), "histogram");
  EXPECT_EQ(value_of(s, "vllm:num_requests_running{engine=\"0\",model_name=\"m\"}"), 4);
  EXPECT_EQ(value_of(s, "vllm:e2e_request_latency_seconds_bucket{le=\"+Inf\",model_name=\"m\"}"),
            3);
  EXPECT_EQ(s.find("vllm:num_requests_running{engine=\"0\",model_name=\"m\"}")->name,
            "vllm:num_requests_running");
}

TEST(PrometheusText, CrlfLineEndingsAndMissingFinalNewline) {
  const PromSnapshot s = parse_ok(
      "# TYPE a counter\r\n"
      "a_total{x=\"1\"} 5\r\n"
      "\r\n"
      "b 6 1000\r\n"
      "c 7");
  EXPECT_EQ(s.types.at("a"), "counter");
  EXPECT_EQ(value_of(s, "a_total{x=\"1\"}"), 5);
  EXPECT_EQ(value_of(s, "b"), 6);
  EXPECT_EQ(s.find("b")->timestamp_ms, 1000);
  EXPECT_EQ(value_of(s, "c"), 7);
}

TEST(PrometheusText, DuplicateSeriesKeepTheFirstSample) {
  const PromSnapshot s = parse_ok(
      "dup{a=\"1\",b=\"2\"} 1\n"
      "other 5\n"
      "dup{b=\"2\",a=\"1\"} 2\n");
  ASSERT_EQ(s.samples.size(), 2U);
  EXPECT_EQ(value_of(s, "dup{a=\"1\",b=\"2\"}"), 1);
}

TEST(PrometheusText, TypeLinesAreCaseInsensitiveMayFollowSamplesAndBareHelpIsAComment) {
  const PromSnapshot s = parse_ok(
      "late 1\n"
      "# TYPE late GAUGE\n"
      "# HELP\n"
      "# TYPE\n"
      "# HELP documented Text with \\\\ escapes and \"quotes\".\n"
      "#  TYPE   spaced_type \t summary  \n");
  EXPECT_EQ(s.types.at("late"), "gauge");
  EXPECT_EQ(s.types.at("spaced_type"), "summary");
  EXPECT_EQ(s.types.size(), 2U);
}

TEST(PrometheusText, FindOnMissingSeriesIsNull) {
  const PromSnapshot s = parse_ok("a 1\nc 3\n");
  EXPECT_EQ(s.find("b"), nullptr);
  EXPECT_EQ(s.find("d"), nullptr);
  EXPECT_EQ(s.find(""), nullptr);
  EXPECT_NE(s.find("c"), nullptr);
}

struct MalformedCase {
  const char* text;
  const char* expected;  ///< substring of the error message, including the line number
};

void PrintTo(const MalformedCase& c, std::ostream* os) { *os << '"' << c.text << '"'; }

class PrometheusTextMalformed : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(PrometheusTextMalformed, NamesTheLine) {
  const std::string message = parse_error(GetParam().text);
  EXPECT_NE(message.find(GetParam().expected), std::string::npos)
      << "message: " << message << "\nwanted: " << GetParam().expected;
}

INSTANTIATE_TEST_SUITE_P(
    Lines, PrometheusTextMalformed,
    ::testing::Values(
        MalformedCase{"ok 1\nmissing_value\n", "line 2: missing value"},
        MalformedCase{"ok 1\n\nbad_value abc\n", "line 3: invalid value 'abc'"},
        MalformedCase{"x ++1\n", "line 1: invalid value '++1'"},
        MalformedCase{"x +-1\n", "line 1: invalid value"},
        MalformedCase{"x nan(1)\n", "line 1: invalid value"},
        MalformedCase{"x 1e999\n", "line 1: invalid value"},
        MalformedCase{"x{a=\"unterminated} 1\n", "line 1: unterminated value of label 'a'"},
        MalformedCase{"x{a=\"ends with backslash\\", "line 1: unterminated value"},
        MalformedCase{"x{a \"b\"} 1\n", "line 1: expected '=' after label name 'a'"},
        MalformedCase{"x{a=b} 1\n", "line 1: expected '\"'"},
        MalformedCase{"x{1a=\"b\"} 1\n", "line 1: invalid label name"},
        MalformedCase{"x{a=\"b\" c=\"d\"} 1\n", "line 1: expected ',' or '}'"},
        MalformedCase{"x{a=\"b\",\n", "line 1: unterminated label list"},
        MalformedCase{"x{a=\"1\",a=\"2\"} 1\n", "line 1: duplicate label 'a'"},
        MalformedCase{"x-y 1\n", "line 1: invalid character '-' after metric name 'x'"},
        MalformedCase{"{a=\"b\"} 1\n", "line 1: expected a metric name"},
        MalformedCase{"1x 1\n", "line 1: expected a metric name"},
        MalformedCase{"x 1 1.5\n", "line 1: invalid timestamp '1.5'"},
        MalformedCase{"x 1 100 extra\n", "line 1: unexpected text after the timestamp"},
        MalformedCase{"a 1\r\n# TYPE a countr\r\n", "line 2: unknown metric type 'countr'"},
        MalformedCase{"# TYPE a\n", "line 1: unknown metric type ''"},
        MalformedCase{"# TYPE a gauge extra\n", "line 1: unexpected text after the type"},
        MalformedCase{"# TYPE 9a gauge\n", "line 1: invalid metric name '9a' in # TYPE line"},
        MalformedCase{"# HELP a-b text\n", "line 1: invalid metric name 'a-b' in # HELP line"}));

TEST(PrometheusText, ParsesTheSimulatorsMetricsPage) {
  const auto path = std::filesystem::path(__FILE__).parent_path() / "data" / "sim_metrics.txt";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing fixture " << path;
  std::stringstream text;
  text << in.rdbuf();
  const PromSnapshot s = parse_ok(text.str());

  EXPECT_GT(s.samples.size(), 100U);
  EXPECT_EQ(s.types.at("vllm:num_requests_running"), "gauge");
  EXPECT_EQ(s.types.at("vllm:time_to_first_token_seconds"), "histogram");
  EXPECT_EQ(s.types.at("vllm:prompt_tokens_total"), "counter");
  EXPECT_EQ(s.types.at("vllm:iteration_tokens_total"), "histogram");
  EXPECT_NE(s.find("vllm:num_requests_running{engine=\"0\",model_name=\"m\"}"), nullptr);
  const PromSample* count =
      s.find("vllm:time_to_first_token_seconds_count{engine=\"0\",model_name=\"m\"}");
  ASSERT_NE(count, nullptr);
  const PromSample* inf_bucket =
      s.find("vllm:time_to_first_token_seconds_bucket{engine=\"0\",le=\"+Inf\",model_name=\"m\"}");
  ASSERT_NE(inf_bucket, nullptr);
  EXPECT_EQ(inf_bucket->value, count->value);  // the +Inf bucket holds every observation
  EXPECT_GT(count->value, 0);                  // the fixture was saved after a few requests
  EXPECT_EQ(s.find("vllm:time_to_first_token_seconds_count{engine=\"0\",model_name=\"m\"}")->name,
            "vllm:time_to_first_token_seconds_count");
}

TEST(LabelValue, EscapesQuotesBackslashesNewlinesAndReplacesInvalidUtf8) {
  std::string escaped;
  append_label_value(escaped, "a\xff\"b\\\n");
  EXPECT_EQ(escaped, "a?\\\"b\\\\\\n");
  escaped.clear();
  append_label_value(escaped, "caf\xc3\xa9");  // valid UTF-8 stays
  EXPECT_EQ(escaped, "caf\xc3\xa9");
}

TEST(PrometheusText, OnlyKeepsTheNamedMetricsButStillChecksEveryLine) {
  const std::string page =
      "# TYPE a gauge\n# TYPE b counter\na{x=\"1\"} 1\nb 2\na{x=\"2\"} 3\nc 4\n";
  const std::string_view only[] = {"a"};
  auto parsed = parse_prometheus_text(page, only);
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->samples.size(), 2U);
  EXPECT_EQ(parsed->samples[0].series, "a{x=\"1\"}");
  EXPECT_EQ(parsed->samples[1].value, 3);
  EXPECT_EQ(parsed->types.size(), 1U);
  EXPECT_EQ(parsed->types.at("a"), "gauge");
  // A broken line of a metric nobody reads still rejects the page, as without the filter.
  auto broken = parse_prometheus_text(page + "b{y=} 1\n", only);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("line 7"), std::string::npos) << broken.error().message;
}

}  // namespace
}  // namespace sluice::metrics
