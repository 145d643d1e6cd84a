// Small helpers to answer an HTTP exchange with a body, JSON, or an OpenAI-style error.
#pragma once

#include "core/result.h"
#include "net/exchange.h"

#include <string>

namespace sluice::sim {

/// Sends `body` with `status` and `content_type`; false if the client is gone.
boost::asio::awaitable<bool> respond(net::Exchange& exchange, int status, std::string content_type,
                                     std::string body);
boost::asio::awaitable<bool> respond_json(net::Exchange& exchange, int status, std::string body);
/// OpenAI-style error JSON with the status of `error.code` and `param` = `error.field`.
boost::asio::awaitable<bool> respond_error(net::Exchange& exchange, Error error);

}  // namespace sluice::sim
