#include "bench/scrape_summary.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sluice::bench {
namespace {

constexpr std::string_view kTarget = "http://127.0.0.1:8000/metrics";

std::vector<PromSnapshot> pages(std::initializer_list<std::string_view> texts) {
  std::vector<PromSnapshot> out;
  for (const std::string_view text : texts) {
    auto parsed = metrics::parse_prometheus_text(text);
    EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
    out.push_back(parsed.ok() ? std::move(parsed).value() : PromSnapshot{});
  }
  return out;
}

const ScrapedMetric* row(const std::vector<ScrapedMetric>& rows, std::string_view series,
                         std::string_view kind) {
  const auto it = std::find_if(rows.begin(), rows.end(), [&](const ScrapedMetric& m) {
    return m.series == series && m.kind == kind;
  });
  return it == rows.end() ? nullptr : &*it;
}

TEST(SummarizeScrapes, CounterIncreaseFromFirstToLast) {
  const auto rows =
      summarize_scrapes(kTarget, pages({"# TYPE reqs_total counter\nreqs_total 10\n",
                                        "# TYPE reqs_total counter\nreqs_total 15\n",
                                        "# TYPE reqs_total counter\nreqs_total 30\n"}));
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0].target, kTarget);
  EXPECT_EQ(rows[0].series, "reqs_total");
  EXPECT_EQ(rows[0].kind, "counter");
  EXPECT_DOUBLE_EQ(rows[0].value, 20);
  EXPECT_DOUBLE_EQ(rows[0].max, 20);
}

// 10 -> 50 (+40), reset to 5 (+5), -> 20 (+15): 60, as PromQL increase() without extrapolation.
TEST(SummarizeScrapes, CounterResetsAddThePostResetValue) {
  const auto rows = summarize_scrapes(
      kTarget, pages({"# TYPE c counter\nc{a=\"x\"} 10\n", "# TYPE c counter\nc{a=\"x\"} 50\n",
                      "# TYPE c counter\nc{a=\"x\"} 5\n", "# TYPE c counter\nc{a=\"x\"} 20\n"}));
  const ScrapedMetric* c = row(rows, "c{a=\"x\"}", "counter");
  ASSERT_NE(c, nullptr);
  EXPECT_DOUBLE_EQ(c->value, 60);
}

TEST(SummarizeScrapes, UntypedTotalIsACounterOtherUntypedIsAGauge) {
  const auto rows = summarize_scrapes(
      kTarget, pages({"hits_total 100\nqueue_depth 2\n", "hits_total 130\nqueue_depth 6\n"}));
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0].series, "hits_total");
  EXPECT_EQ(rows[0].kind, "counter");
  EXPECT_DOUBLE_EQ(rows[0].value, 30);
  EXPECT_EQ(rows[1].series, "queue_depth");
  EXPECT_EQ(rows[1].kind, "gauge");
  EXPECT_DOUBLE_EQ(rows[1].value, 4);
  EXPECT_DOUBLE_EQ(rows[1].max, 6);
}

TEST(SummarizeScrapes, GaugeIsTheMeanAndMaxOfEverySnapshot) {
  // A typed gauge ending in _total stays a gauge: TYPE wins over the name.
  const auto rows = summarize_scrapes(
      kTarget, pages({"# TYPE g gauge\n# TYPE odd_total gauge\ng 1\nodd_total 9\n",
                      "# TYPE g gauge\n# TYPE odd_total gauge\ng 5\nodd_total 3\n",
                      "# TYPE g gauge\n# TYPE odd_total gauge\ng 3\nodd_total 3\n",
                      "# TYPE g gauge\n# TYPE odd_total gauge\ng -1\nodd_total 1\n"}));
  const ScrapedMetric* g = row(rows, "g", "gauge");
  ASSERT_NE(g, nullptr);
  EXPECT_DOUBLE_EQ(g->value, 2);
  EXPECT_DOUBLE_EQ(g->max, 5);
  const ScrapedMetric* odd = row(rows, "odd_total", "gauge");
  ASSERT_NE(odd, nullptr);
  EXPECT_DOUBLE_EQ(odd->value, 4);
  EXPECT_DOUBLE_EQ(odd->max, 9);
  EXPECT_EQ(row(rows, "odd_total", "counter"), nullptr);
}

constexpr std::string_view kHistStart =
    "# TYPE lat_seconds histogram\n"
    "lat_seconds_bucket{route=\"a\",le=\"0.1\"} 1\n"
    "lat_seconds_bucket{route=\"a\",le=\"+Inf\"} 2\n"
    "lat_seconds_sum{route=\"a\"} 0.5\n"
    "lat_seconds_count{route=\"a\"} 2\n"
    "lat_seconds_bucket{route=\"b\",le=\"0.1\"} 0\n"
    "lat_seconds_bucket{route=\"b\",le=\"+Inf\"} 7\n"
    "lat_seconds_sum{route=\"b\"} 3.5\n"
    "lat_seconds_count{route=\"b\"} 7\n";
constexpr std::string_view kHistEnd =
    "# TYPE lat_seconds histogram\n"
    "lat_seconds_bucket{route=\"a\",le=\"0.1\"} 3\n"
    "lat_seconds_bucket{route=\"a\",le=\"+Inf\"} 6\n"
    "lat_seconds_sum{route=\"a\"} 1.7\n"
    "lat_seconds_count{route=\"a\"} 6\n"
    "lat_seconds_bucket{route=\"b\",le=\"0.1\"} 0\n"
    "lat_seconds_bucket{route=\"b\",le=\"+Inf\"} 7\n"
    "lat_seconds_sum{route=\"b\"} 3.5\n"
    "lat_seconds_count{route=\"b\"} 7\n";

TEST(SummarizeScrapes, HistogramMeanPerLabelSetWithoutBuckets) {
  const auto rows = summarize_scrapes(kTarget, pages({kHistStart, kHistEnd}));
  // route a: (1.7 - 0.5) / (6 - 2) = 0.3; route b: no new observations -> 0.
  ASSERT_EQ(rows.size(), 4U);
  EXPECT_EQ(rows[0].series, "lat_seconds_count{route=\"a\"}");
  EXPECT_EQ(rows[0].kind, "counter");
  EXPECT_DOUBLE_EQ(rows[0].value, 4);
  EXPECT_EQ(rows[1].series, "lat_seconds_count{route=\"b\"}");
  EXPECT_DOUBLE_EQ(rows[1].value, 0);
  EXPECT_EQ(rows[2].series, "lat_seconds{route=\"a\"}");
  EXPECT_EQ(rows[2].kind, "histogram_mean");
  EXPECT_DOUBLE_EQ(rows[2].value, 0.3);
  EXPECT_DOUBLE_EQ(rows[2].max, 0.3);
  EXPECT_EQ(rows[3].series, "lat_seconds{route=\"b\"}");
  EXPECT_EQ(rows[3].kind, "histogram_mean");
  EXPECT_EQ(rows[3].value, 0);
  for (const ScrapedMetric& m : rows) {
    EXPECT_EQ(m.series.find("_bucket"), std::string::npos) << m.series;
    EXPECT_EQ(m.series.find("le="), std::string::npos) << m.series;
  }
}

TEST(SummarizeScrapes, HistogramAcrossAServerRestart) {
  // count 4 -> 10 (+6), restart -> 2 (+2); sum 1 -> 4 (+3), restart -> 0.5 (+0.5): 3.5 / 8.
  const auto rows =
      summarize_scrapes(kTarget, pages({"# TYPE h histogram\nh_sum 1\nh_count 4\n",
                                        "# TYPE h histogram\nh_sum 4\nh_count 10\n",
                                        "# TYPE h histogram\nh_sum 0.5\nh_count 2\n"}));
  ASSERT_NE(row(rows, "h", "histogram_mean"), nullptr);
  EXPECT_DOUBLE_EQ(row(rows, "h", "histogram_mean")->value, 3.5 / 8);
  ASSERT_NE(row(rows, "h_count", "counter"), nullptr);
  EXPECT_DOUBLE_EQ(row(rows, "h_count", "counter")->value, 8);
}

TEST(SummarizeScrapes, SummaryQuantilesAreDroppedAndTheMeanKept) {
  const auto rows =
      summarize_scrapes(kTarget, pages({"# TYPE rpc summary\nrpc{quantile=\"0.5\",svc=\"x\"} 0.2\n"
                                        "rpc_sum{svc=\"x\"} 10\nrpc_count{svc=\"x\"} 20\n",
                                        "# TYPE rpc summary\nrpc{quantile=\"0.5\",svc=\"x\"} 0.9\n"
                                        "rpc_sum{svc=\"x\"} 16\nrpc_count{svc=\"x\"} 24\n"}));
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0].series, "rpc_count{svc=\"x\"}");
  EXPECT_DOUBLE_EQ(rows[0].value, 4);
  EXPECT_EQ(rows[1].series, "rpc{svc=\"x\"}");
  EXPECT_EQ(rows[1].kind, "histogram_mean");
  EXPECT_DOUBLE_EQ(rows[1].value, 1.5);
}

TEST(SummarizeScrapes, SeriesMissingFromSomeSnapshotsUseThePresentOnes) {
  const auto rows = summarize_scrapes(
      kTarget,
      pages({"# TYPE c counter\n# TYPE g gauge\nc 5\ng 2\n", "# TYPE c counter\n# TYPE g gauge\n",
             "# TYPE c counter\n# TYPE g gauge\nc 12\ng 8\nlate_total 4\nlate_g 7\n",
             "# TYPE c counter\n# TYPE g gauge\n"}));
  EXPECT_DOUBLE_EQ(row(rows, "c", "counter")->value, 7);
  EXPECT_DOUBLE_EQ(row(rows, "g", "gauge")->value, 5);
  EXPECT_DOUBLE_EQ(row(rows, "g", "gauge")->max, 8);
  // Seen once: a counter has no interval to rise over; a gauge reports its one sample.
  ASSERT_NE(row(rows, "late_total", "counter"), nullptr);
  EXPECT_EQ(row(rows, "late_total", "counter")->value, 0);
  ASSERT_NE(row(rows, "late_g", "gauge"), nullptr);
  EXPECT_EQ(row(rows, "late_g", "gauge")->value, 7);
  EXPECT_EQ(row(rows, "late_g", "gauge")->max, 7);
  EXPECT_EQ(rows.size(), 4U);
}

TEST(SummarizeScrapes, FewerThanTwoSnapshotsGiveGaugesOnly) {
  EXPECT_TRUE(summarize_scrapes(kTarget, {}).empty());
  const auto rows = summarize_scrapes(
      kTarget, pages({"# TYPE g gauge\ng 3\nc_total 5\n# TYPE h histogram\nh_sum 1\nh_count 2\n"}));
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0].series, "g");
  EXPECT_EQ(rows[0].kind, "gauge");
  EXPECT_EQ(rows[0].value, 3);
}

TEST(SummarizeScrapes, NonFiniteSamplesAreSkipped) {
  const auto rows = summarize_scrapes(kTarget, pages({"g 2\nc_total 1\n", "g NaN\nc_total NaN\n",
                                                      "g +Inf\nc_total 4\n", "g 4\nc_total 6\n"}));
  EXPECT_DOUBLE_EQ(row(rows, "g", "gauge")->value, 3);
  EXPECT_DOUBLE_EQ(row(rows, "g", "gauge")->max, 4);
  EXPECT_DOUBLE_EQ(row(rows, "c_total", "counter")->value, 5);
}

TEST(SummarizeScrapes, CreatedTimestampsAreDropped) {
  // Python's prometheus_client exposes `<family>_created` as a gauge beside each family.
  constexpr std::string_view kPage =
      "# TYPE req_total counter\nreq_total 1\n"
      "# TYPE req_created gauge\nreq_created 1.7e9\n"
      "# TYPE lat histogram\nlat_sum 1\nlat_count 1\n"
      "# TYPE lat_created gauge\nlat_created 1.7e9\n"
      "# TYPE boot_created gauge\nboot_created 5\n";
  const auto rows = summarize_scrapes(kTarget, pages({kPage, kPage}));
  EXPECT_EQ(row(rows, "req_created", "gauge"), nullptr);
  EXPECT_EQ(row(rows, "lat_created", "gauge"), nullptr);
  EXPECT_NE(row(rows, "boot_created", "gauge"), nullptr);  // not next to a counter: kept
  EXPECT_NE(row(rows, "req_total", "counter"), nullptr);
  EXPECT_EQ(rows.size(), 4U);  // req_total, lat mean, lat_count, boot_created
}

TEST(SummarizeScrapes, OpenMetricsStyleCounterFamilyWithTotalSamples) {
  const auto rows =
      summarize_scrapes(kTarget, pages({"# TYPE jobs counter\njobs_total 3\njobs_created 100\n",
                                        "# TYPE jobs counter\njobs_total 8\njobs_created 100\n"}));
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0].series, "jobs_total");
  EXPECT_EQ(rows[0].kind, "counter");
  EXPECT_DOUBLE_EQ(rows[0].value, 5);
}

TEST(SummarizeScrapes, HistogramWhoseNameEndsInTotal) {
  // vLLM's vllm:iteration_tokens_total is a histogram, not a counter.
  const auto rows =
      summarize_scrapes(kTarget, pages({"# TYPE vllm:iteration_tokens_total histogram\n"
                                        "vllm:iteration_tokens_total_sum{engine=\"0\"} 100\n"
                                        "vllm:iteration_tokens_total_count{engine=\"0\"} 10\n",
                                        "# TYPE vllm:iteration_tokens_total histogram\n"
                                        "vllm:iteration_tokens_total_sum{engine=\"0\"} 400\n"
                                        "vllm:iteration_tokens_total_count{engine=\"0\"} 20\n"}));
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0].series, "vllm:iteration_tokens_total_count{engine=\"0\"}");
  EXPECT_DOUBLE_EQ(rows[0].value, 10);
  EXPECT_EQ(rows[1].series, "vllm:iteration_tokens_total{engine=\"0\"}");
  EXPECT_EQ(rows[1].kind, "histogram_mean");
  EXPECT_DOUBLE_EQ(rows[1].value, 30);
}

TEST(SummarizeScrapes, OutputIsSortedBySeries) {
  const auto rows = summarize_scrapes(
      kTarget, pages({"zeta 1\nalpha 2\nmid{b=\"1\"} 3\nmid{a=\"1\"} 4\n", "zeta 1\n"}));
  ASSERT_EQ(rows.size(), 4U);
  EXPECT_EQ(rows[0].series, "alpha");
  EXPECT_EQ(rows[1].series, "mid{a=\"1\"}");
  EXPECT_EQ(rows[2].series, "mid{b=\"1\"}");
  EXPECT_EQ(rows[3].series, "zeta");
}

// The production shape: ~2,000 series over 100 snapshots, some pages reordered or missing series
// so that both the positional fast path and the hash lookup are exercised.
TEST(SummarizeScrapes, ManySeriesManySnapshots) {
  constexpr int kSeries = 2000;
  constexpr int kSnapshots = 100;
  std::vector<PromSnapshot> snapshots(kSnapshots);
  for (int t = 0; t < kSnapshots; ++t) {
    PromSnapshot& s = snapshots[t];
    s.types["work_total"] = "counter";
    s.types["load"] = "gauge";
    for (int i = 0; i < kSeries; ++i) {
      if (t % 10 == 5 && i % 7 == 0) {
        continue;  // absent from some pages: shifts positions after it
      }
      const std::string labels = "{id=\"" + std::to_string(100000 + i) + "\"}";
      if (i % 2 == 0) {
        s.samples.push_back({"work_total" + labels, "work_total", 3.0 * t + i, {}});
      } else {
        s.samples.push_back({"load" + labels, "load", static_cast<double>(t % 4), {}});
      }
    }
    std::sort(s.samples.begin(), s.samples.end(),
              [](const PromSample& a, const PromSample& b) { return a.series < b.series; });
  }
  const auto rows = summarize_scrapes(kTarget, snapshots);
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kSeries));
  for (const ScrapedMetric& m : rows) {
    if (m.kind == "counter") {
      EXPECT_DOUBLE_EQ(m.value, 3.0 * (kSnapshots - 1)) << m.series;
    } else {
      ASSERT_EQ(m.kind, "gauge");
      EXPECT_DOUBLE_EQ(m.max, 3) << m.series;
      // Series with id % 7 == 0 miss t = 5, 15, ..., 95 (t % 4 == 1 or 3, alternating).
      const int id = std::stoi(m.series.substr(m.series.find('"') + 1)) - 100000;
      const double expected = id % 7 == 0 ? (150.0 - 20.0) / 90.0 : 1.5;
      EXPECT_DOUBLE_EQ(m.value, expected) << m.series;
    }
  }
}

std::string read_fixture() {
  const auto path =
      std::filesystem::path(__FILE__).parent_path() / ".." / "metrics" / "data" / "sim_metrics.txt";
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

PromSample* mutable_sample(PromSnapshot& s, std::string_view series) {
  const auto it = std::find_if(s.samples.begin(), s.samples.end(),
                               [&](const PromSample& p) { return p.series == series; });
  return it == s.samples.end() ? nullptr : &*it;
}

// Stage start = the simulator's real page; stage end = the same page after 4 more requests whose
// TTFTs add up to 1 second, with 3 requests running (the start page had its own running count).
TEST(SummarizeScrapes, SimulatorPageHistogramMeanAndGauges) {
  auto parsed = metrics::parse_prometheus_text(read_fixture());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const PromSnapshot start = std::move(parsed).value();
  PromSnapshot end = start;
  const std::string labels = "{engine=\"0\",model_name=\"m\"}";
  const std::string ttft = "vllm:time_to_first_token_seconds";
  PromSample* sum = mutable_sample(end, ttft + "_sum" + labels);
  PromSample* observations = mutable_sample(end, ttft + "_count" + labels);
  PromSample* running_end = mutable_sample(end, "vllm:num_requests_running" + labels);
  ASSERT_NE(sum, nullptr);
  ASSERT_NE(observations, nullptr);
  ASSERT_NE(running_end, nullptr);
  sum->value += 1.0;
  observations->value += 4;
  const double running_start = running_end->value;
  running_end->value = running_start + 3;

  const auto rows = summarize_scrapes(kTarget, {start, end});
  const ScrapedMetric* mean = row(rows, ttft + labels, "histogram_mean");
  ASSERT_NE(mean, nullptr);
  EXPECT_DOUBLE_EQ(mean->value, 0.25);
  const ScrapedMetric* count = row(rows, ttft + "_count" + labels, "counter");
  ASSERT_NE(count, nullptr);
  EXPECT_DOUBLE_EQ(count->value, 4);
  const ScrapedMetric* running = row(rows, "vllm:num_requests_running" + labels, "gauge");
  ASSERT_NE(running, nullptr);
  EXPECT_DOUBLE_EQ(running->value, running_start + 1.5);
  EXPECT_DOUBLE_EQ(running->max, running_start + 3);
  // Unchanged counters rose by 0; no bucket rows; output sorted.
  const ScrapedMetric* prompt = row(rows, "vllm:prompt_tokens_total" + labels, "counter");
  ASSERT_NE(prompt, nullptr);
  EXPECT_EQ(prompt->value, 0);
  const ScrapedMetric* iteration =
      row(rows, "vllm:iteration_tokens_total" + labels, "histogram_mean");
  ASSERT_NE(iteration, nullptr);
  EXPECT_EQ(iteration->value, 0);
  for (const ScrapedMetric& m : rows) {
    EXPECT_EQ(m.series.find("_bucket"), std::string::npos) << m.series;
  }
  EXPECT_TRUE(std::is_sorted(
      rows.begin(), rows.end(),
      [](const ScrapedMetric& a, const ScrapedMetric& b) { return a.series < b.series; }));
}

}  // namespace
}  // namespace sluice::bench
