// Pure helpers of the routing decision: rewriting the model name inside a body, "is this model
// served here", the base model of a LoRA adapter, an endpoint's address, and the 404 body.
#pragma once

#include "routing/routing_table.h"
#include "routing/worker_router.h"
#include "scheduling/endpoint_view.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace sluice::routing {

/// `body` with the JSON token at [offset, offset + length) replaced by `model` as a JSON string.
std::string replace_model(std::string_view body, std::size_t offset, std::size_t length,
                          std::string_view model);

/// True if some endpoint lists `model` (base model or adapter) in its /v1/models.
bool any_serves(std::span<const scheduling::EndpointView> endpoints, std::string_view model);

/// The base model of `model` when it is a LoRA adapter: from its ModelRoute, else from what the
/// pool's endpoints report; empty for a base model.
std::string_view adapter_base(const RoutingTable& table, const WorkerRouter& router,
                              std::uint32_t pool, std::string_view model);

/// OpenAI's 404 body for a model nobody serves.
std::string unknown_model_body(std::string_view model);

/// "host:port" of an endpoint of `route`.
std::string_view endpoint_address(const PoolRoute& route, std::uint32_t endpoint);

}  // namespace sluice::routing
