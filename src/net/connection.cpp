#include "net/connection.h"

#include "core/log.h"
#include "net/asio.h"
#include "net/error_body.h"
#include "net/write_now.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <limits>
#include <string_view>
#include <utility>

namespace sluice::net::detail {
namespace {

namespace beast = boost::beast;
using boost::system::error_code;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

// The first read of a request; small requests (most API calls) arrive in one go.
constexpr std::size_t kFirstReadBytes = 4096;
// Extra capacity reserved behind request bodies so that simdjson can parse them without a copy.
constexpr std::size_t kBodyPadding = 64;
// After an error response we half-close and drain for a while, so that unread request bytes do not
// make the kernel reset the connection before the client has read our response.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerMaxBytes = 1 << 20;
constexpr std::size_t kLingerReadBytes = 16 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

bool is_http_error(const error_code& ec) {
  return ec.category() == make_error_code(http::error::bad_method).category();
}

bool expects_continue(const Request& request) {
  auto it = request.find(http::field::expect);
  return it != request.end() && beast::iequals(it->value(), "100-continue");
}

}  // namespace

Connection::Connection(std::shared_ptr<ServerState> state, std::size_t worker, std::uint64_t id,
                       asio::ip::tcp::socket socket)
    : state_(std::move(state)), worker_(worker), id_(id), stream_(std::move(socket)) {}

Connection::~Connection() { state_->detach(*this); }

asio::awaitable<void> Connection::run(std::shared_ptr<Connection> self) {
  try {
    co_await self->serve();
  } catch (const std::exception& e) {
    // Cancellation during shutdown lands here too; either way the session is over.
    log::debug("net: connection {} ended: {}", self->id_, e.what());
  }
  self->finish();
}

asio::awaitable<void> Connection::serve() {
  const ServerLimits& limits = state_->limits();
  const auto header_limit = static_cast<std::uint32_t>(
      std::min<std::size_t>(limits.max_header_bytes, std::numeric_limits<std::uint32_t>::max()));
  for (;;) {
    if (buffer_.size() == 0) {
      if (state_->draining()) co_return;
      // Idle: wait for the first byte of the next request under the idle timeout, so that the read
      // timeout below measures only how long the request itself takes to arrive.
      idle_ = true;
      stream_.expires_after(limits.idle_timeout);
      auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(kFirstReadBytes), kUseTuple);
      idle_ = false;
      if (ec)
        co_return;  // end of stream, idle timeout, reset, or shutdown closing idle connections
      buffer_.commit(n);
    }

    http::request_parser<http::string_body> parser;
    parser.header_limit(header_limit);
    parser.body_limit(limits.max_body_bytes);
    stream_.expires_after(limits.read_timeout);
    {
      auto [ec, n] = co_await http::async_read_header(stream_, buffer_, parser, kUseTuple);
      if (ec) {
        co_await reject(ec);
        co_return;
      }
    }
    if (!parser.is_done()) {
      if (buffer_.size() == 0 && expects_continue(parser.get())) {
        auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(kContinue), kUseTuple);
        if (ec) co_return;
      }
      if (auto length = parser.content_length(); length && *length > 0) {
        parser.get().body().reserve(static_cast<std::size_t>(*length) + kBodyPadding);
      }
      auto [ec, n] = co_await http::async_read(stream_, buffer_, parser, kUseTuple);
      if (ec) {
        co_await reject(ec);
        co_return;
      }
    }
    stream_.expires_never();

    Exchange exchange(*this, parser.release());
    if (!co_await run_handler(exchange)) co_return;
  }
}

asio::awaitable<bool> Connection::run_handler(Exchange& exchange) {
  bool threw = false;
  in_handler_ = true;
  try {
    co_await state_->handler()(exchange);
  } catch (const std::exception& e) {
    threw = true;
    log::debug("net: connection {} handler for {} failed: {}", id_, exchange.request().target(),
               e.what());
  }
  in_handler_ = false;
  stop_watch();
  if (aborted_ || !writable()) co_return false;
  if (!exchange.response_started()) {
    Response response = error_response(
        http::status::internal_server_error,
        threw ? "internal error while handling the request" : "the handler produced no response");
    if (!co_await exchange.respond(std::move(response))) co_return false;
  }
  co_return exchange.response_complete() && exchange.keep_alive() && !state_->draining();
}

asio::awaitable<void> Connection::reject(error_code ec) {
  const ServerLimits& limits = state_->limits();
  Response response;
  if (ec == http::error::header_limit) {
    response = error_response(
        http::status::request_header_fields_too_large,
        "request header exceeds " + std::to_string(limits.max_header_bytes) + " bytes",
        "request_header_too_large");
  } else if (ec == http::error::body_limit) {
    response =
        error_response(http::status::payload_too_large,
                       "request body exceeds " + std::to_string(limits.max_body_bytes) + " bytes",
                       "request_too_large");
  } else if (is_http_error(ec) && ec != http::error::end_of_stream &&
             ec != http::error::partial_message) {
    response = error_response(http::status::bad_request, "malformed HTTP request: " + ec.message(),
                              "invalid_http_request");
  } else {
    co_return;  // the peer closed, timed out or reset: nobody to answer
  }
  response.keep_alive(false);
  stream_.expires_after(limits.write_timeout);
  auto [wec, n] = co_await http::async_write(stream_, response, kUseTuple);
  if (wec) co_return;
  co_await linger();
}

asio::awaitable<void> Connection::linger() {
  error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (ec) co_return;
  stream_.expires_after(kLingerTime);
  std::size_t discarded = 0;
  while (discarded < kLingerMaxBytes) {
    // prepare() without commit(): the bytes are read and dropped.
    auto [rec, n] = co_await stream_.async_read_some(buffer_.prepare(kLingerReadBytes), kUseTuple);
    if (rec) break;
    discarded += n;
  }
}

void Connection::finish() {
  stop_watch();
  if (!closed_) {
    error_code ec;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    close_socket();
  }
  state_->detach(*this);
  state_->connection_finished(worker_);
}

void Connection::close_if_idle() {
  if (!idle_) return;
  error_code ec;
  stream_.socket().cancel(ec);
}

void Connection::abort() {
  aborted_ = true;
  cancel_.emit(asio::cancellation_type::terminal);
  close_socket();
}

void Connection::close_socket() {
  if (closed_) return;
  closed_ = true;
  stream_.close();
}

void Connection::drop() {
  if (closed_) return;
  error_code ec;
  // Linger with timeout 0: close() sends a reset instead of a FIN.
  stream_.socket().set_option(asio::socket_base::linger(true, 0), ec);
  close_socket();
  gone_ = true;
  gone_callback_ = nullptr;  // we closed it ourselves; that is not the client going away
}

asio::awaitable<bool> Connection::write_response(Response& response) {
  if (!writable()) co_return false;
  stream_.expires_after(state_->limits().write_timeout);
  auto [ec, n] = co_await http::async_write(stream_, response, kUseTuple);
  if (ec) {
    write_failed();
    co_return false;
  }
  co_return true;
}

asio::awaitable<bool> Connection::write_buffers(std::array<asio::const_buffer, 3> buffers) {
  if (!writable()) co_return false;
  const error_code ec = co_await write_now_or_async(
      stream_, buffers, SteadyClock::now() + state_->limits().write_timeout);
  if (ec) {
    write_failed();
    co_return false;
  }
  co_return true;
}

void Connection::write_failed() {
  // The writer learns it from the write's result; the disconnect callback is for handlers that
  // are waiting for something else. Dropped here so it cannot outlive what it refers to.
  gone_ = true;
  gone_callback_ = nullptr;
}

void Connection::watch_for_disconnect(std::function<void()> callback) {
  if (gone_) {
    if (callback) callback();
    return;
  }
  gone_callback_ = std::move(callback);
  if (!gone_callback_ || watching_ || closed_) return;
  watching_ = true;
  const std::uint64_t generation = ++watch_generation_;
  // A one-byte MSG_PEEK receive rather than a readiness wait: Asio arms a wait with an epoll_ctl
  // every time, while a receive on a socket it already knows to be drained is queued without any
  // system call. It completes on end-of-stream or a reset (the client left) or on pipelined bytes,
  // which it leaves in the socket for the next request.
  stream_.socket().async_receive(
      asio::buffer(&peek_byte_, 1), asio::socket_base::message_peek,
      [self = shared_from_this(), generation](const error_code& ec, std::size_t) {
        self->on_peeked(ec, generation);
      });
}

void Connection::on_peeked(const error_code& ec, std::uint64_t generation) {
  if (generation != watch_generation_ || !watching_) return;  // from an earlier request
  watching_ = false;
  // Cancelled by stop_watch(), or pipelined bytes: the client is still there, and we cannot see
  // past those bytes without reading them, so the watch ends; the next request will find out.
  if (ec == asio::error::operation_aborted || !ec) return;
  // End of stream (orderly shutdown by the peer) or a reset / socket error.
  if (closed_ || gone_) return;
  gone_ = true;
  if (auto callback = std::exchange(gone_callback_, nullptr); callback && in_handler_) callback();
}

void Connection::stop_watch() {
  gone_callback_ = nullptr;
  if (!watching_) return;
  watching_ = false;
  ++watch_generation_;
  if (!closed_) {
    error_code ec;
    stream_.socket().cancel(ec);  // only the readiness wait is pending while no handler runs
  }
}

}  // namespace sluice::net::detail
