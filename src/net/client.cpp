#include "net/client.h"

#include "net/asio.h"
#include "net/client_pool.h"
#include "net/url.h"

#include <boost/system/system_error.hpp>

#include <limits>
#include <optional>
#include <vector>

namespace sluice::net {
namespace {

namespace beast = boost::beast;
using asio::ip::tcp;
using boost::system::error_code;
using detail::ClientConnection;
using detail::ClientState;
using OnData = std::function<bool(std::string_view)>;
using OnHead = std::function<void(int, const http::fields&)>;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kStreamReadBytes = 16 * 1024;

Error transport_error(const error_code& ec, TimePoint deadline, std::string_view step,
                      const HttpUrl& url) {
  std::string where = std::string(step) + " " + url.host_header;
  if (ec == beast::error::timeout || SteadyClock::now() >= deadline) {
    return make_error(ErrorCode::kTimeout, where + ": deadline exceeded");
  }
  if (ec == asio::error::operation_aborted)
    return make_error(ErrorCode::kCancelled, where + ": cancelled");
  return make_error(ErrorCode::kIo, where + ": " + ec.message());
}

// What a server that closed an idle keep-alive connection looks like to the next request on it.
bool is_stale_connection_error(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::ssl::error::stream_truncated;
}

/// The whole-exchange deadline and the per-phase limits of ClientRequest (zero = none).
struct Deadlines {
  TimePoint whole;
  Duration first_byte{0};
  Duration idle{0};
  TimePoint within(Duration limit) const {
    return limit > Duration::zero() ? std::min(whole, SteadyClock::now() + limit) : whole;
  }
};

struct Attempt {
  Result<ClientResponse> result = make_error(ErrorCode::kInternal, "request not attempted");
  bool reusable = false;  // the response was complete and keep-alive: the connection may be pooled
  bool retry = false;     // failed before any response byte: safe to try again on a new connection
};

// Awaited directly by perform(), which owns every referenced object for the duration.
template <typename Stream>
asio::awaitable<Attempt> exchange_on(Stream& stream, ClientConnection& connection,
                                     const Request& message, const HttpUrl& url,
                                     const OnData* on_data, const OnHead* on_head,
                                     Deadlines deadlines, std::size_t max_body) {
  Attempt attempt;
  auto& buffer = connection.buffer();
  const TimePoint deadline = deadlines.whole;
  connection.tcp().expires_at(deadlines.within(deadlines.first_byte));
  {
    auto [ec, n] = co_await http::async_write(stream, message, kUseTuple);
    if (ec) {
      attempt.retry = is_stale_connection_error(ec);
      attempt.result = transport_error(ec, deadline, "sending request to", url);
      co_return attempt;
    }
  }

  if (on_data == nullptr) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(max_body);
    if (message.method() == http::verb::head) parser.skip(true);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, kUseTuple);
    if (ec) {
      attempt.retry = !parser.got_some() && is_stale_connection_error(ec);
      attempt.result =
          ec == http::error::body_limit
              ? make_error(ErrorCode::kTooLarge, "response from " + url.host_header + " exceeds " +
                                                     std::to_string(max_body) + " bytes")
              : transport_error(ec, deadline, "reading response from", url);
      co_return attempt;
    }
    attempt.reusable = parser.keep_alive() && buffer.size() == 0;
    auto response_message = parser.release();
    ClientResponse response;
    response.status = static_cast<int>(response_message.result_int());
    response.body = std::move(response_message.body());
    response.headers = std::move(static_cast<http::fields&>(response_message));
    attempt.result = std::move(response);
    co_return attempt;
  }

  http::response_parser<http::buffer_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  if (message.method() == http::verb::head) parser.skip(true);
  {
    auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, kUseTuple);
    if (ec) {
      attempt.retry = !parser.got_some() && is_stale_connection_error(ec);
      attempt.result = transport_error(ec, deadline, "reading response from", url);
      co_return attempt;
    }
  }
  ClientResponse response;
  response.status = static_cast<int>(parser.get().result_int());
  response.headers = static_cast<const http::fields&>(parser.get());
  if (on_head != nullptr && *on_head) {
    (*on_head)(response.status, response.headers);
  }
  char chunk[kStreamReadBytes];
  while (!parser.is_done()) {
    connection.tcp().expires_at(deadlines.within(deadlines.idle));
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, kUseTuple);
    if (ec && ec != http::error::need_buffer) {
      attempt.result = transport_error(ec, deadline, "reading response body from", url);
      co_return attempt;
    }
    const std::size_t got = sizeof chunk - parser.get().body().size;
    if (got > 0 && !(*on_data)(std::string_view(chunk, got))) {
      attempt.result = make_error(ErrorCode::kCancelled,
                                  "response from " + url.host_header + " aborted by the caller");
      co_return attempt;
    }
  }
  attempt.reusable = parser.keep_alive() && buffer.size() == 0;
  attempt.result = std::move(response);
  co_return attempt;
}

asio::awaitable<Result<std::unique_ptr<ClientConnection>>> connect(
    std::shared_ptr<ClientState> state, HttpUrl url, TimePoint deadline, bool verify_tls) {
  using namespace asio::experimental::awaitable_operators;
  std::vector<tcp::endpoint> endpoints;
  error_code ec;
  const auto address = asio::ip::make_address(url.host, ec);
  const bool address_literal = !ec;
  if (address_literal) {
    endpoints.emplace_back(address, url.port);
  } else {
    tcp::resolver resolver(state->executor());
    asio::steady_timer timer(state->executor(), deadline);
    auto outcome =
        co_await (resolver.async_resolve(url.host, std::to_string(url.port), kUseTuple) ||
                  timer.async_wait(kUseTuple));
    if (outcome.index() == 1) {
      co_return make_error(ErrorCode::kTimeout, "resolving " + url.host + ": deadline exceeded");
    }
    auto [resolve_ec, results] = std::get<0>(std::move(outcome));
    if (resolve_ec) co_return transport_error(resolve_ec, deadline, "resolving", url);
    for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  }

  auto connection = std::make_unique<ClientConnection>(state->executor(), url.pool_key(),
                                                       url.tls ? &state->tls_context() : nullptr);
  auto& stream = connection->tcp();
  stream.expires_at(deadline);
  {
    auto [connect_ec, endpoint] = co_await stream.async_connect(endpoints, kUseTuple);
    if (connect_ec) co_return transport_error(connect_ec, deadline, "connecting to", url);
  }
  state->count_connect();
  stream.socket().set_option(tcp::no_delay(true), ec);
  if (url.tls) {
    auto& tls = connection->tls();
    // SNI carries names only, never address literals (RFC 6066 section 3).
    // SSL_set_tlsext_host_name is a macro with a C cast; this is its expansion.
    if (!address_literal &&
        SSL_ctrl(tls.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(url.host.c_str())) != 1) {
      co_return make_error(ErrorCode::kIo, "cannot set TLS server name " + url.host);
    }
    if (verify_tls) {
      tls.set_verify_mode(asio::ssl::verify_peer);
      tls.set_verify_callback(asio::ssl::host_name_verification(url.host));
    } else {
      tls.set_verify_mode(asio::ssl::verify_none);
    }
    auto [handshake_ec] = co_await tls.async_handshake(asio::ssl::stream_base::client, kUseTuple);
    if (handshake_ec) co_return transport_error(handshake_ec, deadline, "TLS handshake with", url);
  }
  co_return std::move(connection);
}

asio::awaitable<Result<ClientResponse>> perform(std::shared_ptr<ClientState> state,
                                                ClientRequest request, OnData on_data) {
  auto url = parse_http_url(request.url);
  if (!url) co_return std::move(url).error();
  const TimePoint deadline = SteadyClock::now() + request.timeout;
  const Deadlines deadlines{deadline, request.first_byte_timeout, request.idle_timeout};

  Request message{request.method, url->target, 11};
  message.set(http::field::host, url->host_header);
  message.set(http::field::user_agent, "sluice");
  for (auto& [name, value] : request.headers) {
    if (beast::iequals(name, "host")) {
      message.set(http::field::host, value);
    } else {
      message.insert(name, value);
    }
  }
  message.body() = std::move(request.body);
  message.prepare_payload();
  const std::string key = url->pool_key();
  const OnData* data_callback = on_data ? &on_data : nullptr;

  std::optional<Error> cancelled;
  try {
    for (int attempt_number = 0;; ++attempt_number) {
      auto connection = state->take(key);
      const bool reused = connection != nullptr;
      if (!connection) {
        auto connected = co_await connect(state, *url, deadlines.within(request.connect_timeout),
                                          request.verify_tls);
        if (!connected) co_return std::move(connected).error();
        connection = std::move(connected).value();
      }
      Attempt attempt;
      if (connection->is_tls()) {
        attempt =
            co_await exchange_on(connection->tls(), *connection, message, *url, data_callback,
                                 &request.on_response_head, deadlines, request.max_response_bytes);
      } else {
        attempt =
            co_await exchange_on(connection->plain(), *connection, message, *url, data_callback,
                                 &request.on_response_head, deadlines, request.max_response_bytes);
      }
      if (attempt.result.ok()) {
        if (attempt.reusable) state->give_back(std::move(connection));
        co_return std::move(attempt.result);
      }
      // The server may have closed a pooled connection just as we reused it: one retry on a new
      // one.
      if (reused && attempt.retry && attempt_number == 0 && SteadyClock::now() < deadline) continue;
      co_return std::move(attempt.result);
    }
  } catch (const boost::system::system_error& e) {
    // The awaiting coroutine was cancelled: Asio throws at the next co_await.
    cancelled = make_error(ErrorCode::kCancelled,
                           "request to " + url->host_header + " cancelled: " + e.what());
  }
  co_return std::move(*cancelled);
}

}  // namespace

HttpClient::HttpClient(asio::any_io_executor executor, std::size_t max_idle_per_host)
    : state_(std::make_shared<ClientState>(std::move(executor), max_idle_per_host)) {}

HttpClient::~HttpClient() = default;

asio::awaitable<Result<ClientResponse>> HttpClient::request(ClientRequest request) {
  return perform(state_, std::move(request), nullptr);
}

asio::awaitable<Result<ClientResponse>> HttpClient::stream(
    ClientRequest request, std::function<bool(std::string_view)> on_data) {
  return perform(state_, std::move(request), std::move(on_data));
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
