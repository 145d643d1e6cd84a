#include "gateway/telemetry.h"

#include "metrics/buckets.h"
#include "metrics/prometheus_text.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>
#include <unistd.h>

namespace sluice::gateway {
namespace {

using Record = GatewayTelemetry::RequestRecord;

TelemetryLayout two_pool_layout(std::size_t workers = 2) {
  TelemetryLayout layout;
  layout.workers = workers;
  layout.models = {"llama", "qwen"};
  layout.pools = {
      {"pool-a", {"10.0.0.1:8000", "10.0.0.2:8000"}, {"queue-scorer", "max-score-picker"}},
      {"pool-b", {"10.0.1.1:8000"}, {"prefix-cache-scorer"}},
  };
  return layout;
}

metrics::PromSnapshot parse(const GatewayTelemetry& telemetry,
                            const GatewayTelemetry::RenderInputs& inputs = {}) {
  std::string page;
  telemetry.render(page, inputs);
  auto parsed = metrics::parse_prometheus_text(page);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message) << "\n" << page;
  return parsed.ok() ? std::move(parsed).value() : metrics::PromSnapshot{};
}

// The value of `series` (spelled with labels sorted by name), or NaN when absent.
double value(const metrics::PromSnapshot& page, std::string_view series) {
  const metrics::PromSample* sample = page.find(series);
  return sample == nullptr ? std::nan("") : sample->value;
}

TEST(GatewayTelemetry, ModelIndexMapsUnknownNamesToOther) {
  GatewayTelemetry telemetry(two_pool_layout());
  EXPECT_EQ(telemetry.model_index("nope"), GatewayTelemetry::kOtherModel);
  EXPECT_EQ(telemetry.model_index(""), GatewayTelemetry::kOtherModel);
  const std::uint32_t llama = telemetry.model_index("llama");
  const std::uint32_t qwen = telemetry.model_index("qwen");
  EXPECT_NE(llama, GatewayTelemetry::kOtherModel);
  EXPECT_NE(qwen, GatewayTelemetry::kOtherModel);
  EXPECT_NE(llama, qwen);

  telemetry.record_request(0, Record{.model = telemetry.model_index("mystery"), .status = 200});
  const auto page = parse(telemetry);
  EXPECT_EQ(value(page, R"(sluice_gateway_requests_total{model="other",status="200"})"), 1);
  EXPECT_EQ(page.find(R"(sluice_gateway_requests_total{model="llama",status="200"})"), nullptr);
}

TEST(GatewayTelemetry, CountsFromTwoShardsSum) {
  GatewayTelemetry telemetry(two_pool_layout(2));
  const std::uint32_t llama = telemetry.model_index("llama");
  Record r{.model = llama, .pool = 0, .endpoint = 1, .status = 200, .duration_seconds = 0.4};
  r.input_tokens = 10;
  r.output_tokens = 7;
  r.retries = 1;
  telemetry.record_request(0, r);
  r.input_tokens = 5;
  r.output_tokens = 3;
  r.retries = 2;
  telemetry.record_request(1, r);
  telemetry.record_request(1, Record{.model = llama, .status = 503});

  EXPECT_EQ(telemetry.requests_total(llama, 200), 2u);
  const auto page = parse(telemetry);
  EXPECT_EQ(value(page, R"(sluice_gateway_requests_total{model="llama",status="200"})"), 2);
  EXPECT_EQ(value(page, R"(sluice_gateway_requests_total{model="llama",status="503"})"), 1);
  EXPECT_EQ(value(page, R"(sluice_gateway_input_tokens_total{model="llama"})"), 15);
  EXPECT_EQ(value(page, R"(sluice_gateway_output_tokens_total{model="llama"})"), 10);
  EXPECT_EQ(value(page, R"(sluice_gateway_input_tokens_total{model="qwen"})"), 0);
  EXPECT_EQ(value(page, R"(sluice_gateway_retries_total{pool="pool-a"})"), 3);
  EXPECT_EQ(value(page, R"(sluice_gateway_retries_total{pool="pool-b"})"), 0);
  EXPECT_EQ(
      value(
          page,
          R"(sluice_gateway_endpoint_requests_total{endpoint="10.0.0.2:8000",pool="pool-a",status="200"})"),
      2);
  // The 503 was never routed, so no endpoint counted it.
  EXPECT_EQ(
      page.find(
          R"(sluice_gateway_endpoint_requests_total{endpoint="10.0.0.2:8000",pool="pool-a",status="503"})"),
      nullptr);
  EXPECT_EQ(value(page, R"(sluice_gateway_request_duration_seconds_count{model="llama"})"), 3);
}

TEST(GatewayTelemetry, HistogramBucketsAreCumulativeWithInfEqualToCount) {
  GatewayTelemetry telemetry(two_pool_layout(2));
  const std::uint32_t qwen = telemetry.model_index("qwen");
  // TTFT buckets: ... 0.01, 0.02 ... 0.1, 0.25 ... 2560.
  telemetry.record_request(0, Record{.model = qwen, .status = 200, .ttft_seconds = 0.01});
  telemetry.record_request(1, Record{.model = qwen, .status = 200, .ttft_seconds = 0.015});
  telemetry.record_request(1, Record{.model = qwen, .status = 200, .ttft_seconds = 0.2});
  telemetry.record_request(0, Record{.model = qwen, .status = 200, .ttft_seconds = 5000.0});
  telemetry.record_request(0, Record{.model = qwen, .status = 200});  // no TTFT: not observed

  const auto page = parse(telemetry);
  const std::string name = "sluice_gateway_time_to_first_token_seconds";
  const auto bucket = [&](std::string_view le) {
    return value(page, name + "_bucket{le=\"" + std::string(le) + "\",model=\"qwen\"}");
  };
  EXPECT_EQ(bucket("0.005"), 0);
  EXPECT_EQ(bucket("0.01"), 1);  // le is inclusive
  EXPECT_EQ(bucket("0.02"), 2);
  EXPECT_EQ(bucket("0.1"), 2);
  EXPECT_EQ(bucket("0.25"), 3);
  EXPECT_EQ(bucket("2560"), 3);
  EXPECT_EQ(bucket("+Inf"), 4);
  EXPECT_EQ(value(page, name + "_count{model=\"qwen\"}"), 4);
  EXPECT_DOUBLE_EQ(value(page, name + "_sum{model=\"qwen\"}"), 0.01 + 0.015 + 0.2 + 5000.0);

  // Every bucket of the vLLM set is present and never decreases.
  double previous = 0;
  std::size_t seen = 0;
  for (const metrics::PromSample& sample : page.samples) {
    if (sample.name == name + "_bucket") {
      ++seen;
    }
  }
  EXPECT_EQ(seen, metrics::ttft_buckets().size() + 1);
  for (const double bound : metrics::ttft_buckets()) {
    char le[32];
    std::snprintf(le, sizeof(le), "%g", bound);
    const double v = bucket(le);
    ASSERT_FALSE(std::isnan(v)) << le;
    EXPECT_GE(v, previous);
    previous = v;
  }
  // A model without observations has no histogram series at all.
  EXPECT_EQ(page.find(name + "_count{model=\"llama\"}"), nullptr);
}

TEST(GatewayTelemetry, TokenLatencyAndSchedulingHistograms) {
  GatewayTelemetry telemetry(two_pool_layout(1));
  const std::uint32_t llama = telemetry.model_index("llama");
  telemetry.observe_itl(0, llama, 0.02);
  telemetry.observe_itl(0, llama, 0.03);
  telemetry.record_request(0, Record{.model = llama, .status = 200, .tpot_seconds = 0.05});
  telemetry.observe_scheduling(0, 1, 3e-6);
  telemetry.observe_plugin(0, 0, 1, 0.0004);
  telemetry.observe_plugin(0, 0, 7, 0.0004);  // no such plugin: ignored
  telemetry.observe_scheduling(0, 9, 0.1);    // no such pool: ignored

  const auto page = parse(telemetry);
  EXPECT_EQ(value(page, R"(sluice_gateway_inter_token_latency_seconds_count{model="llama"})"), 2);
  EXPECT_EQ(
      value(page, R"(sluice_gateway_inter_token_latency_seconds_bucket{le="0.025",model="llama"})"),
      1);
  EXPECT_EQ(
      value(page,
            R"(sluice_gateway_time_per_output_token_seconds_bucket{le="0.05",model="llama"})"),
      1);
  EXPECT_EQ(
      value(page,
            R"(sluice_gateway_scheduling_duration_seconds_bucket{le="0.0000025",pool="pool-b"})"),
      0);
  EXPECT_EQ(
      value(page,
            R"(sluice_gateway_scheduling_duration_seconds_bucket{le="0.000005",pool="pool-b"})"),
      1);
  EXPECT_EQ(page.find(R"(sluice_gateway_scheduling_duration_seconds_count{pool="pool-a"})"),
            nullptr);
  EXPECT_EQ(
      value(
          page,
          R"(sluice_gateway_plugin_duration_seconds_count{plugin="max-score-picker",pool="pool-a"})"),
      1);
  EXPECT_EQ(
      page.find(
          R"(sluice_gateway_plugin_duration_seconds_count{plugin="queue-scorer",pool="pool-a"})"),
      nullptr);
}

TEST(GatewayTelemetry, RejectionsAndStatusFallbacks) {
  GatewayTelemetry telemetry(two_pool_layout(1));
  telemetry.count_rejection(0, 0, RejectReason::kSaturated);
  telemetry.count_rejection(0, 0, RejectReason::kSaturated);
  telemetry.count_rejection(0, 1, RejectReason::kNoEndpoint);
  telemetry.count_rejection(0, GatewayTelemetry::kNoPool, RejectReason::kNoEndpoint);
  telemetry.record_request(0, Record{.status = 418});
  telemetry.record_request(0, Record{.status = 0});
  telemetry.record_request(0, Record{.status = 499});
  telemetry.record_request(0, Record{.model = 1000, .status = 200});  // out of range -> other

  const auto page = parse(telemetry);
  EXPECT_EQ(
      value(page, R"(sluice_gateway_rejected_requests_total{pool="pool-a",reason="saturated"})"),
      2);
  EXPECT_EQ(
      value(page, R"(sluice_gateway_rejected_requests_total{pool="pool-b",reason="no_endpoint"})"),
      1);
  EXPECT_EQ(
      value(page, R"(sluice_gateway_rejected_requests_total{pool="pool-b",reason="queue_full"})"),
      0);
  EXPECT_EQ(value(page, R"(sluice_gateway_requests_total{model="other",status="4xx"})"), 1);
  EXPECT_EQ(value(page, R"(sluice_gateway_requests_total{model="other",status="other"})"), 1);
  EXPECT_EQ(value(page, R"(sluice_gateway_requests_total{model="other",status="499"})"), 1);
  EXPECT_EQ(value(page, R"(sluice_gateway_requests_total{model="other",status="200"})"), 1);
}

TEST(GatewayTelemetry, LabelValuesAreEscaped) {
  TelemetryLayout layout;
  layout.models = {"we\"ird\\model\nname", "other", "we\"ird\\model\nname"};
  layout.pools = {{"p", {"h:1"}, {"a", "a"}}};
  GatewayTelemetry telemetry(std::move(layout));
  const std::uint32_t weird = telemetry.model_index("we\"ird\\model\nname");
  ASSERT_NE(weird, GatewayTelemetry::kOtherModel);
  // "other" in the layout is the fallback itself, not a second series.
  EXPECT_EQ(telemetry.model_index("other"), GatewayTelemetry::kOtherModel);
  telemetry.record_request(0, Record{.model = weird, .status = 200});
  telemetry.observe_plugin(0, 0, 0, 1e-5);
  telemetry.observe_plugin(0, 0, 1, 1e-5);  // same name twice: one series

  std::string page;
  telemetry.render(page);
  EXPECT_NE(
      page.find(R"(sluice_gateway_requests_total{model="we\"ird\\model\nname",status="200"} 1)"),
      std::string::npos)
      << page;
  const auto parsed = parse(telemetry);
  EXPECT_EQ(value(parsed, R"(sluice_gateway_plugin_duration_seconds_count{plugin="a",pool="p"})"),
            2);
}

std::shared_ptr<const pool::EndpointConfig> endpoint_config(std::string address) {
  auto config = std::make_shared<pool::EndpointConfig>();
  config->address = std::move(address);
  return config;
}

std::shared_ptr<const pool::PoolSnapshot> make_snapshot(TimePoint published) {
  auto snapshot = std::make_shared<pool::PoolSnapshot>();
  snapshot->published_at = published;
  pool::EndpointState a;
  a.index = 0;
  a.config = endpoint_config("10.0.0.1:8000");
  a.metrics.waiting = 3;
  a.metrics.running = 5;
  a.metrics.kv_cache_usage = 0.25;
  a.metrics.present = pool::kFieldWaiting | pool::kFieldRunning | pool::kFieldKvCache;
  a.stale = false;
  a.scrapes_total = 40;
  a.scrape_failures_total = 2;
  a.passive_failures_total = 1;
  pool::EndpointState b;
  b.index = 1;
  b.config = endpoint_config("10.0.0.2:8000");
  b.health = pool::HealthState::kEjected;
  b.ejections_total = 4;
  b.stale = true;  // never scraped: no load gauges
  snapshot->endpoints = {a, b};
  return snapshot;
}

TEST(GatewayTelemetry, EndpointGaugesComeFromSnapshots) {
  GatewayTelemetry telemetry(two_pool_layout(1));
  const TimePoint published = TimePoint{} + std::chrono::seconds(100);
  const std::array<std::shared_ptr<const pool::PoolSnapshot>, 2> snapshots = {
      make_snapshot(published), nullptr};
  GatewayTelemetry::RenderInputs inputs;
  inputs.pools = snapshots;
  inputs.in_flight = [](std::uint32_t pool, std::uint32_t endpoint) {
    return pool * 100 + endpoint + 7;
  };
  inputs.now = published + std::chrono::milliseconds(1500);
  const auto page = parse(telemetry, inputs);

  const auto ep = [](std::string_view name, std::string_view endpoint,
                     std::string_view pool = "pool-a") {
    return "sluice_gateway_" + std::string(name) + "{endpoint=\"" + std::string(endpoint) +
           "\",pool=\"" + std::string(pool) + "\"}";
  };
  EXPECT_EQ(value(page, ep("endpoint_healthy", "10.0.0.1:8000")), 1);
  EXPECT_EQ(value(page, ep("endpoint_healthy", "10.0.0.2:8000")), 0);
  EXPECT_EQ(value(page, ep("endpoint_metrics_stale", "10.0.0.1:8000")), 0);
  EXPECT_EQ(value(page, ep("endpoint_metrics_stale", "10.0.0.2:8000")), 1);
  EXPECT_EQ(value(page, ep("endpoint_waiting_requests", "10.0.0.1:8000")), 3);
  EXPECT_EQ(value(page, ep("endpoint_running_requests", "10.0.0.1:8000")), 5);
  EXPECT_EQ(value(page, ep("endpoint_kv_cache_usage_ratio", "10.0.0.1:8000")), 0.25);
  EXPECT_EQ(page.find(ep("endpoint_waiting_requests", "10.0.0.2:8000")), nullptr);
  EXPECT_EQ(value(page, ep("endpoint_ejections_total", "10.0.0.2:8000")), 4);
  EXPECT_EQ(value(page, ep("endpoint_scrapes_total", "10.0.0.1:8000")), 40);
  EXPECT_EQ(value(page, ep("endpoint_scrape_failures_total", "10.0.0.1:8000")), 2);
  EXPECT_EQ(value(page, ep("endpoint_passive_failures_total", "10.0.0.1:8000")), 1);
  EXPECT_EQ(value(page, ep("endpoint_in_flight_requests", "10.0.0.2:8000")), 8);
  EXPECT_EQ(value(page, ep("endpoint_in_flight_requests", "10.0.1.1:8000", "pool-b")), 107);
  EXPECT_DOUBLE_EQ(value(page, R"(sluice_gateway_pool_snapshot_age_seconds{pool="pool-a"})"), 1.5);
  // pool-b had no snapshot: no snapshot gauges for it.
  EXPECT_EQ(page.find(ep("endpoint_healthy", "10.0.1.1:8000", "pool-b")), nullptr);
  EXPECT_EQ(page.find(R"(sluice_gateway_pool_snapshot_age_seconds{pool="pool-b"})"), nullptr);
  EXPECT_EQ(page.types.at("sluice_gateway_endpoint_healthy"), "gauge");
  EXPECT_EQ(page.types.at("sluice_gateway_endpoint_ejections_total"), "counter");
  EXPECT_EQ(page.types.at("sluice_gateway_request_duration_seconds"), "histogram");
}

TEST(GatewayTelemetry, ConcurrentWorkersAndRenderLoseNothing) {
  constexpr int kPerWorker = 20000;
  GatewayTelemetry telemetry(two_pool_layout(2));
  const std::uint32_t llama = telemetry.model_index("llama");
  std::atomic<bool> done{false};
  std::thread reader([&] {
    std::string page;
    while (!done.load()) {
      page.clear();
      telemetry.render(page);
    }
  });
  std::vector<std::thread> workers;
  for (std::size_t w = 0; w < 2; ++w) {
    workers.emplace_back([&, w] {
      for (int i = 0; i < kPerWorker; ++i) {
        telemetry.record_request(w, Record{.model = llama,
                                           .pool = 0,
                                           .endpoint = 0,
                                           .status = 200,
                                           .duration_seconds = 0.5,
                                           .output_tokens = 2});
        telemetry.observe_itl(w, llama, 0.01);
      }
    });
  }
  for (std::thread& t : workers) {
    t.join();
  }
  done = true;
  reader.join();
  const auto page = parse(telemetry);
  EXPECT_EQ(value(page, R"(sluice_gateway_requests_total{model="llama",status="200"})"),
            2 * kPerWorker);
  EXPECT_EQ(value(page, R"(sluice_gateway_output_tokens_total{model="llama"})"), 4 * kPerWorker);
  EXPECT_EQ(value(page, R"(sluice_gateway_inter_token_latency_seconds_count{model="llama"})"),
            2 * kPerWorker);
  EXPECT_DOUBLE_EQ(value(page, R"(sluice_gateway_request_duration_seconds_sum{model="llama"})"),
                   0.5 * 2 * kPerWorker);
}

bool on_path(const char* tool) {
  const char* path = std::getenv("PATH");
  std::string_view rest = path == nullptr ? "" : path;
  while (!rest.empty()) {
    const std::size_t colon = rest.find(':');
    const std::string dir(rest.substr(0, colon));
    if (!dir.empty() && ::access((dir + "/" + tool).c_str(), X_OK) == 0) {
      return true;
    }
    rest = colon == std::string_view::npos ? "" : rest.substr(colon + 1);
  }
  return false;
}

// What `promtool check metrics` says about `page` ("" when clean), plus the exit status.
std::string promtool_report(const std::string& page) {
  char path[] = "/tmp/sluice-telemetry-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) {
    return "mkstemp failed";
  }
  ::close(fd);
  std::ofstream(path) << page;
  const std::string out_path = std::string(path) + ".out";
  const std::string command =
      "promtool check metrics < " + std::string(path) + " > " + out_path + " 2>&1";
  const int rc = std::system(command.c_str());
  std::ifstream in(out_path);
  std::string report((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(path);
  std::remove(out_path.c_str());
  if (rc != 0) {
    report += "(promtool exit status " + std::to_string(rc) + ")";
  }
  return report;
}

TEST(GatewayTelemetry, PagePassesPromtool) {
  if (!on_path("promtool")) {
    GTEST_SKIP() << "promtool not on PATH";
  }
  GatewayTelemetry telemetry(two_pool_layout(2));
  const std::uint32_t llama = telemetry.model_index("llama");
  telemetry.record_request(0, Record{.model = llama,
                                     .pool = 0,
                                     .endpoint = 1,
                                     .status = 200,
                                     .duration_seconds = 1.2,
                                     .ttft_seconds = 0.1,
                                     .tpot_seconds = 0.02,
                                     .input_tokens = 9,
                                     .output_tokens = 20,
                                     .retries = 1});
  telemetry.observe_itl(1, llama, 0.02);
  telemetry.observe_scheduling(0, 0, 2e-5);
  telemetry.observe_plugin(0, 0, 0, 1e-6);
  telemetry.count_rejection(1, 1, RejectReason::kQueueTimeout);
  const std::array<std::shared_ptr<const pool::PoolSnapshot>, 2> snapshots = {
      make_snapshot(TimePoint{}), make_snapshot(TimePoint{})};
  GatewayTelemetry::RenderInputs inputs;
  inputs.pools = snapshots;
  inputs.in_flight = [](std::uint32_t, std::uint32_t) { return 1U; };
  inputs.now = TimePoint{} + std::chrono::seconds(1);
  std::string page;
  telemetry.render(page, inputs);

  EXPECT_EQ(promtool_report(page), "") << page;

  // A fresh gateway's page (families without samples) passes too.
  std::string empty;
  GatewayTelemetry(two_pool_layout(1)).render(empty);
  EXPECT_EQ(promtool_report(empty), "") << empty;
}

}  // namespace
}  // namespace sluice::gateway
