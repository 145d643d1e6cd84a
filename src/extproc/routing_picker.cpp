#include "extproc/routing_picker.h"

#include "openai/error_body.h"
#include "routing/decision.h"
#include "routing/worker_router.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <thread>

namespace sluice::extproc {
namespace {

/// Headers the decision reads, with their deprecated aliases.
std::string_view header_or_alias(const HeaderList& headers, std::string_view name,
                                 std::string_view alias) {
  if (auto v = find_header(headers, name)) return *v;
  if (auto v = find_header(headers, alias)) return *v;
  return {};
}

/// This thread's WorkerRouter for `table`, built the first time the thread picks for it. Keyed by
/// the table's id, not its address: a table built where a destroyed one was gets its own routers.
routing::WorkerRouter& thread_router(const routing::RoutingTable& table) {
  thread_local std::map<std::uint64_t, std::unique_ptr<routing::WorkerRouter>> routers;
  auto& slot = routers[table.id()];
  if (!slot) {
    const std::uint64_t seed = std::hash<std::thread::id>{}(std::this_thread::get_id());
    slot = std::make_unique<routing::WorkerRouter>(table, seed ^ 0xE99);
  }
  return *slot;
}

std::string_view ip_of(std::string_view address) {
  if (!address.empty() && address.front() == '[') {
    const std::size_t close = address.find(']');
    return close == std::string_view::npos ? address : address.substr(1, close - 1);
  }
  const std::size_t colon = address.rfind(':');
  return colon == std::string_view::npos ? address : address.substr(0, colon);
}

/// Whether `e` passes the subset hint ("ip:port" list) and the conformance IP list.
bool allowed(const PickRequest& r, const scheduling::EndpointView& e) {
  if (r.subset && std::find(r.subset->begin(), r.subset->end(), e.address) == r.subset->end()) {
    return false;
  }
  if (r.only_ips &&
      std::find(r.only_ips->begin(), r.only_ips->end(), ip_of(e.address)) == r.only_ips->end()) {
    return false;
  }
  return true;
}

constexpr std::uint64_t kNoEndpointTicket = UINT64_MAX;

std::uint64_t ticket(std::uint32_t pool, std::uint32_t endpoint) {
  return (static_cast<std::uint64_t>(pool) << 32) | endpoint;
}

}  // namespace

PickResult RoutingPicker::pick(const PickRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  PickResult out = decide(request);
  request_metrics_.observe_scheduling(std::chrono::steady_clock::now() - started, out.status == 0);
  return out;
}

PickResult RoutingPicker::decide(const PickRequest& request) {
  PickResult out;
  out.ticket = kNoEndpointTicket;
  routing::WorkerRouter& router = thread_router(table_);
  const bool restricted = request.subset.has_value() || request.only_ips.has_value();
  if (!request.has_body) {
    // No body to route by (a GET, say): any eligible endpoint of the pool, at random.
    const std::uint32_t pool = pool_.value_or(0);
    router.endpoints(pool);
    std::vector<const scheduling::EndpointView*> eligible;
    for (const scheduling::EndpointView& e : router.healthy(pool)) {
      if (allowed(request, e)) eligible.push_back(&e);
    }
    out.series = request_metrics_.series("", "");
    request_metrics_.count_request(out.series);
    if (eligible.empty()) {
      out.status = 503;
      out.error_body = openai::error_body(503, "no eligible endpoint");
      out.dropped_reason = "rejected-no-endpoints";
      counters_.rejected_no_endpoint.fetch_add(1, std::memory_order_relaxed);
      request_metrics_.count_error(out.series, out.status);
      return out;
    }
    const scheduling::EndpointView& e = *eligible[router.random() % eligible.size()];
    out.endpoints.push_back(e.address);
    out.ticket = ticket(pool, e.id);
  } else {
    routing::RouteInput input;
    input.body = request.body;
    input.capacity = request.body_capacity;
    input.objective = header_or_alias(*request.headers, "x-llm-d-inference-objective",
                                      "x-gateway-inference-objective");
    input.model_rewrite = header_or_alias(*request.headers, "x-llm-d-model-name-rewrite",
                                          "x-gateway-model-name-rewrite");
    input.session_key = header_or_alias(*request.headers, "x-session-id", "x-session-token");
    const std::function<bool(const scheduling::EndpointView&)> eligible =
        [&request](const scheduling::EndpointView& e) { return allowed(request, e); };
    if (restricted) input.eligible = &eligible;
    input.pool = pool_;
    input.max_ranked =
        static_cast<std::size_t>(std::max(table_.config().gateway.max_retries, 0)) + 1;
    routing::RouteDecision d = routing::decide(table_, router, input);
    out.series =
        request_metrics_.series(d.model, d.target_model.empty() ? d.model : d.target_model);
    request_metrics_.count_request(out.series);
    if (d.rejection != routing::Rejection::kNone) {
      request_metrics_.count_error(out.series, d.status);
      out.status = d.status;
      out.error_body = std::move(d.error_body);
      out.dropped_reason = std::string(d.dropped_reason);
      auto& counter = d.rejection == routing::Rejection::kSaturated ? counters_.rejected_saturated
                      : d.rejection == routing::Rejection::kNoEndpoint
                          ? counters_.rejected_no_endpoint
                          : counters_.rejected_other;
      counter.fetch_add(1, std::memory_order_relaxed);
      return out;
    }
    const std::span<const scheduling::EndpointView> views = router.endpoints(d.pool);
    for (std::size_t i = 0; i < d.ranked_count; ++i) {
      out.endpoints.push_back(views[d.ranked[i]].address);
    }
    out.rewritten_body = std::move(d.rewritten_body);
    if (!out.rewritten_body.empty()) {
      out.client_model = std::move(d.model);
      out.target_model = std::move(d.target_model);
    }
    out.ticket = ticket(d.pool, d.ranked[0]);
  }
  const auto pool = static_cast<std::uint32_t>(out.ticket >> 32);
  const auto endpoint = static_cast<std::uint32_t>(out.ticket);
  table_.pools()[pool].in_flight[endpoint].value.fetch_add(1, std::memory_order_relaxed);
  counters_.routed.fetch_add(1, std::memory_order_relaxed);
  request_metrics_.add_running(out.series, 1);
  return out;
}

void RoutingPicker::finish(const PickResult& pick, const RequestOutcome& outcome) {
  if (pick.ticket == kNoEndpointTicket) return;
  const auto pool = static_cast<std::uint32_t>(pick.ticket >> 32);
  const auto endpoint = static_cast<std::uint32_t>(pick.ticket);
  routing::PoolRoute& route = table_.pools()[pool];
  route.in_flight[endpoint].value.fetch_sub(1, std::memory_order_relaxed);
  (outcome.cancelled ? counters_.cancelled : counters_.finished)
      .fetch_add(1, std::memory_order_relaxed);
  request_metrics_.add_running(pick.series, -1);
  if (outcome.status >= 400) request_metrics_.count_error(pick.series, outcome.status);
  if (!outcome.cancelled) {
    request_metrics_.observe(pick.series, {outcome.duration, outcome.ttft, outcome.prompt_tokens,
                                           outcome.completion_tokens, outcome.request_bytes,
                                           outcome.response_bytes, outcome.cached_tokens});
    request_metrics_.observe_processing(outcome.request_processing, outcome.response_processing);
  }
  // Only the endpoint that served can be judged; Envoy's retries hide connect failures.
  if (outcome.served != pick.endpoints.front() || outcome.status == 0) return;
  if (outcome.status < 500) {
    route.endpoints->report_success(endpoint);
  } else {
    route.endpoints->report_failure(endpoint);
  }
}

void RoutingPicker::chunk_gap(const PickResult& pick, std::chrono::nanoseconds gap) {
  request_metrics_.observe_itl(pick.series, gap);
}

}  // namespace sluice::extproc
