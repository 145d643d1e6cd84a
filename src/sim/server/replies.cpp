#include "sim/server/replies.h"

#include "openai/response.h"

namespace sluice::sim {

namespace asio = boost::asio;
namespace http = boost::beast::http;

asio::awaitable<bool> respond(net::Exchange& exchange, int status, std::string content_type,
                              std::string body) {
  net::Response response{static_cast<http::status>(status), exchange.request().version()};
  response.set(http::field::content_type, content_type);
  response.body() = std::move(body);
  co_return co_await exchange.respond(std::move(response));
}

asio::awaitable<bool> respond_json(net::Exchange& exchange, int status, std::string body) {
  co_return co_await respond(exchange, status, "application/json", std::move(body));
}

asio::awaitable<bool> respond_error(net::Exchange& exchange, Error error) {
  co_return co_await respond_json(exchange, http_status(error.code), openai::error_body(error));
}

}  // namespace sluice::sim
