#include "gateway/gateway_server.h"

#include "core/log.h"
#include "gateway/endpoint_table.h"
#include "gateway/model_discovery.h"
#include "gateway/relay.h"
#include "net/client.h"
#include "net/server.h"
#include "net/worker_pool.h"
#include "openai/error_body.h"
#include "openai/request.h"

#include <memory>

namespace sluice::gateway {
namespace {

namespace http = boost::beast::http;

std::string base_url(std::string url) {
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  return url;
}

asio::awaitable<void> discover_all(const GatewayOptions* options, net::HttpClient* client,
                                   std::vector<EndpointInfo>* endpoints,
                                   std::optional<Error>* failure) {
  for (const std::string& url : options->endpoints) {
    net::ClientRequest request;
    request.url = base_url(url) + "/v1/models";
    request.timeout = options->discovery_timeout;
    auto response = co_await client->request(std::move(request));
    if (!response.ok() || response->status != 200) {
      const std::string why =
          response.ok() ? "HTTP " + std::to_string(response->status) : response.error().message;
      *failure = make_error(ErrorCode::kUnavailable,
                            "cannot list the models of " + url + ": " + why, "--endpoint");
      co_return;
    }
    auto cards = parse_models_list(response->body);
    if (!cards.ok()) {
      *failure =
          make_error(ErrorCode::kInvalidArgument, url + ": " + cards.error().message, "--endpoint");
      co_return;
    }
    endpoints->push_back({base_url(url), std::move(*cards)});
  }
}

/// Fetches every endpoint's /v1/models before serving.
Result<std::vector<EndpointInfo>> discover(const GatewayOptions& options) {
  asio::io_context context(1);
  net::HttpClient client(context.get_executor());
  std::vector<EndpointInfo> endpoints;
  std::optional<Error> failure;
  asio::co_spawn(context, discover_all(&options, &client, &endpoints, &failure), asio::detached);
  context.run();
  if (failure) {
    return *failure;
  }
  return endpoints;
}

/// The client's headers minus hop-by-hop ones and those the client library sets itself.
net::HeaderList forwarded_headers(const net::Request& request) {
  net::HeaderList out;
  for (const auto& field : request) {
    switch (field.name()) {
      case http::field::connection:
      case http::field::keep_alive:
      case http::field::transfer_encoding:
      case http::field::te:
      case http::field::trailer:
      case http::field::upgrade:
      case http::field::proxy_authorization:
      case http::field::proxy_connection:
      case http::field::host:
      case http::field::content_length:
      case http::field::expect:
        continue;
      default:
        out.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
  }
  return out;
}

class Gateway {
 public:
  Gateway(const GatewayOptions& options, EndpointTable& table, net::WorkerPool& pool)
      : options_(options), table_(table) {
    for (std::size_t i = 0; i < pool.size(); ++i) {
      clients_.push_back(std::make_unique<net::HttpClient>(pool.context(i).get_executor(), 256));
    }
    models_body_ = openai::models_body(table.models());
  }

  asio::awaitable<void> handle(net::Exchange& exchange) {
    const std::string_view path = exchange.path();
    const auto method = exchange.request().method();
    if (method == http::verb::get && path == "/v1/models") {
      co_await respond(exchange, 200, models_body_);
    } else if (method == http::verb::get && path == "/health") {
      co_await respond(exchange, 200, "{}");
    } else if (method == http::verb::post &&
               (path == "/v1/chat/completions" || path == "/v1/completions" ||
                path == "/v1/embeddings")) {
      co_await proxy(exchange, std::string(path));
    } else {
      co_await respond(exchange, 404, openai::error_body(404, "no route for " + std::string(path)));
    }
  }

 private:
  static asio::awaitable<void> respond(net::Exchange& exchange, int status, std::string body,
                                       std::string content_type = "application/json") {
    net::Response response{static_cast<http::status>(status), 11};
    response.set(http::field::content_type, content_type);
    response.body() = std::move(body);
    co_await exchange.respond(std::move(response));
  }

  asio::awaitable<void> proxy(net::Exchange& exchange, std::string path) {
    std::string body = std::move(exchange.request().body());
    auto model = openai::peek_model(body);
    if (!model.ok()) {
      co_await respond(exchange, 400, openai::error_body(model.error()));
      co_return;
    }
    std::vector<std::size_t> ranked;
    table_.rank(*model, SteadyClock::now(), ranked);
    if (ranked.empty()) {
      co_await respond(
          exchange, 404,
          openai::error_body(404, "The model `" + *model + "` does not exist.", "model"));
      co_return;
    }
    const std::size_t attempts =
        std::min(ranked.size(), static_cast<std::size_t>(std::max(options_.max_attempts, 1)));
    const net::HeaderList forwarded = forwarded_headers(exchange.request());
    net::HttpClient& client = *clients_[exchange.worker_index()];
    RelayResult last;
    for (std::size_t attempt = 0; attempt < attempts; ++attempt) {
      const std::size_t endpoint = ranked[attempt];
      const bool final_attempt = attempt + 1 == attempts;
      net::ClientRequest request;
      request.method = http::verb::post;
      request.url = table_.url(endpoint) + path;
      // Retries need the body again; only the final attempt may take it.
      request.body = final_attempt ? std::move(body) : body;
      request.headers = forwarded;
      request.timeout = options_.request_timeout;
      RelayLimits limits;
      limits.hold_server_errors = !final_attempt;
      table_.request_started(endpoint);
      last = co_await relay(client, exchange, std::move(request), limits);
      const bool answered = last.status > 0 && last.status < 500 && !last.upstream_error;
      table_.request_finished(endpoint, answered || last.client_gone, SteadyClock::now());
      if (last.relayed || last.client_gone || last.client_too_slow) {
        co_return;
      }
      log::debug("gateway: {} failed before answering ({}), trying the next endpoint",
                 table_.url(endpoint),
                 last.upstream_error ? last.upstream_error->message
                                     : "HTTP " + std::to_string(last.status));
    }
    if (!last.held_body.empty() || last.status >= 500) {
      co_await respond(
          exchange, last.status, std::move(last.held_body),
          last.held_content_type.empty() ? "application/json" : last.held_content_type);
      co_return;
    }
    const bool timeout = last.upstream_error && last.upstream_error->code == ErrorCode::kTimeout;
    const int status = timeout ? 504 : 502;
    co_await respond(
        exchange, status,
        openai::error_body(status, "no model server answered for `" + *model + "`: " +
                                       (last.upstream_error ? last.upstream_error->message
                                                            : std::string("no response"))));
  }

  const GatewayOptions& options_;
  EndpointTable& table_;
  std::vector<std::unique_ptr<net::HttpClient>> clients_;
  std::string models_body_;
};

}  // namespace

Status run_gateway(GatewayOptions options) {
  if (options.endpoints.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "give at least one --endpoint URL",
                      "--endpoint");
  }
  auto discovered = discover(options);
  if (!discovered.ok()) {
    return std::move(discovered).error();
  }
  for (const EndpointInfo& e : *discovered) {
    log::info("gateway: {} serves {} model(s)", e.url, e.models.size());
  }
  EndpointTable table(std::move(*discovered));
  net::WorkerPool pool(options.workers);
  Gateway gateway(options, table, pool);
  net::ServerLimits limits;
  limits.max_body_bytes = options.max_body_bytes;
  net::Server server(
      pool, [&gateway](net::Exchange& exchange) { return gateway.handle(exchange); }, limits);
  auto port = server.listen(options.host, options.port);
  if (!port.ok()) {
    return make_error(port.error().code,
                      "cannot listen on " + options.host + ":" + std::to_string(options.port) +
                          ": " + port.error().message,
                      "--port");
  }
  if (options.on_ready) {
    options.on_ready(*port);
  }
  pool.on_shutdown_signal([&server, &pool, grace = options.shutdown_grace] {
    log::info("gateway: shutting down");
    server.shutdown(grace,
                    [&pool] { boost::asio::post(pool.context(0), [&pool] { pool.stop(); }); });
  });
  pool.run();
  log::info("gateway: stopped");
  return {};
}

}  // namespace sluice::gateway
