// Small pure helpers of the HTTP proxy: which request headers go upstream and the routing control
// headers. The routing decision itself is transport-free, in routing/decision.h.
#pragma once

#include "net/http_types.h"

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

}  // namespace sluice::gateway
