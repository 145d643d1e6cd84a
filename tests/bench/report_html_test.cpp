#include "bench/report_html.h"

#include "bench/report_html_data.h"
#include "bench/stats.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <numeric>
#include <string>
#include <vector>

namespace sluice::bench {
namespace {

constexpr std::string_view kDataOpen = "<script type=\"application/json\" id=\"data\">";
constexpr std::string_view kSvgNamespace = "http://www.w3.org/2000/svg";

std::vector<double> ascending(std::size_t n, double from, double step) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = from + static_cast<double>(i) * step;
  }
  return v;
}

StageReport stage(std::string name, double target_rate, std::vector<double> ttfts) {
  StageReport r;
  r.name = std::move(name);
  r.target_rate = target_rate;
  r.achieved_rate = target_rate * 0.98;
  r.duration_s = 10;
  r.completed = ttfts.size();
  r.failed = 2;
  r.errors = {{"http_503", 2}};
  r.ttft = summarize(ttfts);
  r.tpot = summarize({0.004, 0.005, 0.006});
  r.itl = summarize({0.004, 0.005});
  r.e2e = summarize({0.5, 0.6});
  r.ttft_values = std::move(ttfts);
  r.requests_per_s = target_rate * 0.97;
  r.output_tokens_per_s = target_rate * 100;
  r.goodput_requests_per_s = target_rate * 0.9;
  return r;
}

// The text between the data block's opening tag and the first "</script" after it: exactly what
// a browser hands to JSON.parse.
std::string data_block(const std::string& page) {
  const auto start = page.find(kDataOpen);
  if (start == std::string::npos) {
    return {};
  }
  const auto body = start + kDataOpen.size();
  return page.substr(body, page.find("</script", body) - body);
}

std::size_t count(const std::string& haystack, std::string_view needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

TEST(ReportHtml, HasEveryChartContainerTheDataBlockAndNoExternalResource) {
  const std::string page = report_html({stage("s1", 10, {0.01, 0.02})}, {});
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0U);
  for (const char* kind : {"latency", "throughput", "ttft-histogram"}) {
    EXPECT_EQ(count(page, std::string("<div class=\"chart\" data-chart=\"") + kind + "\"></div>"),
              1U)
        << kind;
  }
  EXPECT_EQ(count(page, kDataOpen), 1U);
  EXPECT_NE(page.find("window.onerror"), std::string::npos);
  EXPECT_NE(page.find("Content-Security-Policy\" content=\"default-src 'none'"), std::string::npos);
  // The SVG namespace is a name, not a resource; no other URL may appear.
  std::string without_namespace = page;
  for (auto pos = without_namespace.find(kSvgNamespace); pos != std::string::npos;
       pos = without_namespace.find(kSvgNamespace)) {
    without_namespace.erase(pos, kSvgNamespace.size());
  }
  EXPECT_EQ(without_namespace.find("http://"), std::string::npos);
  EXPECT_EQ(without_namespace.find("https://"), std::string::npos);
  EXPECT_EQ(page.find("url("), std::string::npos);
  EXPECT_EQ(page.find(" src="), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
}

TEST(ReportHtml, RunTextIsEscapedAndCannotCloseTheDataBlock) {
  const std::string evil = "</script><b>x & y<!-- '\"";
  StageReport r = stage(evil, 5, {0.01});
  r.per_model[evil] = {1, 0};
  r.errors = {{evil, 1}};
  r.scraped.push_back({evil, evil, "gauge", 1, 2});
  ReportContext context;
  context.title = evil;
  context.command_line = "sluice bench --url " + evil;
  const std::string page = report_html({r}, context);

  EXPECT_EQ(page.find("<b>"), std::string::npos);
  EXPECT_EQ(page.find("<!--"), std::string::npos);
  EXPECT_NE(page.find("&lt;/script&gt;&lt;b&gt;x &amp; y&lt;!-- &#39;&quot;"), std::string::npos);
  // Only the three real script elements end: the error hook, the data block and the charts.
  EXPECT_EQ(count(page, "</script"), 3U);
  const std::string json = data_block(page);
  EXPECT_EQ(json.find('<'), std::string::npos);

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  std::string_view name;
  ASSERT_EQ(doc["stages"].at(0)["name"].get(name), simdjson::SUCCESS);
  EXPECT_EQ(name, evil);
  std::string_view title;
  ASSERT_EQ(doc["context"]["title"].get(title), simdjson::SUCCESS);
  EXPECT_EQ(title, evil);
}

TEST(ReportHtml, DataBlockCarriesEveryStagesNumbers) {
  StageReport closed = stage("closed", 0, {0.2, 0.3, 0.4});
  closed.achieved_rate = 3.5;
  closed.concurrency = 8;
  const std::vector<StageReport> stages = {stage("rate-10", 10, ascending(100, 0.01, 0.001)),
                                           stage("rate-20", 20, ascending(50, 0.02, 0.002)),
                                           closed};
  const std::string page = report_html(stages, {});
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(data_block(page)).get(doc), simdjson::SUCCESS);
  simdjson::dom::array parsed;
  ASSERT_EQ(doc["stages"].get(parsed), simdjson::SUCCESS);
  ASSERT_EQ(parsed.size(), stages.size());
  std::size_t i = 0;
  for (simdjson::dom::element s : parsed) {
    const StageReport& want = stages[i++];
    std::string_view name;
    double target = -1, achieved = -1, rps = -1, tok = -1, p99 = -1, tpot_p50 = -1;
    std::uint64_t completed = 0, concurrency = 99, overflow = 0;
    ASSERT_EQ(s["name"].get(name), simdjson::SUCCESS);
    ASSERT_EQ(s["target_rate"].get(target), simdjson::SUCCESS);
    ASSERT_EQ(s["achieved_rate"].get(achieved), simdjson::SUCCESS);
    ASSERT_EQ(s["requests_per_s"].get(rps), simdjson::SUCCESS);
    ASSERT_EQ(s["output_tokens_per_s"].get(tok), simdjson::SUCCESS);
    ASSERT_EQ(s["completed"].get(completed), simdjson::SUCCESS);
    ASSERT_EQ(s["concurrency"].get(concurrency), simdjson::SUCCESS);
    ASSERT_EQ(s["latency"]["ttft"]["p99"].get(p99), simdjson::SUCCESS);
    ASSERT_EQ(s["latency"]["tpot"]["p50"].get(tpot_p50), simdjson::SUCCESS);
    EXPECT_EQ(name, want.name);
    EXPECT_DOUBLE_EQ(target, want.target_rate);
    EXPECT_DOUBLE_EQ(achieved, want.achieved_rate);
    EXPECT_DOUBLE_EQ(rps, want.requests_per_s);
    EXPECT_DOUBLE_EQ(tok, want.output_tokens_per_s);
    EXPECT_EQ(completed, want.completed);
    EXPECT_EQ(concurrency, static_cast<std::uint64_t>(want.concurrency));
    EXPECT_NEAR(p99, want.ttft.p99, 1e-12);
    EXPECT_NEAR(tpot_p50, want.tpot.p50, 1e-12);

    simdjson::dom::array counts;
    ASSERT_EQ(s["ttft_histogram"]["counts"].get(counts), simdjson::SUCCESS);
    ASSERT_EQ(s["ttft_histogram"]["overflow"].get(overflow), simdjson::SUCCESS);
    EXPECT_EQ(counts.size(), static_cast<std::size_t>(kTtftHistogramBins));
    std::uint64_t binned = overflow;
    for (simdjson::dom::element c : counts) {
      binned += c.get_uint64().value_unsafe();
    }
    EXPECT_EQ(binned, want.ttft_values.size());
  }
}

TEST(ReportHtml, TablesShowMillisecondsErrorsAndClosedLoop) {
  StageReport r = stage("closed", 0, {0.0123});
  r.concurrency = 8;
  r.scraped.push_back({"http://sim/metrics", "vllm:num_requests_running", "gauge", 3.5, 7});
  r.scrape_failures["http://down/metrics"] = 4;
  const std::string page = report_html({r}, {});
  EXPECT_NE(page.find("<td class=\"num\">12.300</td>"), std::string::npos);  // TTFT p50 in ms
  EXPECT_NE(page.find("closed loop, concurrency 8"), std::string::npos);
  EXPECT_NE(page.find("http_503: 2"), std::string::npos);
  EXPECT_NE(page.find("vllm:num_requests_running"), std::string::npos);
  EXPECT_NE(page.find("<td class=\"num\">3.5</td>"), std::string::npos);
  EXPECT_NE(page.find("4 failed scrapes of http://down/metrics"), std::string::npos);
}

TEST(ReportHtml, MillionRequestsStayFarBelowAMegabyte) {
  const std::string small = report_html({stage("s", 1000, ascending(10, 0.05, 1e-4))}, {});
  const std::string big = report_html({stage("s", 1000, ascending(1'000'000, 0.05, 1e-7))}, {});
  EXPECT_LT(big.size(), 1'000'000U);
  // The histogram has a fixed number of bins: the size does not grow with the request count
  // beyond the digits of the counts.
  EXPECT_LT(big.size(), small.size() + 1024);
}

TEST(ReportHtml, ZeroRequestStageAndNonFiniteRatesPrintNoNaN) {
  StageReport empty;
  empty.name = "nothing";
  empty.target_rate = 50;
  empty.achieved_rate = std::nan("");  // e.g. a single send: 0 / 0
  empty.failed = 3;
  empty.errors = {{"io", 3}};
  const std::string page = report_html({empty}, {});
  // Everything the C++ wrote: the markup and the data block (the script's own code is not data).
  const auto from = page.find("</style>");
  const auto to = page.find("</script>", page.find(kDataOpen));
  const auto written = page.substr(from, to - from);
  for (const char* bad : {"NaN", "nan", "inf", "Infinity"}) {
    EXPECT_EQ(written.find(bad), std::string::npos) << bad;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(data_block(page)).get(doc), simdjson::SUCCESS);
  EXPECT_TRUE(doc["stages"].at(0)["achieved_rate"].is_null());
  simdjson::dom::array counts;
  ASSERT_EQ(doc["stages"].at(0)["ttft_histogram"]["counts"].get(counts), simdjson::SUCCESS);
  EXPECT_EQ(counts.size(), 0U);
}

TEST(ReportHtml, NoStagesStillMakesAValidPage) {
  const std::string page = report_html({}, {});
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(data_block(page)).get(doc), simdjson::SUCCESS);
  simdjson::dom::array stages;
  ASSERT_EQ(doc["stages"].get(stages), simdjson::SUCCESS);
  EXPECT_EQ(stages.size(), 0U);
}

// p99.9 of 1..1000 (numpy linear) is 999.001: 999 values in the 30 bins, 1000 overflows.
TEST(TtftHistogram, BinsUpToP999AndCountsTheTail) {
  const TtftHistogram h = ttft_histogram(ascending(1000, 1, 1));
  ASSERT_EQ(h.counts.size(), 30U);
  EXPECT_DOUBLE_EQ(h.lo, 1);
  EXPECT_NEAR(h.width, 998.001 / 30, 1e-9);
  EXPECT_EQ(h.overflow, 1U);
  EXPECT_EQ(std::accumulate(h.counts.begin(), h.counts.end(), std::uint64_t{0}), 999U);
  EXPECT_EQ(h.counts.front(), 34U);  // 1..34 are below 1 + 33.27
  EXPECT_GT(h.counts.back(), 0U);    // 999 is in the last bin, not lost
}

TEST(TtftHistogram, EqualValuesFillTheFirstBin) {
  const TtftHistogram h = ttft_histogram(std::vector<double>(7, 0.25));
  ASSERT_FALSE(h.counts.empty());
  EXPECT_GT(h.width, 0);
  EXPECT_EQ(h.counts[0], 7U);
  EXPECT_EQ(h.overflow, 0U);
}

TEST(TtftHistogram, UnsortedAndNonFiniteInputIsSortedAndFiltered) {
  const TtftHistogram sorted = ttft_histogram({0.1, 0.2, 0.3, 0.4}, 4);
  const TtftHistogram messy = ttft_histogram({0.4, std::nan(""), 0.2, 0.1, INFINITY, 0.3}, 4);
  EXPECT_DOUBLE_EQ(messy.lo, sorted.lo);
  EXPECT_DOUBLE_EQ(messy.width, sorted.width);
  EXPECT_EQ(messy.counts, sorted.counts);
  EXPECT_EQ(messy.overflow, sorted.overflow);
}

TEST(TtftHistogram, EmptyInputHasNoBins) {
  const TtftHistogram h = ttft_histogram({});
  EXPECT_TRUE(h.counts.empty());
  EXPECT_EQ(h.overflow, 0U);
}

TEST(HtmlEscape, EscapesTheFiveSpecialCharacters) {
  std::string out;
  append_html_escaped(out, "a<b>&\"c'd");
  EXPECT_EQ(out, "a&lt;b&gt;&amp;&quot;c&#39;d");
}

}  // namespace
}  // namespace sluice::bench
