// The live pool against in-process fake model servers whose pages the test changes between
// scrapes. Every wait is for a published snapshot satisfying a condition (with a generous timeout
// as a safety net), never a sleep.
#include "pool/endpoint_pool.h"

#include "net/test_util.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace sluice::pool {
namespace {

using namespace std::chrono_literals;
namespace asio = net::asio;
namespace http = net::http;

// A model server whose /metrics, /v1/models and liveness the test controls.
struct FakeServer {
  std::mutex mutex;
  std::string metrics = "vllm:num_requests_waiting 0\n";
  std::string models = R"({"object":"list","data":[{"id":"m","parent":null}]})";
  bool down = false;  // drop every connection with a reset
  std::atomic<int> health_checks{0};

  void set_metrics(std::string page) {
    std::lock_guard lock(mutex);
    metrics = std::move(page);
  }
  void set_models(std::string body) {
    std::lock_guard lock(mutex);
    models = std::move(body);
  }
  void set_down(bool value) {
    std::lock_guard lock(mutex);
    down = value;
  }
};

asio::awaitable<void> serve(std::shared_ptr<FakeServer> fake, net::Exchange& exchange) {
  net::Response response{http::status::ok, 11};
  {
    std::lock_guard lock(fake->mutex);
    if (fake->down) {
      exchange.close_connection_abruptly();
      co_return;
    }
    const auto path = exchange.path();
    if (path == "/metrics") {
      response.body() = fake->metrics;
    } else if (path == "/v1/models") {
      response.body() = fake->models;
    } else if (path == "/health") {
      fake->health_checks.fetch_add(1);
    } else {
      response.result(http::status::not_found);
    }
  }
  co_await exchange.respond(std::move(response));
}

// Every published snapshot, in order, so a test can assert on a sequence of states.
class Recorder {
 public:
  void record(const PoolSnapshot& snapshot) {
    {
      std::lock_guard lock(mutex_);
      history_.push_back(snapshot);
    }
    changed_.notify_all();
  }
  /// Waits for a snapshot after the previously matched one that satisfies `pred`, and returns it.
  template <typename Pred>
  std::optional<PoolSnapshot> wait_for(Pred pred, std::chrono::seconds limit = 10s) {
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      for (; cursor_ < history_.size(); ++cursor_) {
        if (pred(history_[cursor_])) return history_[cursor_++];
      }
      if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) return std::nullopt;
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<PoolSnapshot> history_;
  std::size_t cursor_ = 0;
};

// A pool on its own io_context thread, stopped and joined on destruction.
class PoolRunner {
 public:
  PoolRunner(std::vector<EndpointConfig> endpoints, PoolOptions options)
      : guard_(context_.get_executor()) {
    options.on_publish = [this](const PoolSnapshot& s) { recorder.record(s); };
    auto created = EndpointPool::create(context_.get_executor(), std::move(endpoints), options);
    EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
    if (created.ok()) pool = std::move(created).value();
    thread_ = std::thread([this] { context_.run(); });
    if (pool) pool->start();
  }
  ~PoolRunner() {
    if (pool) {
      std::promise<void> stopped;
      pool->stop([&stopped] { stopped.set_value(); });
      EXPECT_EQ(stopped.get_future().wait_for(10s), std::future_status::ready);
    }
    guard_.reset();
    context_.stop();
    thread_.join();
    pool.reset();
  }

  Recorder recorder;
  std::unique_ptr<EndpointPool> pool;

 private:
  asio::io_context context_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::thread thread_;
};

struct Backend {
  std::shared_ptr<FakeServer> fake = std::make_shared<FakeServer>();
  net::testing::ServerHarness harness{
      [f = fake](net::Exchange& exchange) { return serve(f, exchange); }};
  EndpointConfig config() const {
    EndpointConfig c;
    c.address = "127.0.0.1:" + std::to_string(harness.port());
    c.labels = {{"llm-d.ai/engine-type", "vllm"}};
    return c;
  }
};

PoolOptions fast_options() {
  PoolOptions o;
  o.scrape_interval = 10ms;
  o.request_timeout = 2s;
  o.models_refresh_interval = 20ms;
  o.health.failure_threshold = 10;
  o.health.recovery_successes = 2;
  o.health.probe_interval = 20ms;
  o.health.staleness = 30ms;
  return o;
}

TEST(EndpointPool, SnapshotFollowsThePageAndModelsAreDiscovered) {
  Backend a, b;
  a.fake->set_metrics(
      "vllm:num_requests_waiting{model_name=\"m\"} 3\n"
      "vllm:kv_cache_usage_perc{model_name=\"m\"} 0.5\n");
  a.fake->set_models(R"({"object":"list","data":[{"id":"m","parent":null},)"
                     R"({"id":"sql","root":"/x","parent":"m"}]})");
  b.fake->set_metrics("sglang:num_queue_reqs 8\n");
  PoolRunner runner({a.config(), b.config()}, fast_options());
  ASSERT_TRUE(runner.pool);
  EXPECT_EQ(runner.pool->size(), 2U);
  const std::uint64_t initial_version = runner.pool->snapshot_version();
  const auto initial = runner.pool->snapshot();
  ASSERT_NE(initial, nullptr);
  EXPECT_TRUE(initial->endpoints[0].stale);

  const auto first = runner.recorder.wait_for([](const PoolSnapshot& s) {
    return !s.endpoints[0].stale && s.endpoints[0].metrics.waiting == 3 && s.endpoints[0].models &&
           !s.endpoints[1].stale && s.endpoints[1].metrics.waiting == 8;
  });
  ASSERT_TRUE(first);
  // Every publication moves the version, so readers that compare it see the new snapshot.
  EXPECT_NE(runner.pool->snapshot_version(), initial_version);
  EXPECT_NE(runner.pool->snapshot(), initial);
  const EndpointState& ea = first->endpoints[0];
  EXPECT_DOUBLE_EQ(ea.metrics.kv_cache_usage, 0.5);
  EXPECT_TRUE(ea.serves("m"));
  ASSERT_NE(ea.find_model("sql"), nullptr);
  EXPECT_EQ(ea.find_model("sql")->parent, "m");
  EXPECT_FALSE(ea.serves("other"));
  EXPECT_EQ(ea.config->labels.at("llm-d.ai/engine-type"), "vllm");
  EXPECT_EQ(first->endpoints[1].index, 1U);
  EXPECT_EQ(first->find(b.config().address), &first->endpoints[1]);

  a.fake->set_metrics(
      "vllm:num_requests_waiting{model_name=\"m\"} 11\n"
      "vllm:lora_requests_info{max_lora=\"2\",running_lora_adapters=\"sql\","
      "waiting_lora_adapters=\"\"} 5\n");
  a.fake->set_models(R"({"object":"list","data":[{"id":"m","parent":null},)"
                     R"({"id":"sql","parent":"m"},{"id":"chat","parent":"m"}]})");
  const auto second = runner.recorder.wait_for([](const PoolSnapshot& s) {
    const auto& e = s.endpoints[0];
    return e.metrics.waiting == 11 && e.metrics.has(kFieldLora) && e.serves("chat");
  });
  ASSERT_TRUE(second);
  EXPECT_EQ(second->endpoints[0].metrics.running_adapters, std::vector<std::string>{"sql"});
  EXPECT_EQ(second->endpoints[0].metrics.max_loras, 2U);
  EXPECT_GT(second->generation, first->generation);
  // The reader's view is immutable: the first snapshot still says what it said.
  EXPECT_EQ(first->endpoints[0].metrics.waiting, 3U);
}

TEST(EndpointPool, SilentEndpointGoesStaleThenEjectedThenRecovers) {
  Backend a;
  a.fake->set_metrics("vllm:num_requests_waiting 1\n");
  PoolRunner runner({a.config()}, fast_options());
  ASSERT_TRUE(runner.pool);
  ASSERT_TRUE(runner.recorder.wait_for(
      [](const PoolSnapshot& s) { return !s.endpoints[0].stale && s.endpoints[0].healthy(); }));

  a.fake->set_down(true);
  // Staleness (30 ms) comes long before the 10th consecutive failure at 10 ms apart.
  const auto stale = runner.recorder.wait_for(
      [](const PoolSnapshot& s) { return s.endpoints[0].stale && s.endpoints[0].healthy(); });
  ASSERT_TRUE(stale);
  const auto ejected =
      runner.recorder.wait_for([](const PoolSnapshot& s) { return !s.endpoints[0].healthy(); });
  ASSERT_TRUE(ejected);
  EXPECT_EQ(ejected->endpoints[0].eject_reason, EjectReason::kScrapeFailures);
  EXPECT_EQ(ejected->endpoints[0].ejections_total, 1U);
  EXPECT_GE(ejected->endpoints[0].scrape_failures_total, 10U);
  EXPECT_TRUE(ejected->endpoints[0].stale);

  a.fake->set_metrics("vllm:num_requests_waiting 4\n");
  a.fake->set_down(false);
  const auto back = runner.recorder.wait_for([](const PoolSnapshot& s) {
    return s.endpoints[0].healthy() && !s.endpoints[0].stale && s.endpoints[0].metrics.waiting == 4;
  });
  ASSERT_TRUE(back);
  EXPECT_GE(a.fake->health_checks.load(), 2);
  EXPECT_EQ(back->endpoints[0].eject_reason, EjectReason::kNone);
}

TEST(EndpointPool, ProxyErrorsReportedFromOtherThreadsEjectAndProbesRecover) {
  Backend a;
  PoolOptions options = fast_options();
  options.health.failure_threshold = 4;
  PoolRunner runner({a.config()}, options);
  ASSERT_TRUE(runner.pool);
  ASSERT_TRUE(
      runner.recorder.wait_for([](const PoolSnapshot& s) { return !s.endpoints[0].stale; }));

  // The success ends the first streak, so only the four failures after it count towards 4.
  runner.pool->report_failure(0);
  runner.pool->report_success(0);
  runner.pool->report_failure(7);  // out of range: ignored
  std::thread t1([&] { runner.pool->report_failure(0), runner.pool->report_failure(0); });
  std::thread t2([&] { runner.pool->report_failure(0), runner.pool->report_failure(0); });
  t1.join();
  t2.join();
  const auto ejected =
      runner.recorder.wait_for([](const PoolSnapshot& s) { return !s.endpoints[0].healthy(); });
  ASSERT_TRUE(ejected);
  EXPECT_EQ(ejected->endpoints[0].eject_reason, EjectReason::kPassiveFailures);
  EXPECT_EQ(ejected->endpoints[0].passive_failures_total, 5U);

  const auto back = runner.recorder.wait_for(
      [](const PoolSnapshot& s) { return s.endpoints[0].healthy() && !s.endpoints[0].stale; });
  ASSERT_TRUE(back);
  EXPECT_GE(a.fake->health_checks.load(), 2);
  EXPECT_EQ(back->endpoints[0].ejections_total, 1U);
}

TEST(EndpointPool, SuccessesKeepAnEndpointInBelowTheThreshold) {
  Backend a;
  PoolOptions options = fast_options();
  options.health.failure_threshold = 3;
  PoolRunner runner({a.config()}, options);
  ASSERT_TRUE(runner.pool);
  for (int i = 0; i < 20; ++i) {
    runner.pool->report_failure(0);
    runner.pool->report_failure(0);
    runner.pool->report_success(0);
  }
  // Wait until the pool has certainly folded the counters (40 failures are visible), then check
  // it never ejected.
  const auto seen = runner.recorder.wait_for(
      [](const PoolSnapshot& s) { return s.endpoints[0].passive_failures_total == 40; });
  ASSERT_TRUE(seen);
  EXPECT_TRUE(seen->endpoints[0].healthy());
  EXPECT_EQ(seen->endpoints[0].ejections_total, 0U);
}

TEST(EndpointPool, GarbagePageEjects) {
  Backend a;
  a.fake->set_metrics("<html><body>hello</body></html>\n");
  PoolOptions options = fast_options();
  options.health.failure_threshold = 3;
  PoolRunner runner({a.config()}, options);
  ASSERT_TRUE(runner.pool);
  const auto ejected =
      runner.recorder.wait_for([](const PoolSnapshot& s) { return !s.endpoints[0].healthy(); });
  ASSERT_TRUE(ejected);
  EXPECT_EQ(ejected->endpoints[0].eject_reason, EjectReason::kScrapeFailures);
  EXPECT_TRUE(ejected->endpoints[0].stale);
}

TEST(EndpointPool, InvalidConfigurationIsRejected) {
  asio::io_context context;
  auto make = [&](std::vector<std::string> addresses, PoolOptions options = {}) {
    std::vector<EndpointConfig> endpoints;
    for (auto& a : addresses) endpoints.push_back(EndpointConfig{a, {}});
    return EndpointPool::create(context.get_executor(), std::move(endpoints), options);
  };
  EXPECT_TRUE(make({"127.0.0.1:1"}).ok());
  const auto empty = make({});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().field, "endpoints");
  const auto dup = make({"127.0.0.1:1", "127.0.0.1:1"});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().field, "endpoints[1].address");
  for (const char* bad : {"", "host", "host:", ":80", "http://h:1"}) {
    const auto r = make({bad});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
  PoolOptions zero;
  zero.scrape_interval = Duration::zero();
  EXPECT_FALSE(make({"127.0.0.1:1"}, zero).ok());
  std::vector<EndpointConfig> path{EndpointConfig{"127.0.0.1:1", {}, "metrics"}};
  EXPECT_FALSE(EndpointPool::create(context.get_executor(), path).ok());
}

TEST(EndpointPool, StopBeforeStartCompletesAndKeepsTheSnapshot) {
  asio::io_context context;
  auto created = EndpointPool::create(context.get_executor(), {EndpointConfig{"127.0.0.1:1", {}}});
  ASSERT_TRUE(created.ok());
  auto pool = std::move(created).value();
  bool stopped = false;
  pool->stop([&stopped] { stopped = true; });
  pool->start();  // after stop: does nothing
  context.run_for(2s);
  EXPECT_TRUE(stopped);
  ASSERT_NE(pool->snapshot(), nullptr);
  EXPECT_EQ(pool->snapshot()->generation, 1U);
}

}  // namespace
}  // namespace sluice::pool
