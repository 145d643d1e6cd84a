#include "gateway/gateway_server.h"

#include "core/log.h"
#include "gateway/proxy.h"
#include "net/server.h"
#include "net/url.h"
#include "net/worker_pool.h"
#include "routing/control_thread.h"
#include "scheduling/scheduler.h"

#include <future>
#include <set>
#include <thread>

namespace sluice::gateway {
namespace {

using routing::ControlThread;
using routing::wait_for_discovery;

constexpr auto kAccessLogFlushInterval = std::chrono::milliseconds(200);

/// Label values for the gateway's metrics: configured model names, then discovered ones.
TelemetryLayout telemetry_layout(const RoutingTable& table, std::size_t workers) {
  TelemetryLayout layout;
  layout.workers = workers;
  std::set<std::string, std::less<>> seen;
  for (const config::ModelRouteEntry& m : table.config().models) {
    if (seen.insert(m.model).second) layout.models.push_back(m.model);
  }
  for (const PoolRoute& route : table.pools()) {
    TelemetryLayout::Pool p;
    p.name = route.name;
    for (const pool::EndpointState& e : route.endpoints->snapshot()->endpoints) {
      p.endpoints.push_back(e.address());
      if (!e.models) continue;
      for (const pool::ServedModel& m : *e.models) {
        if (seen.insert(m.name).second) layout.models.push_back(m.name);
      }
    }
    p.plugins = scheduling::stage_names(*route.profile);
    layout.pools.push_back(std::move(p));
  }
  for (const config::RewriteRule& rule : table.config().rewrites) {
    for (const config::RewriteTarget& t : rule.targets) {
      if (seen.insert(t.model_rewrite).second) layout.models.push_back(t.model_rewrite);
    }
  }
  return layout;
}

asio::awaitable<void> flush_access_log_periodically(AccessLog* log, std::size_t worker) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (true) {
    timer.expires_after(kAccessLogFlushInterval);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    log->flush(worker);
  }
}

}  // namespace

Result<config::GatewayConfig> quick_start_config(const std::vector<std::string>& endpoint_urls) {
  if (endpoint_urls.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "give --config FILE or at least one --endpoint URL", "--endpoint");
  }
  config::GatewayConfig cfg;
  config::InferencePool pool;
  pool.name = "default";
  std::set<std::string> seen;
  for (const std::string& url : endpoint_urls) {
    auto parsed = net::parse_http_url(url);
    if (!parsed.ok() || (parsed->target != "/" && !parsed->target.empty())) {
      return make_error(ErrorCode::kInvalidArgument,
                        "--endpoint " + url + ": expected a base URL like http://127.0.0.1:8000",
                        "--endpoint");
    }
    config::PoolEndpoint e;
    e.scheme = parsed->tls ? "https" : "http";
    e.host = parsed->host;
    e.port = parsed->port;
    if (!seen.insert(e.address()).second) {
      return make_error(ErrorCode::kInvalidArgument, "--endpoint " + url + " is given twice",
                        "--endpoint");
    }
    pool.target_ports.push_back(e.port);
    pool.endpoints.push_back(std::move(e));
  }
  cfg.pools.push_back(std::move(pool));
  cfg.gateway.default_pool = "default";
  cfg.sources.emplace_back("--endpoint");
  return cfg;
}

Status check_config(std::shared_ptr<const config::GatewayConfig> config) {
  asio::io_context unused;
  auto table = RoutingTable::create(std::move(config), unused.get_executor());
  if (!table.ok()) {
    return std::move(table).error();
  }
  return {};
}

Status run_gateway(GatewayOptions options) {
  if (!options.config) {
    return make_error(ErrorCode::kInvalidArgument, "no configuration", "--config");
  }
  ControlThread control;
  auto created = RoutingTable::create(options.config, control.executor());
  if (!created.ok()) {
    return std::move(created).error();
  }
  RoutingTable& table = **created;
  table.start();
  const std::size_t answered = wait_for_discovery(table, options.discovery_wait);
  std::size_t total = 0;
  for (const PoolRoute& route : table.pools()) total += route.base_urls.size();
  log::info("gateway: {} pool(s), {} of {} endpoint(s) answered /v1/models", table.pools().size(),
            answered, total);
  if (answered < total) {
    log::warn("gateway: {} endpoint(s) have not answered yet; they take traffic once they do",
              total - answered);
  }

  net::WorkerPool pool(options.workers);
  GatewayTelemetry telemetry(telemetry_layout(table, pool.size()));
  std::unique_ptr<AccessLog> access_log;
  if (!options.access_log.empty()) {
    auto opened = AccessLog::open(options.access_log, pool.size());
    if (!opened.ok()) {
      return std::move(opened).error();
    }
    access_log = std::move(*opened);
    for (std::size_t i = 0; i < pool.size(); ++i) {
      asio::co_spawn(pool.context(i), flush_access_log_periodically(access_log.get(), i),
                     asio::detached);
    }
  }
  ProxySettings settings;
  settings.request_timeout = options.request_timeout;
  Proxy proxy(table, pool, telemetry, access_log.get(), settings);
  net::ServerLimits limits;
  limits.max_body_bytes = options.max_body_bytes;
  net::Server server(
      pool, [&proxy](net::Exchange& exchange) { return proxy.handle(exchange); }, limits);
  const config::GatewaySettings& g = options.config->gateway;
  const std::string host = options.host.value_or(g.listen_address);
  const std::uint16_t port = options.port.value_or(g.listen_port);
  auto bound = server.listen(host, port);
  if (!bound.ok()) {
    return make_error(
        bound.error().code,
        "cannot listen on " + host + ":" + std::to_string(port) + ": " + bound.error().message,
        "--port");
  }
  if (options.on_ready) {
    options.on_ready(*bound);
  }
  pool.on_shutdown_signal([&server, &pool, grace = options.shutdown_grace] {
    log::info("gateway: shutting down");
    server.shutdown(grace,
                    [&pool] { boost::asio::post(pool.context(0), [&pool] { pool.stop(); }); });
  });
  pool.run();
  std::promise<void> stopped;
  table.stop([&stopped] { stopped.set_value(); });
  stopped.get_future().wait_for(std::chrono::seconds(5));
  control.stop();
  log::info("gateway: stopped");
  return {};
}

}  // namespace sluice::gateway
