// Small pure helpers of the proxy pipeline: which request headers go upstream, the routing
// control headers, rewriting the model name inside a body, and the error bodies it sends.
#pragma once

#include "gateway/routing_table.h"
#include "gateway/worker_router.h"
#include "net/http_types.h"

#include <span>
#include <string>
#include <string_view>

namespace sluice::gateway {

/// The client's headers minus hop-by-hop ones, those the client library sets itself, and the
/// gateway's own control headers (`x-llm-d-*`, `x-gateway-*`), which the reference EPP strips too;
/// formatted as header lines ("Name: value\r\n" each, in the request's order) for
/// net::ClientRequest::header_lines. The server's parser already rejected line breaks in them.
std::string forwarded_headers(const net::Request& request);

/// `x-llm-d-inference-objective` (or the deprecated `x-gateway-inference-objective`); empty if
/// absent.
std::string_view objective_header(const net::Request& request);
/// `x-llm-d-model-name-rewrite` (or `x-gateway-model-name-rewrite`): an explicit upstream model.
std::string_view rewrite_header(const net::Request& request);
/// `x-session-id` (or `x-session-token`): the session-affinity key.
std::string_view session_header(const net::Request& request);

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

}  // namespace sluice::gateway
