#include "net/client.h"

#include "net/client_pool.h"

#include <algorithm>
#include <charconv>

namespace sluice::net {
namespace {

/// Runs `call` to the end: the body goes to on_data if given, else into the response (at most
/// max_body bytes).
asio::awaitable<Result<ClientResponse>> run_call(ClientCall call, std::string url,
                                                 std::size_t max_body,
                                                 std::function<bool(std::string_view)> on_data) {
  if (Status started = co_await call.start(); !started) co_return std::move(started).error();
  ClientResponse response;
  response.status = call.status();
  response.headers = call.headers();
  if (!on_data) {
    const std::string_view length = call.headers()[http::field::content_length];
    if (!length.empty()) {
      std::size_t bytes = 0;
      std::from_chars(length.data(), length.data() + length.size(), bytes);
      response.body.reserve(std::min(bytes, max_body));
    }
  }
  for (;;) {
    auto piece = co_await call.read();
    if (!piece) co_return std::move(piece).error();
    if (piece->empty()) break;
    if (on_data) {
      if (!on_data(*piece)) {
        call.abort();
        co_return make_error(ErrorCode::kCancelled,
                             "response from " + url + " aborted by the caller");
      }
    } else if (response.body.size() + piece->size() > max_body) {
      call.abort();
      co_return make_error(ErrorCode::kTooLarge, "response from " + url + " exceeds " +
                                                     std::to_string(max_body) + " bytes");
    } else {
      response.body.append(*piece);
    }
  }
  co_return response;
}

}  // namespace

HttpClient::HttpClient(asio::any_io_executor executor, std::size_t max_idle_per_host)
    : state_(std::make_shared<detail::ClientState>(std::move(executor), max_idle_per_host)) {}

HttpClient::~HttpClient() = default;

asio::awaitable<Result<ClientResponse>> HttpClient::request(ClientRequest request) {
  std::string url = request.url;
  const std::size_t max_body = request.max_response_bytes;
  return run_call(call(std::move(request)), std::move(url), max_body, nullptr);
}

asio::awaitable<Result<ClientResponse>> HttpClient::stream(
    ClientRequest request, std::function<bool(std::string_view)> on_data) {
  std::string url = request.url;
  return run_call(call(std::move(request)), std::move(url), 0, std::move(on_data));
}

Status HttpClient::add_ca_file(const std::string& path) {
  boost::system::error_code ec;
  state_->tls_context().load_verify_file(path, ec);
  if (ec) {
    return make_error(ErrorCode::kInvalidArgument,
                      "cannot load CA certificates from " + path + ": " + ec.message());
  }
  return {};
}

std::uint64_t HttpClient::connections_opened() const { return state_->connections_opened(); }

std::size_t HttpClient::idle_connections() const { return state_->idle_connections(); }

}  // namespace sluice::net
