#include "extproc/epp_server.h"

#include "core/log.h"
#include "extproc/epp_metrics.h"
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

std::unique_ptr<grpc::Server> start_grpc(const std::string& host, std::uint16_t port,
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
  ExternalProcessorService ext_proc(picker, limits);
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
  int grpc_port = 0;
  int health_port = 0;
  std::unique_ptr<grpc::Server> grpc_server =
      start_grpc(options.host, options.ports.grpc, ext_proc, grpc_port);
  std::unique_ptr<grpc::Server> health_server =
      grpc_server ? start_grpc(options.host, options.ports.health, health, health_port) : nullptr;
  auto stop_all = [&] {
    health.stop();
    const auto deadline = std::chrono::system_clock::now() + options.shutdown_grace;
    if (grpc_server) grpc_server->Shutdown(deadline);
    if (health_server) health_server->Shutdown(deadline);
    std::promise<void> stopped;
    table.stop([&stopped] { stopped.set_value(); });
    stopped.get_future().wait_for(std::chrono::seconds(5));
    control.stop();
  };
  if (!grpc_server || grpc_port == 0 || !health_server || health_port == 0) {
    stop_all();
    return make_error(ErrorCode::kIo,
                      "cannot listen on " + options.host + ":" +
                          std::to_string(!grpc_server || grpc_port == 0 ? options.ports.grpc
                                                                        : options.ports.health),
                      !grpc_server || grpc_port == 0 ? "--grpc-port" : "--health-port");
  }
  bound.grpc = static_cast<std::uint16_t>(grpc_port);
  bound.health = static_cast<std::uint16_t>(health_port);

  net::WorkerPool workers(1);
  net::Server metrics(
      workers,
      [&table, &picker, &ext_proc](net::Exchange& exchange) -> boost::asio::awaitable<void> {
        if (exchange.path() == "/metrics") {
          const std::string page =
              render_epp_metrics(table, picker.counters(), ext_proc.streams_in_flight());
          co_await exchange.respond(net::http::status::ok, metrics::kTextContentType, page);
        } else if (exchange.path() == "/health") {
          co_await exchange.respond(net::http::status::ok, "application/json", "{}");
        } else {
          co_await exchange.respond(net::http::status::not_found, "text/plain", "not found\n");
        }
      });
  auto metrics_port = metrics.listen(options.host, options.ports.metrics);
  if (!metrics_port.ok()) {
    stop_all();
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
  workers.on_shutdown_signal([&metrics, &workers] {
    log::info("epp: shutting down");
    metrics.shutdown(std::chrono::seconds(1), [&workers] {
      boost::asio::post(workers.context(0), [&workers] { workers.stop(); });
    });
  });
  workers.run();
  stop_all();
  log::info("epp: stopped");
  return {};
}

}  // namespace sluice::extproc
