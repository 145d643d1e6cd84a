// WorkerRouter: the scheduler's view of a pool's endpoints. The first tests use the pools' initial
// snapshots (created, not started: every endpoint healthy, stale, no models). The last one starts
// the pool against two in-process model servers, one answering and one resetting every
// connection, and waits (by running the pool's io_context on the test thread, one handler at a
// time) until scraping has ejected the broken one; a PoolSnapshot cannot be injected by hand.
#include "routing/worker_router.h"

#include "config/loader.h"
#include "net/test_util.h"
#include "routing/model_helpers.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>

namespace sluice::routing {
namespace {

using namespace std::chrono_literals;
namespace asio = net::asio;
namespace http = net::http;

constexpr std::string_view kTwoPools = R"(apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: a}
spec:
  selector: {matchLabels: {pool: a}}
  targetPorts: [{number: 8000}]
---
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: b}
spec:
  selector: {matchLabels: {pool: b}}
  targetPorts: [{number: 8000}]
---
apiVersion: sluice.dev/v1alpha1
kind: StaticEndpoints
metadata: {name: fleet}
spec:
  endpoints:
  - {address: 10.0.0.1, labels: {pool: a}}
  - {address: "https://10.0.0.2:8443", labels: {pool: a}}
  - {address: 10.0.0.3, labels: {pool: a}}
  - {address: 10.0.0.9, labels: {pool: b}}
)";

std::unique_ptr<RoutingTable> make_table(const std::string& yaml, asio::io_context& context) {
  auto cfg = config::parse_gateway_config(yaml, "test.yaml");
  if (!cfg.ok()) throw std::runtime_error(cfg.error().message);
  auto table =
      RoutingTable::create(std::make_shared<const config::GatewayConfig>(std::move(cfg).value()),
                           context.get_executor());
  if (!table.ok()) throw std::runtime_error(table.error().message);
  return std::move(table).value();
}

// ---------------------------------------------------------------- endpoint_view

TEST(WorkerRouterEndpointView, MapsEveryField) {
  pool::EndpointState state;
  state.index = 4;
  auto cfg = std::make_shared<pool::EndpointConfig>();
  cfg->address = "10.1.2.3:8000";
  state.config = cfg;
  state.models = std::make_shared<const std::vector<pool::ServedModel>>(
      std::vector<pool::ServedModel>{{"base", ""}, {"lora-1", "base"}});
  state.metrics.waiting = 7;
  state.metrics.running = 2;
  state.metrics.kv_cache_usage = 0.625;
  state.metrics.max_loras = 4;
  state.metrics.running_adapters = {"lora-1"};
  state.metrics.waiting_adapters = {"lora-2", "lora-3"};
  state.health = pool::HealthState::kEjected;
  state.eject_reason = pool::EjectReason::kPassiveFailures;
  state.stale = false;

  const scheduling::EndpointView v = endpoint_view(state);
  EXPECT_EQ(v.id, 4U);
  EXPECT_EQ(v.address, "10.1.2.3:8000");
  EXPECT_FALSE(v.healthy);
  EXPECT_FALSE(v.metrics_stale);
  EXPECT_EQ(v.waiting, 7U);
  EXPECT_EQ(v.running, 2U);
  EXPECT_EQ(v.kv_cache_usage, 0.625);
  EXPECT_EQ(v.max_loras, 4U);
  EXPECT_EQ(v.running_adapters, (std::vector<std::string>{"lora-1"}));
  EXPECT_EQ(v.waiting_adapters, (std::vector<std::string>{"lora-2", "lora-3"}));
  EXPECT_EQ(v.served_models, (std::vector<std::string>{"base", "lora-1"}));
  EXPECT_TRUE(v.serves("lora-1"));
  EXPECT_EQ(v.in_flight, 0U);  // the gateway's own count is not part of the pool state
}

TEST(WorkerRouterEndpointView, HealthyStaleWithoutModels) {
  pool::EndpointState state;
  state.config = std::make_shared<const pool::EndpointConfig>();
  const scheduling::EndpointView v = endpoint_view(state);
  EXPECT_TRUE(v.healthy);
  EXPECT_TRUE(v.metrics_stale);
  EXPECT_TRUE(v.served_models.empty());
  EXPECT_EQ(v.id, 0U);
  EXPECT_EQ(v.waiting, 0U);
  EXPECT_EQ(v.kv_cache_usage, 0.0);
}

// ---------------------------------------------------------------- initial snapshots

class WorkerRouterTest : public ::testing::Test {
 protected:
  asio::io_context context_;  // declared first: outlives the pools
  std::unique_ptr<RoutingTable> table_ = make_table(std::string(kTwoPools), context_);
};

TEST_F(WorkerRouterTest, EndpointsOfTheInitialSnapshot) {
  WorkerRouter router(*table_, 42);
  const auto a = router.endpoints(0);
  ASSERT_EQ(a.size(), 3U);
  const char* addresses[] = {"10.0.0.1:8000", "10.0.0.2:8443", "10.0.0.3:8000"};
  for (std::uint32_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, i);
    EXPECT_EQ(a[i].address, addresses[i]);
    EXPECT_TRUE(a[i].healthy);
    EXPECT_TRUE(a[i].metrics_stale);
    EXPECT_TRUE(a[i].served_models.empty());
    EXPECT_EQ(a[i].in_flight, 0U);
  }
  const auto b = router.endpoints(1);
  ASSERT_EQ(b.size(), 1U);
  EXPECT_EQ(b[0].address, "10.0.0.9:8000");
  EXPECT_EQ(b[0].id, 0U);
  // Every initial endpoint is healthy, so healthy() is all of them.
  EXPECT_EQ(router.healthy(0).size(), 3U);
  EXPECT_EQ(router.healthy(1).size(), 1U);
}

TEST_F(WorkerRouterTest, InFlightComesFromTheTableCounters) {
  WorkerRouter router(*table_, 1);
  (void)router.endpoints(0);
  table_->pools()[0].in_flight[1].value.fetch_add(3);
  table_->pools()[0].in_flight[2].value.fetch_add(1);
  table_->pools()[1].in_flight[0].value.fetch_add(9);

  auto a = router.endpoints(0);
  EXPECT_EQ(a[0].in_flight, 0U);
  EXPECT_EQ(a[1].in_flight, 3U);
  EXPECT_EQ(a[2].in_flight, 1U);
  auto healthy = router.healthy(0);
  ASSERT_EQ(healthy.size(), 3U);
  EXPECT_EQ(healthy[1].in_flight, 3U);
  EXPECT_EQ(healthy[2].in_flight, 1U);
  EXPECT_EQ(router.endpoints(1)[0].in_flight, 9U);

  // Counters are read again on every call, not cached with the snapshot.
  table_->pools()[0].in_flight[1].value.fetch_sub(3);
  a = router.endpoints(0);
  EXPECT_EQ(a[1].in_flight, 0U);
  EXPECT_EQ(router.healthy(0)[1].in_flight, 0U);
}

TEST_F(WorkerRouterTest, EachWorkerHasItsOwnViews) {
  WorkerRouter first(*table_, 1);
  WorkerRouter second(*table_, 2);
  const auto a = first.endpoints(0);
  const auto b = second.endpoints(0);
  EXPECT_NE(a.data(), b.data());
  table_->pools()[0].in_flight[0].value.fetch_add(5);
  EXPECT_EQ(second.endpoints(0)[0].in_flight, 5U);
  EXPECT_EQ(a[0].in_flight, 0U);  // first's views change only when first asks
}

TEST_F(WorkerRouterTest, NoAdaptersBeforeDiscovery) {
  WorkerRouter router(*table_, 1);
  (void)router.endpoints(0);
  EXPECT_EQ(router.adapter_parent(0, "lora"), "");
  EXPECT_EQ(router.adapter_parent(1, ""), "");
}

TEST_F(WorkerRouterTest, SchedulersUseTheirPoolsProfile) {
  WorkerRouter router(*table_, 1);
  ASSERT_EQ(table_->pools().size(), 2U);
  for (std::uint32_t i = 0; i < 2; ++i) {
    EXPECT_EQ(&router.scheduler(i).profile(), table_->pools()[i].profile.get()) << i;
  }
  EXPECT_NE(&router.scheduler(0), &router.scheduler(1));
}

TEST_F(WorkerRouterTest, RandomIsDeterministicPerSeed) {
  WorkerRouter a(*table_, 7);
  WorkerRouter b(*table_, 7);
  WorkerRouter c(*table_, 8);
  std::set<std::uint64_t> seen;
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const std::uint64_t x = a.random();
    EXPECT_EQ(x, b.random());
    differs = differs || x != c.random();
    seen.insert(x);
  }
  EXPECT_TRUE(differs);
  EXPECT_EQ(seen.size(), 100U);
  // Rewrites draw `random() % total_weight`: low bits must vary too.
  std::set<std::uint64_t> low;
  for (int i = 0; i < 100; ++i) low.insert(a.random() % 10);
  EXPECT_EQ(low.size(), 10U);
}

// ---------------------------------------------------------------- live pool

constexpr std::string_view kMetricsPage =
    "vllm:num_requests_waiting 3\n"
    "vllm:num_requests_running 1\n"
    "vllm:kv_cache_usage_perc 0.25\n"
    "vllm:lora_requests_info{max_lora=\"2\",running_lora_adapters=\"lora\","
    "waiting_lora_adapters=\"\"} 1700000000\n";
constexpr std::string_view kModels =
    R"({"object":"list","data":[{"id":"base","parent":null},{"id":"lora","parent":"base"}]})";

asio::awaitable<void> serve_model_server(net::Exchange& exchange) {
  net::Response response{http::status::ok, 11};
  const auto path = exchange.path();
  if (path == "/metrics") {
    response.body() = kMetricsPage;
  } else if (path == "/v1/models") {
    response.set(http::field::content_type, "application/json");
    response.body() = kModels;
  } else if (path != "/health") {
    response.result(http::status::not_found);
  }
  co_await exchange.respond(std::move(response));
}

asio::awaitable<void> serve_broken(net::Exchange& exchange) {
  exchange.close_connection_abruptly();
  co_return;
}

// Runs `context` on this thread, one handler at a time, until `done()` holds; false after `limit`
// (a safety net only: the conditions are met within a few scrape intervals).
template <typename Done>
bool run_until(asio::io_context& context, Done done, std::chrono::seconds limit = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (context.stopped()) context.restart();
    context.run_one_for(100ms);
  }
  return true;
}

// One pool of two local endpoints; scraping every 10 ms, two failures eject, and an ejected
// endpoint is not probed again within the test.
std::string live_config(std::uint16_t up_port, std::uint16_t broken_port) {
  std::string yaml = R"(apiVersion: sluice.dev/v1alpha1
kind: Gateway
spec:
  metrics: {scrapeInterval: 10ms, staleAfter: 30s}
  healthCheck: {interval: 1h, timeout: 5s, unhealthyThreshold: 2, healthyThreshold: 1}
---
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: live}
spec:
  selector: {matchLabels: {pool: live}}
  targetPorts: [{number: 8000}]
---
apiVersion: sluice.dev/v1alpha1
kind: StaticEndpoints
metadata: {name: fleet}
spec:
  endpoints:
)";
  for (const std::uint16_t port : {up_port, broken_port}) {
    yaml += "  - {address: \"127.0.0.1:" + std::to_string(port) + "\", labels: {pool: live}}\n";
  }
  return yaml;
}

TEST(WorkerRouterLive, HealthyExcludesEjectedEndpointsAndAdaptersComeFromDiscovery) {
  net::testing::ServerHarness up(serve_model_server);
  net::testing::ServerHarness broken(serve_broken);
  asio::io_context context;  // after the servers, before the table: destroyed in reverse
  const std::string yaml = live_config(up.port(), broken.port());
  std::unique_ptr<RoutingTable> table = make_table(yaml, context);
  WorkerRouter router(*table, 3);
  // Before anything ran: the initial snapshot, both healthy.
  ASSERT_EQ(router.endpoints(0).size(), 2U);
  EXPECT_EQ(router.healthy(0).size(), 2U);

  table->start();
  const pool::EndpointPool& pool = *table->pools()[0].endpoints;
  const bool settled = run_until(context, [&pool] {
    const auto s = pool.snapshot();
    const pool::EndpointState& good = s->endpoints[0];
    const pool::EndpointState& bad = s->endpoints[1];
    return good.healthy() && !good.stale && good.models != nullptr && good.metrics.max_loras == 2 &&
           bad.health == pool::HealthState::kEjected;
  });
  ASSERT_TRUE(settled) << "the pool never ejected the broken endpoint";

  table->pools()[0].in_flight[0].value.fetch_add(2);
  const auto all = router.endpoints(0);
  ASSERT_EQ(all.size(), 2U);
  EXPECT_TRUE(all[0].healthy);
  EXPECT_FALSE(all[0].metrics_stale);
  EXPECT_EQ(all[0].waiting, 3U);
  EXPECT_EQ(all[0].running, 1U);
  EXPECT_EQ(all[0].kv_cache_usage, 0.25);
  EXPECT_EQ(all[0].running_adapters, (std::vector<std::string>{"lora"}));
  EXPECT_EQ(all[0].served_models, (std::vector<std::string>{"base", "lora"}));
  EXPECT_EQ(all[0].in_flight, 2U);
  EXPECT_FALSE(all[1].healthy);
  EXPECT_EQ(all[1].id, 1U);

  const auto healthy = router.healthy(0);
  ASSERT_EQ(healthy.size(), 1U);
  EXPECT_EQ(healthy[0].id, 0U);
  EXPECT_EQ(healthy[0].address, all[0].address);
  EXPECT_EQ(healthy[0].in_flight, 2U);

  EXPECT_EQ(router.adapter_parent(0, "lora"), "base");
  EXPECT_EQ(router.adapter_parent(0, "base"), "");
  EXPECT_EQ(router.adapter_parent(0, "unknown"), "");
  // No ModelRoute: adapter_base falls back to what the endpoints report.
  EXPECT_EQ(adapter_base(*table, router, 0, "lora"), "base");
  EXPECT_TRUE(any_serves(all, "lora"));

  bool stopped = false;
  table->stop([&stopped] { stopped = true; });
  EXPECT_TRUE(run_until(context, [&stopped] { return stopped; }));
  table->pools()[0].in_flight[0].value.fetch_sub(2);
}

}  // namespace
}  // namespace sluice::routing
