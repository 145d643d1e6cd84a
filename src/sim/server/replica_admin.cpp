// The replica's non-inference routes: /v1/models, LoRA load/unload, /metrics.
#include "metrics/exposition.h"
#include "openai/models.h"
#include "openai/response.h"
#include "sim/server/replica.h"
#include "sim/server/replies.h"

#include <chrono>

namespace sluice::sim {

namespace asio = boost::asio;

asio::awaitable<void> Replica::serve_models(net::Exchange& exchange) {
  std::vector<openai::ModelCard> cards;
  const auto max_len = static_cast<std::uint32_t>(engine_.config().max_model_len);
  for (const auto& model : models_) {
    openai::ModelCard card;
    card.id = model;
    card.root = model;
    card.created = created_unix_;
    card.max_model_len = max_len;
    cards.push_back(std::move(card));
  }
  for (const auto& name : engine_.adapter_names()) {
    const auto base = adapter_base_.find(name);
    if (base == adapter_base_.end()) {
      continue;
    }
    openai::ModelCard card;
    card.id = name;
    card.root = adapter_path_[name];
    card.parent = models_[base->second];
    card.created = created_unix_;
    card.max_model_len = max_len;
    cards.push_back(std::move(card));
  }
  co_await respond_json(exchange, 200, openai::models_body(cards));
}

asio::awaitable<void> Replica::serve_load_lora(net::Exchange& exchange) {
  auto parsed = openai::parse_lora_request(exchange.request().body(), true);
  if (!parsed.ok()) {
    co_await respond_error(exchange, parsed.error());
    co_return;
  }
  const auto& lora = parsed.value();
  if (engine_.adapter_id(lora.lora_name)) {
    co_await respond_json(
        exchange, 400,
        openai::error_body(400,
                           "The lora adapter '" + lora.lora_name + "' has already been loaded.",
                           "lora_name"));
    co_return;
  }
  std::size_t base = 0;
  if (!lora.base_model_name.empty()) {
    const auto found = base_model_index(lora.base_model_name);
    if (!found) {
      co_await respond_json(
          exchange, 404,
          openai::error_body(404, "The model `" + lora.base_model_name + "` does not exist.",
                             "base_model_name"));
      co_return;
    }
    base = *found;
  }
  auto registered = engine_.register_adapter(lora.lora_name);
  if (!registered.ok()) {
    co_await respond_error(exchange, registered.error());
    co_return;
  }
  adapter_base_[lora.lora_name] = base;
  adapter_path_[lora.lora_name] = lora.lora_path;
  co_await respond(exchange, 200, "text/plain",
                   "Success: LoRA adapter '" + lora.lora_name + "' added successfully.");
}

asio::awaitable<void> Replica::serve_unload_lora(net::Exchange& exchange) {
  auto parsed = openai::parse_lora_request(exchange.request().body(), false);
  if (!parsed.ok()) {
    co_await respond_error(exchange, parsed.error());
    co_return;
  }
  const std::string& name = parsed.value().lora_name;
  if (!engine_.adapter_id(name)) {
    co_await respond_json(
        exchange, 404,
        openai::error_body(404, "The lora adapter '" + name + "' cannot be found.", "lora_name"));
    co_return;
  }
  const Status removed = engine_.unregister_adapter(name);
  if (!removed.ok()) {
    co_await respond_error(exchange, removed.error());
    co_return;
  }
  adapter_base_.erase(name);
  adapter_path_.erase(name);
  co_await respond(exchange, 200, "text/plain",
                   "Success: LoRA adapter '" + name + "' removed successfully.");
}

asio::awaitable<void> Replica::serve_metrics(net::Exchange& exchange) {
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  co_await respond(exchange, 200, metrics::kTextContentType, metrics_.render(engine_, now));
}

}  // namespace sluice::sim
