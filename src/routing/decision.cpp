#include "routing/decision.h"

#include "core/clock.h"
#include "openai/error_body.h"
#include "openai/request.h"
#include "routing/model_helpers.h"

#include <algorithm>

namespace sluice::routing {
namespace {

RouteDecision rejected(RouteDecision d, Rejection why, int status, std::string body,
                       std::string_view error, std::string_view dropped_reason = {}) {
  d.rejection = why;
  d.status = status;
  d.error_body = std::move(body);
  d.error = error;
  d.dropped_reason = dropped_reason;
  return d;
}

}  // namespace

RouteDecision decide(const RoutingTable& table, WorkerRouter& router, const RouteInput& input) {
  RouteDecision d;
  auto peek = openai::peek_routing(input.body, input.capacity);
  if (!peek.ok()) {
    return rejected(std::move(d), Rejection::kMalformed, 400, openai::error_body(peek.error()),
                    "malformed request");
  }
  d.model = peek->model;
  d.stream = peek->stream;
  std::optional<ModelInfo> info = table.model(d.model);
  if (input.pool && (!info || info->pool != *input.pool)) {
    info = ModelInfo{*input.pool, nullptr};  // served there only if its endpoints list it
  }
  if (!info) {
    return rejected(std::move(d), Rejection::kUnknownModel, 404, unknown_model_body(d.model),
                    "unknown model");
  }
  const std::uint32_t pool = info->pool;
  d.pool = pool;
  const PoolRoute& route = table.pools()[pool];
  d.priority = table.priority(input.objective);

  // Canary rewrites: an explicit header wins, then the pool's weighted rules.
  d.target_model = std::string(input.model_rewrite);
  if (d.target_model.empty()) {
    const std::string* rewritten = table.rewrite(pool, d.model, router.random());
    d.target_model = rewritten != nullptr ? *rewritten : d.model;
  }
  if (d.target_model != d.model) {
    d.rewritten_body =
        replace_model(input.body, peek->model_offset, peek->model_length, d.target_model);
  }

  const std::span<const scheduling::EndpointView> endpoints = router.endpoints(pool);
  if (info->route == nullptr && !any_serves(endpoints, d.target_model)) {
    return rejected(std::move(d), Rejection::kUnknownModel, 404, unknown_model_body(d.model),
                    "unknown model");
  }
  if (d.priority < 0 && route.saturation.saturated(endpoints)) {
    return rejected(std::move(d), Rejection::kSaturated, 429,
                    openai::error_body(429, "The model servers of pool `" + route.name +
                                                "` are saturated; sheddable requests (priority " +
                                                std::to_string(d.priority) + ") are dropped."),
                    "pool saturated", "rejected-saturated");
  }

  const std::span<const scheduling::EndpointView> candidates = router.healthy(pool);
  scheduling::Scheduler& scheduler = router.scheduler(pool);
  scheduling::SchedulingRequest request;
  request.model = d.target_model;
  const std::string_view base_model = adapter_base(table, router, pool, d.target_model);
  request.is_adapter = !base_model.empty();
  request.base_model = base_model;
  request.priority = d.priority;
  request.session_key = input.session_key;
  request.size_estimate = input.body.size();
  const TimePoint start = SteadyClock::now();
  request.prefix_hashes = scheduler.hash_prompt(d.target_model, peek->prompt);
  auto decision = scheduler.pick(request, candidates, input.eligible);
  d.scheduled = true;
  d.scheduling_seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  if (!decision.ok()) {
    std::string why;
    if (input.eligible != nullptr &&
        std::none_of(candidates.begin(), candidates.end(), *input.eligible)) {
      why = "no endpoint of pool `" + route.name + "` is in the request's candidate subset";
    } else if (candidates.empty()) {
      why = "no healthy endpoint in pool `" + route.name + "` for model `" + d.target_model + "`";
    } else {
      why = decision.error().message;
    }
    return rejected(std::move(d), Rejection::kNoEndpoint, 503, openai::error_body(503, why),
                    "no eligible endpoint", "rejected-no-endpoints");
  }
  // The decision's views are the worker's scratch: keep the indexes (and the hashes, to record
  // a fallback that ends up serving) before anything else schedules on this worker.
  d.ranked_count = std::min(
      {decision->ranked.size(), d.ranked.size(), std::max<std::size_t>(input.max_ranked, 1)});
  for (std::size_t i = 0; i < d.ranked_count; ++i) d.ranked[i] = decision->ranked[i]->id;
  if (d.ranked_count > 1 && !request.prefix_hashes.empty()) {
    d.hashes.assign(request.prefix_hashes.begin(), request.prefix_hashes.end());
  }
  return d;
}

}  // namespace sluice::routing
