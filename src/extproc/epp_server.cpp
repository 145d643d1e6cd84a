#include "extproc/epp_server.h"

#include "core/log.h"
#include "extproc/epp_metrics.h"
#include "extproc/grpc_h2_server.h"
#include "extproc/grpc_services.h"
#include "extproc/routing_picker.h"
#include "metrics/exposition.h"
#include "net/server.h"
#include "net/worker_pool.h"
#include "routing/control_thread.h"

#include <future>
#include <grpcpp/grpcpp.h>

namespace sluice::extproc {
namespace {

constexpr const char* kExtProcService = "envoy.service.ext_proc.v3.ExternalProcessor";

/// Some endpoint of some pool is healthy and listed its models: the EPP can route.
bool ready(const routing::RoutingTable& table) {
  for (const routing::PoolRoute& route : table.pools()) {
    for (const pool::EndpointState& e : route.endpoints->snapshot()->endpoints) {
      if (e.healthy() && e.models) return true;
    }
  }
  return false;
}

std::unique_ptr<grpc::Server> start_health(const std::string& host, std::uint16_t port,
                                           grpc::Service& service, int& bound) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort(host + ":" + std::to_string(port), grpc::InsecureServerCredentials(),
                           &bound);
  builder.RegisterService(&service);
  return builder.BuildAndStart();
}

}  // namespace

Status run_epp(EppOptions options) {
  if (!options.config)
    return make_error(ErrorCode::kInvalidArgument, "no configuration", "--config");
  routing::ControlThread control;
  auto created = routing::RoutingTable::create(options.config, control.executor());
  if (!created.ok()) return std::move(created).error();
  routing::RoutingTable& table = **created;
  std::optional<std::uint32_t> pool;
  if (!options.pool.empty()) {
    for (std::uint32_t i = 0; i < table.pools().size(); ++i) {
      if (table.pools()[i].name == options.pool) pool = i;
    }
    if (!pool) {
      std::string names;
      for (const routing::PoolRoute& r : table.pools())
        names += (names.empty() ? "" : ", ") + r.name;
      return make_error(ErrorCode::kInvalidArgument,
                        "--pool " + options.pool + ": no such InferencePool (pools: " + names + ")",
                        "--pool");
    }
  }
  table.start();
  const std::size_t answered = routing::wait_for_discovery(table, options.discovery_wait);
  log::info("epp: {} pool(s), {} endpoint(s) answered /v1/models", table.pools().size(), answered);

  RoutingPicker picker(table, pool);
  StreamLimits limits;
  limits.max_body_bytes = options.max_body_bytes;
  HealthService health(
      [&table](const std::string& service) -> std::optional<HealthService::ServingStatus> {
        using R = grpc::health::v1::HealthCheckResponse;
        if (service.empty() || service == "liveness") return R::SERVING;
        if (service == "readiness" || service == kExtProcService) {
          return ready(table) ? R::SERVING : R::NOT_SERVING;
        }
        return std::nullopt;
      });

  EppPorts bound;
  int health_port = 0;
  std::unique_ptr<grpc::Server> health_server =
      start_health(options.host, options.ports.health, health, health_port);
  auto stop_health_and_table = [&] {
    health.stop();
    if (health_server)
      health_server->Shutdown(std::chrono::system_clock::now() + options.shutdown_grace);
    std::promise<void> stopped;
    table.stop([&stopped] { stopped.set_value(); });
    stopped.get_future().wait_for(std::chrono::seconds(5));
    control.stop();
  };
  if (!health_server || health_port == 0) {
    stop_health_and_table();
    return make_error(
        ErrorCode::kIo,
        "cannot listen on " + options.host + ":" + std::to_string(options.ports.health),
        "--health-port");
  }
  bound.health = static_cast<std::uint16_t>(health_port);

  net::WorkerPool workers(std::max<std::size_t>(1, options.workers));
  workers.set_busy_poll(options.busy_poll);
  GrpcH2Server ext_proc(workers, ext_proc_streams(picker, limits, &picker.request_metrics()));
  auto grpc_port = ext_proc.listen(options.host, options.ports.grpc);
  if (!grpc_port.ok()) {
    stop_health_and_table();
    return make_error(grpc_port.error().code,
                      "cannot listen on " + options.host + ":" +
                          std::to_string(options.ports.grpc) + ": " + grpc_port.error().message,
                      "--grpc-port");
  }
  bound.grpc = *grpc_port;

  net::Server metrics(
      workers,
      [&table, &picker, &ext_proc](net::Exchange& exchange) -> boost::asio::awaitable<void> {
        if (exchange.path() == "/metrics") {
          const std::string page = render_epp_metrics(table, picker, ext_proc.open_streams());
          co_await exchange.respond(net::http::status::ok, metrics::kTextContentType, page);
        } else if (exchange.path() == "/health") {
          co_await exchange.respond(net::http::status::ok, "application/json", "{}");
        } else {
          co_await exchange.respond(net::http::status::not_found, "text/plain", "not found\n");
        }
      });
  auto metrics_port = metrics.listen(options.host, options.ports.metrics);
  if (!metrics_port.ok()) {
    stop_health_and_table();
    return make_error(metrics_port.error().code,
                      "cannot listen on " + options.host + ":" +
                          std::to_string(options.ports.metrics) + ": " +
                          metrics_port.error().message,
                      "--metrics-port");
  }
  bound.metrics = *metrics_port;
  log::info("epp: ext_proc on {}:{}, health on {}, metrics on {}", options.host, bound.grpc,
            bound.health, bound.metrics);
  if (options.on_ready) options.on_ready(bound);
  workers.on_shutdown_signal([&metrics, &ext_proc, &workers, &options] {
    log::info("epp: shutting down");
    // Envoy gets a GOAWAY: its open streams finish, new ones go to another replica.
    auto servers_left = std::make_shared<int>(2);
    auto one_done = [servers_left, &workers] {
      if (--*servers_left == 0) workers.stop();  // both callbacks run on worker 0
    };
    ext_proc.shutdown(options.shutdown_grace, one_done);
    metrics.shutdown(std::chrono::seconds(1),
                     [&workers, one_done] { boost::asio::post(workers.context(0), one_done); });
  });
  workers.run();
  stop_health_and_table();
  log::info("epp: stopped");
  return {};
}

}  // namespace sluice::extproc
