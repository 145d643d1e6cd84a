#include "gateway/proxy.h"

#include "core/log.h"
#include "gateway/forwarding.h"
#include "gateway/relay.h"
#include "metrics/exposition.h"
#include "openai/error_body.h"
#include "openai/request.h"
#include "openai/usage_scanner.h"
#include "routing/decision.h"
#include "routing/model_helpers.h"

#include <array>

namespace sluice::gateway {

namespace http = boost::beast::http;

namespace {

double seconds_between(TimePoint from, TimePoint to) {
  return std::chrono::duration<double>(to - from).count();
}

class SteadyPluginClock final : public scheduling::PluginClock {
 public:
  std::uint64_t now_ns() override {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now().time_since_epoch())
            .count());
  }
};

asio::awaitable<void> respond(net::Exchange& exchange, int status, std::string body,
                              std::string content_type, std::string_view dropped_reason) {
  net::Response response{static_cast<http::status>(status), 11};
  response.set(http::field::content_type, content_type);
  if (!dropped_reason.empty()) {
    response.set("x-llm-d-request-dropped-reason", dropped_reason);
  }
  response.body() = std::move(body);
  co_await exchange.respond(std::move(response));
}

}  // namespace

/// One worker's private state.
struct Proxy::Worker {
  Worker(const RoutingTable& table, asio::any_io_executor executor, std::uint64_t seed)
      : router(table, seed), client(std::move(executor), 256) {}
  WorkerRouter router;
  net::HttpClient client;
  SteadyPluginClock clock;
};

/// Everything recorded about one request, for telemetry and the access log.
struct Proxy::Trace {
  std::size_t worker = 0;
  std::chrono::system_clock::time_point wall_start;
  TimePoint start;
  std::string path;
  std::string model;
  std::string target_model;
  std::string objective;
  std::uint32_t model_index = GatewayTelemetry::kOtherModel;
  std::uint32_t pool = GatewayTelemetry::kNoPool;
  std::uint32_t endpoint = GatewayTelemetry::kNoEndpoint;
  int status = 0;
  bool stream = false;
  std::uint32_t attempts = 0;
  double scheduling_seconds = 0;
  std::optional<TimePoint> first_byte;
  TimePoint last_chunk;
  openai::UsageScanner usage;
  std::uint64_t bytes = 0;
  std::string error;
};

Proxy::Proxy(RoutingTable& table, net::WorkerPool& workers, GatewayTelemetry& telemetry,
             AccessLog* access_log, ProxySettings settings)
    : table_(table), telemetry_(telemetry), access_log_(access_log), settings_(settings) {
  for (std::size_t i = 0; i < workers.size(); ++i) {
    workers_.push_back(
        std::make_unique<Worker>(table, workers.context(i).get_executor(), 0x9A7E ^ (i << 32)));
    for (std::uint32_t p = 0; p < table.pools().size(); ++p) {
      workers_.back()->router.scheduler(p).set_plugin_clock(&workers_.back()->clock);
    }
  }
}

Proxy::~Proxy() = default;

asio::awaitable<void> Proxy::handle(net::Exchange& exchange) {
  const std::string_view path = exchange.path();
  const auto method = exchange.request().method();
  if (method == http::verb::get && path == "/v1/models") {
    co_await respond(exchange, 200, models_body(), "application/json", {});
  } else if (method == http::verb::get && path == "/metrics") {
    co_await respond(exchange, 200, metrics_page(), metrics::kTextContentType, {});
  } else if (method == http::verb::get && path == "/health") {
    co_await respond(exchange, 200, "{}", "application/json", {});
  } else if (method == http::verb::post &&
             (path == "/v1/chat/completions" || path == "/v1/completions" ||
              path == "/v1/embeddings")) {
    Trace trace;
    trace.worker = exchange.worker_index();
    trace.wall_start = std::chrono::system_clock::now();
    trace.start = SteadyClock::now();
    trace.path = std::string(path);
    co_await proxy(exchange, trace);
    finish(trace);
  } else {
    co_await respond(exchange, 404, openai::error_body(404, "no route for " + std::string(path)),
                     "application/json", {});
  }
}

asio::awaitable<void> Proxy::reject(net::Exchange& exchange, Trace& trace, int status,
                                    std::string body, std::string_view dropped_reason) {
  trace.status = status;
  co_await respond(exchange, status, std::move(body), "application/json", dropped_reason);
}

asio::awaitable<void> Proxy::proxy(net::Exchange& exchange, Trace& trace) {
  Worker& worker = *workers_[trace.worker];
  std::string body = std::move(exchange.request().body());
  trace.objective = std::string(objective_header(exchange.request()));
  routing::RouteInput input;
  input.body = body;
  input.capacity = body.capacity();
  input.objective = trace.objective;
  input.model_rewrite = rewrite_header(exchange.request());
  input.session_key = session_header(exchange.request());
  input.max_ranked = static_cast<std::size_t>(std::max(table_.config().gateway.max_retries, 0)) + 1;
  routing::RouteDecision decision = routing::decide(table_, worker.router, input);
  trace.model = decision.model;
  trace.stream = decision.stream;
  trace.target_model = decision.target_model;
  trace.model_index = telemetry_.model_index(trace.model);
  trace.scheduling_seconds = decision.scheduling_seconds;
  const std::uint32_t pool = decision.pool;
  if (pool != routing::RouteDecision::kNoPool) trace.pool = pool;
  if (decision.scheduled) {
    telemetry_.observe_scheduling(trace.worker, pool, trace.scheduling_seconds);
    const auto nanos = worker.router.scheduler(pool).plugin_nanos();
    for (std::uint32_t i = 0; i < nanos.size(); ++i) {
      telemetry_.observe_plugin(trace.worker, pool, i, static_cast<double>(nanos[i]) * 1e-9);
    }
  }
  if (decision.rejection != routing::Rejection::kNone) {
    trace.error = std::string(decision.error);
    if (decision.rejection == routing::Rejection::kSaturated) {
      telemetry_.count_rejection(trace.worker, pool, RejectReason::kSaturated);
    } else if (decision.rejection == routing::Rejection::kNoEndpoint) {
      telemetry_.count_rejection(trace.worker, pool, RejectReason::kNoEndpoint);
    }
    co_await reject(exchange, trace, decision.status, std::move(decision.error_body),
                    decision.dropped_reason);
    co_return;
  }
  std::string& upstream_body = decision.rewritten_body.empty() ? body : decision.rewritten_body;
  const PoolRoute& route = table_.pools()[pool];
  scheduling::Scheduler& scheduler = worker.router.scheduler(pool);
  const std::size_t max_attempts = decision.ranked_count;
  const auto& ranked = decision.ranked;
  const std::vector<std::uint64_t>& hashes = decision.hashes;

  const config::GatewaySettings& g = table_.config().gateway;
  const std::string forwarded = forwarded_headers(exchange.request());
  RelayResult last;
  for (std::size_t attempt = 0; attempt < max_attempts; ++attempt) {
    const std::uint32_t endpoint = ranked[attempt];
    const bool final_attempt = attempt + 1 == max_attempts;
    trace.endpoint = endpoint;
    trace.attempts = static_cast<std::uint32_t>(attempt + 1);
    if (attempt > 0 && !hashes.empty()) {
      scheduler.record(endpoint, hashes);
    }
    net::ClientRequest upstream;
    upstream.method = http::verb::post;
    upstream.origin = &route.origins[endpoint];
    upstream.target = exchange.request().target();
    // Retries need the body again; only the final attempt may take it.
    upstream.body = final_attempt ? std::move(upstream_body) : upstream_body;
    upstream.header_lines = forwarded;
    upstream.timeout = settings_.request_timeout;
    upstream.connect_timeout = g.connect_timeout;
    upstream.first_byte_timeout = g.first_byte_timeout;
    upstream.idle_timeout = g.stream_idle_timeout;
    RelayLimits limits;
    limits.hold_server_errors = !final_attempt;
    limits.on_body = [&trace, this](std::string_view bytes) {
      const TimePoint now = SteadyClock::now();
      if (!trace.first_byte) {
        trace.first_byte = now;
      } else if (trace.stream) {
        telemetry_.observe_itl(trace.worker, trace.model_index,
                               seconds_between(trace.last_chunk, now));
      }
      trace.last_chunk = now;
      trace.usage.feed(bytes);
    };
    std::atomic<std::uint32_t>& in_flight = route.in_flight[endpoint].value;
    in_flight.fetch_add(1, std::memory_order_relaxed);
    last = co_await relay(worker.client, exchange, std::move(upstream), std::move(limits));
    in_flight.fetch_sub(1, std::memory_order_relaxed);
    trace.bytes = last.bytes;
    const bool answered = last.status > 0 && last.status < 500 && !last.upstream_error;
    if (answered) {
      route.endpoints->report_success(endpoint);
    } else if (!last.client_gone) {
      route.endpoints->report_failure(endpoint);
    }
    if (last.relayed || last.client_gone) {
      trace.status = last.client_gone ? 499 : last.status;
      if (last.upstream_error && !last.client_gone) {
        trace.error = last.upstream_error->message;
      }
      co_return;
    }
    log::debug(
        "gateway: {} failed before answering ({}), trying the next endpoint",
        route.base_urls[endpoint],
        last.upstream_error ? last.upstream_error->message : "HTTP " + std::to_string(last.status));
  }
  if (last.status >= 500) {
    trace.error = "HTTP " + std::to_string(last.status) + " from every endpoint tried";
    trace.status = last.status;
    co_await respond(exchange, last.status, std::move(last.held_body),
                     last.held_content_type.empty() ? "application/json" : last.held_content_type,
                     {});
    co_return;
  }
  const bool timeout = last.upstream_error && last.upstream_error->code == ErrorCode::kTimeout;
  const int status = timeout ? 504 : 502;
  trace.error = last.upstream_error ? last.upstream_error->message : "no response";
  co_await reject(exchange, trace, status,
                  openai::error_body(status, "no model server answered for `" + trace.model +
                                                 "`: " + trace.error));
}

void Proxy::finish(const Trace& trace) {
  const TimePoint end = SteadyClock::now();
  const double duration = seconds_between(trace.start, end);
  const std::uint64_t input_tokens = trace.usage.prompt_tokens().value_or(0);
  const std::uint64_t output_tokens = trace.usage.completion_tokens().value_or(0);
  std::optional<double> ttft;
  if (trace.first_byte && trace.stream) {
    ttft = seconds_between(trace.start, *trace.first_byte);
  }
  GatewayTelemetry::RequestRecord record;
  record.model = trace.model_index;
  record.pool = trace.pool;
  record.endpoint = trace.endpoint;
  record.status = trace.status;
  record.duration_seconds = duration;
  record.ttft_seconds = ttft;
  if (ttft && output_tokens >= 2) {
    record.tpot_seconds = (duration - *ttft) / static_cast<double>(output_tokens - 1);
  }
  record.input_tokens = input_tokens;
  record.output_tokens = output_tokens;
  record.retries = trace.attempts > 1 ? trace.attempts - 1 : 0;
  telemetry_.record_request(trace.worker, record);
  if (access_log_ == nullptr) {
    return;
  }
  AccessLogEntry entry;
  entry.time = trace.wall_start;
  entry.method = "POST";
  entry.path = trace.path;
  entry.model = trace.model;
  entry.target_model = trace.target_model.empty() ? trace.model : trace.target_model;
  entry.objective = trace.objective;
  if (trace.pool != GatewayTelemetry::kNoPool) {
    const PoolRoute& route = table_.pools()[trace.pool];
    entry.pool = route.name;
    if (trace.endpoint != GatewayTelemetry::kNoEndpoint) {
      entry.endpoint = endpoint_address(route, trace.endpoint);
    }
  }
  entry.status = trace.status;
  entry.stream = trace.stream;
  entry.attempts = trace.attempts;
  entry.duration_ms = duration * 1e3;
  if (trace.first_byte) {
    entry.ttft_ms = seconds_between(trace.start, *trace.first_byte) * 1e3;
  }
  entry.scheduling_us = trace.scheduling_seconds * 1e6;
  entry.input_tokens = input_tokens;
  entry.output_tokens = output_tokens;
  entry.bytes = trace.bytes;
  entry.error = trace.error;
  access_log_->record(trace.worker, entry);
}

}  // namespace sluice::gateway
