#include "sim/server/replica.h"

#include "core/hash.h"
#include "core/log.h"
#include "openai/response.h"
#include "sim/server/replies.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <ctime>
#include <random>

namespace sluice::sim {

namespace asio = boost::asio;
namespace http = boost::beast::http;

struct Replica::InFlight {
  explicit InFlight(const asio::any_io_executor& executor) : wake(executor) {}

  std::uint64_t id = 0;
  openai::ResponseMeta meta;
  OutputPlan plan;
  std::size_t model_index = 0;
  std::uint32_t prompt_tokens = 0;
  std::uint32_t max_tokens_param = 0;
  bool include_usage = false;
  std::optional<std::uint32_t> drop_after;
  // Progress, written by the engine sink (same thread), read by the connection coroutine.
  std::uint32_t ready = 0;
  bool finished = false;
  bool aborted = false;
  FinishReason reason = FinishReason::kLength;
  std::uint32_t cached_tokens = 0;
  TimePoint arrival{};
  std::optional<TimePoint> last_token_at;
  asio::steady_timer wake;  // cancelled to wake the coroutine
};

namespace {

// Waits until the request has tokens beyond `seen`, finished, or was aborted.
asio::awaitable<void> wait_for_progress(std::shared_ptr<Replica::InFlight> request,
                                        std::uint32_t seen) {
  while (!request->finished && !request->aborted && request->ready == seen) {
    request->wake.expires_at(TimePoint::max());
    co_await request->wake.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

std::string_view header(const net::Request& request, std::string_view name) {
  const auto it = request.find(name);
  return it == request.end() ? std::string_view{} : std::string_view(it->value());
}

}  // namespace

Replica::Replica(asio::io_context& home, const ReplicaSpec& spec, const SimOptions& options,
                 std::uint64_t seed)
    : home_(home),
      models_(spec.models),
      engine_(options.engine),
      metrics_(spec.models, options.engine),
      failures_(options.failures),
      seed_(options.seed),
      rng_(seed),
      created_unix_(static_cast<std::int64_t>(std::time(nullptr))),
      id_salt_(std::random_device{}() ^
               static_cast<std::uint64_t>(SteadyClock::now().time_since_epoch().count())),
      step_timer_(home) {
  next_id_ = (seed & 0xffff) << 40;
  for (const auto& lora : spec.loras) {
    // validate() checked that every parent is one of the models.
    adapter_base_[lora.name] = base_model_index(lora.parent).value_or(0);
    adapter_path_[lora.name] = "/adapters/" + lora.name;
    auto registered = engine_.register_adapter(lora.name);
    if (!registered.ok()) {
      log::warn("sim: adapter {}: {}", lora.name, registered.error().message);
    }
  }
}

Replica::~Replica() {
  *alive_ = false;
  step_timer_.cancel();
}

std::optional<std::size_t> Replica::base_model_index(std::string_view name) const {
  for (std::size_t i = 0; i < models_.size(); ++i) {
    if (models_[i] == name) {
      return i;
    }
  }
  return std::nullopt;
}

std::optional<Replica::ModelRef> Replica::resolve_model(std::string_view name) const {
  if (const auto base = base_model_index(name)) {
    return ModelRef{*base, -1};
  }
  const auto base = adapter_base_.find(std::string(name));
  if (base == adapter_base_.end()) {
    return std::nullopt;
  }
  const auto id = engine_.adapter_id(name);
  if (!id) {
    return std::nullopt;
  }
  return ModelRef{base->second, *id};
}

asio::awaitable<void> Replica::handle(net::Exchange& exchange) {
  const std::string_view path = exchange.path();
  const http::verb method = exchange.request().method();
  const bool post = method == http::verb::post;
  const bool get = method == http::verb::get || method == http::verb::head;
  if (path == "/v1/chat/completions" && post) {
    co_await serve_completion(exchange, openai::ApiKind::kChat);
  } else if (path == "/v1/completions" && post) {
    co_await serve_completion(exchange, openai::ApiKind::kCompletion);
  } else if (path == "/v1/models" && get) {
    co_await serve_models(exchange);
  } else if (path == "/health" && get) {
    co_await respond(exchange, 200, "text/plain", "");
  } else if (path == "/metrics" && get) {
    co_await serve_metrics(exchange);
  } else if (path == "/version" && get) {
    co_await respond_json(exchange, 200, R"({"version":"sluice-sim"})");
  } else if (path == "/v1/load_lora_adapter" && post) {
    co_await serve_load_lora(exchange);
  } else if (path == "/v1/unload_lora_adapter" && post) {
    co_await serve_unload_lora(exchange);
  } else {
    const bool known = path == "/v1/chat/completions" || path == "/v1/completions" ||
                       path == "/v1/models" || path == "/health" || path == "/metrics" ||
                       path == "/v1/load_lora_adapter" || path == "/v1/unload_lora_adapter";
    // Built before the co_await: GCC 12 destroys temporaries of a conditional expression inside a
    // co_await twice (a double free), so no ?: with class temporaries in co_await expressions.
    const int status = known ? 405 : 404;
    std::string message =
        known ? std::string("Method Not Allowed") : "Not Found: " + std::string(path);
    std::string body = openai::error_body(status, message);
    co_await respond_json(exchange, status, std::move(body));
  }
}

asio::awaitable<void> Replica::serve_completion(net::Exchange& exchange, openai::ApiKind kind) {
  const std::string& body = exchange.request().body();
  auto parsed = openai::parse_completion_request(body, body.capacity(), kind);
  if (!parsed.ok()) {
    co_await respond_error(exchange, parsed.error());
    co_return;
  }
  openai::CompletionRequest& request = parsed.value();
  const auto model = resolve_model(request.model);
  if (!model) {
    co_await respond_json(
        exchange, 404,
        openai::error_body(404, "The model `" + request.model + "` does not exist.", "model"));
    co_return;
  }

  std::vector<std::uint32_t> prompt;
  if (kind == openai::ApiKind::kChat) {
    tokenizer_.encode_chat(request.messages, prompt);
  } else if (!request.prompt_token_ids.empty()) {
    prompt = std::move(request.prompt_token_ids);
  } else {
    tokenizer_.encode(request.prompt, prompt);
  }
  const auto max_len = static_cast<std::uint32_t>(engine_.config().max_model_len);
  const auto prompt_len = static_cast<std::uint32_t>(prompt.size());
  const std::uint32_t requested = request.max_tokens.value_or(1);
  if (prompt_len + requested > max_len) {
    const char* field = request.max_tokens               ? "max_tokens"
                        : kind == openai::ApiKind::kChat ? "messages"
                                                         : "prompt";
    Error error =
        make_error(ErrorCode::kInvalidArgument,
                   "This model's maximum context length is " + std::to_string(max_len) +
                       " tokens. However, you requested " + std::to_string(prompt_len + requested) +
                       " tokens (" + std::to_string(prompt_len) + " in the prompt, " +
                       std::to_string(requested) +
                       " in the completion). Please reduce the length of the prompt or completion.",
                   field);
    co_await respond_error(exchange, error);
    co_return;
  }

  auto in_flight = std::make_shared<InFlight>(exchange.executor());
  in_flight->plan = plan_output(request, prompt, max_len - prompt_len, seed_);
  auto decision = decide_failure(failures_, rng_, header(exchange.request(), kForceErrorHeader),
                                 in_flight->plan.tokens());
  if (!decision.ok()) {
    co_await respond_error(exchange, decision.error());
    co_return;
  }
  if (failures_.added_latency > Duration::zero()) {
    asio::steady_timer delay(exchange.executor(), failures_.added_latency);
    co_await delay.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (decision->status) {
    const int status = *decision->status;
    co_await respond_json(exchange, status,
                          openai::error_body(status, injected_error_message(status)));
    co_return;
  }

  const std::uint64_t id = next_id_++;
  in_flight->id = id;
  in_flight->meta.id = openai::make_request_id(kind, hash64(&id, sizeof(id), id_salt_));
  in_flight->meta.model = request.model;
  in_flight->meta.created = static_cast<std::int64_t>(std::time(nullptr));
  in_flight->meta.kind = kind;
  in_flight->model_index = model->base_index;
  in_flight->prompt_tokens = prompt_len;
  in_flight->max_tokens_param = request.max_tokens.value_or(max_len - prompt_len);
  in_flight->include_usage = request.include_usage;
  in_flight->drop_after = request.stream ? decision->drop_after_tokens : std::nullopt;

  SeqRequest seq;
  seq.id = id;
  seq.prompt_tokens = std::move(prompt);
  seq.output_tokens = in_flight->plan.tokens();
  seq.reason_at_end = in_flight->plan.reason;
  seq.adapter = model->adapter;
  in_flight->arrival = SteadyClock::now();
  const Status added = engine_.add(std::move(seq), in_flight->arrival);
  if (!added.ok()) {
    co_await respond_error(exchange, added.error());
    co_return;
  }
  in_flight_.emplace(id, in_flight);
  kick();
  if (request.stream) {
    co_await stream_answer(exchange, in_flight);
  } else {
    co_await unary_answer(exchange, in_flight);
  }
}

asio::awaitable<void> Replica::stream_answer(net::Exchange& exchange,
                                             std::shared_ptr<InFlight> request) {
  if (!co_await exchange.begin_stream(http::status::ok, "text/event-stream")) {
    abort(request->id);
    co_return;
  }
  std::string out;
  if (request->meta.kind == openai::ApiKind::kChat) {
    openai::append_role_chunk(out, request->meta);
  }
  std::uint32_t sent = 0;
  for (;;) {
    co_await wait_for_progress(request, sent);
    if (request->aborted) {
      co_return;
    }
    std::uint32_t upto = request->ready;
    const bool dropping = request->drop_after && upto >= *request->drop_after;
    if (dropping) {
      upto = *request->drop_after;
    }
    if (upto > sent) {
      const std::string_view text = request->plan.text_of(sent, upto);
      if (!text.empty()) {
        openai::append_content_chunk(out, request->meta, text);
      }
      sent = upto;
    }
    if (dropping) {
      co_await exchange.write_chunk(std::move(out));
      abort(request->id);
      exchange.close_connection_abruptly();
      co_return;
    }
    const bool finished = request->finished;
    if (finished) {
      openai::append_finish_chunk(out, request->meta, finish_reason_name(request->reason));
      if (request->include_usage) {
        openai::append_usage_chunk(
            out, request->meta,
            openai::Usage{request->prompt_tokens, request->ready, request->cached_tokens});
      }
      openai::append_done(out);
    }
    if (!out.empty()) {
      if (!co_await exchange.write_chunk(std::move(out))) {
        abort(request->id);
        co_return;
      }
      out = std::string();
    }
    if (finished) {
      break;
    }
  }
  co_await exchange.end_stream();
}

asio::awaitable<void> Replica::unary_answer(net::Exchange& exchange,
                                            std::shared_ptr<InFlight> request) {
  exchange.on_client_gone([this, alive = std::weak_ptr<bool>(alive_), id = request->id] {
    if (alive.lock()) {
      abort(id);
    }
  });
  while (!request->finished && !request->aborted) {
    co_await wait_for_progress(request, request->ready);
  }
  if (request->aborted) {
    co_return;
  }
  const openai::Usage usage{request->prompt_tokens, request->ready, request->cached_tokens};
  co_await respond_json(exchange, 200,
                        openai::completion_body(request->meta, request->plan.text,
                                                finish_reason_name(request->reason), usage));
}

void Replica::abort(std::uint64_t id) {
  const auto it = in_flight_.find(id);
  if (it == in_flight_.end()) {
    return;
  }
  engine_.abort(id);
  it->second->aborted = true;
  it->second->wake.cancel();
  in_flight_.erase(it);
}

void Replica::on_tokens(std::uint64_t id, std::uint32_t count, TimePoint at) {
  const auto it = in_flight_.find(id);
  if (it == in_flight_.end()) {
    return;
  }
  InFlight& request = *it->second;
  request.ready += count;
  if (request.last_token_at) {
    metrics_.observe_inter_token(request.model_index, to_seconds(at - *request.last_token_at));
  } else {
    metrics_.observe_first_token(request.model_index, to_seconds(at - request.arrival));
  }
  request.last_token_at = at;
  request.wake.cancel();
}

void Replica::on_finished(std::uint64_t id, FinishReason reason, const SeqStats& stats) {
  const auto it = in_flight_.find(id);
  if (it == in_flight_.end()) {
    return;
  }
  InFlight& request = *it->second;
  metrics_.observe_finished(request.model_index, stats, request.max_tokens_param);
  request.finished = true;
  request.reason = reason;
  request.ready = stats.output_tokens;
  request.cached_tokens = stats.cached_prompt_tokens;
  request.wake.cancel();
  in_flight_.erase(it);
}

void Replica::on_step(const StepInfo& step) {
  metrics_.observe_iteration(step.shape.scheduled_tokens());
}

void Replica::kick() {
  if (driver_pending_) {
    return;
  }
  driver_pending_ = true;
  asio::post(home_, [this, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.lock()) {
      run_engine();
    }
  });
}

void Replica::run_engine() {
  driver_pending_ = false;
  const TimePoint now = SteadyClock::now();
  // A fixed-profile "step" is one token instant of one request, so allow many per round: when the
  // loop falls behind, each request then gets several tokens per wake-up, written in one write.
  const int max_steps = engine_.config().profile.fixed ? 4096 : 64;
  const auto next = engine_.advance(now, *this, max_steps);
  if (!next) {
    return;
  }
  driver_pending_ = true;
  auto resume = [this, alive = std::weak_ptr<bool>(alive_)](boost::system::error_code ec = {}) {
    if (!ec && alive.lock()) {
      run_engine();
    }
  };
  if (*next <= now) {
    asio::post(home_, [resume]() mutable { resume(); });  // yield to I/O between zero-time steps
  } else {
    step_timer_.expires_at(*next);
    step_timer_.async_wait(resume);
  }
}

}  // namespace sluice::sim
