// The request pipeline of `sluice gateway`, one instance shared by every worker:
//
//   read body once (model, stream, prompt view) -> model -> pool -> objective priority ->
//   rewrite (weighted canary) -> admission (shed sheddable requests of a saturated pool) ->
//   schedule (ranked endpoints) -> relay to the primary, retrying the next ranked endpoint on a
//   connect failure or 5xx before any byte was relayed -> telemetry and access log.
//
// Everything a request touches is either immutable (RoutingTable), owned by its worker
// (WorkerRouter, HttpClient, telemetry shard, access-log buffer) or a relaxed atomic (in-flight
// counts, pool failure reports). No lock on the request path.
#pragma once

#include "gateway/access_log.h"
#include "gateway/telemetry.h"
#include "net/client.h"
#include "net/exchange.h"
#include "net/worker_pool.h"
#include "routing/routing_table.h"
#include "routing/worker_router.h"

#include <memory>
#include <vector>

namespace sluice::gateway {

namespace asio = boost::asio;

// The routing core this HTTP front end shares with `sluice epp` (src/routing).
using routing::ModelInfo;
using routing::PoolRoute;
using routing::RoutingTable;
using routing::WorkerRouter;

struct ProxySettings {
  /// Whole upstream exchange bound (the config's connect, first-byte and idle timeouts are
  /// tighter per phase).
  Duration request_timeout = std::chrono::hours(1);
};

class Proxy {
 public:
  /// `access_log` may be null (no access log).
  Proxy(RoutingTable& table, net::WorkerPool& workers, GatewayTelemetry& telemetry,
        AccessLog* access_log, ProxySettings settings);
  ~Proxy();

  /// Serves one exchange on its worker.
  asio::awaitable<void> handle(net::Exchange& exchange);

 private:
  struct Worker;
  struct Trace;
  asio::awaitable<void> proxy(net::Exchange& exchange, Trace& trace);
  asio::awaitable<void> reject(net::Exchange& exchange, Trace& trace, int status, std::string body,
                               std::string_view dropped_reason = {});
  void finish(const Trace& trace);
  std::string models_body() const;
  std::string metrics_page() const;

  RoutingTable& table_;
  GatewayTelemetry& telemetry_;
  AccessLog* access_log_;
  ProxySettings settings_;
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace sluice::gateway
