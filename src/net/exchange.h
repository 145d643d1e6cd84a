// One HTTP request and its response, as seen by a handler. See server.h for how handlers are run.
#pragma once

#include "net/asio.h"
#include "net/http_types.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace sluice::net {

namespace detail {
class Connection;
}

/// Owned by the connection coroutine; valid until the handler's awaitable completes. Every method
/// must be called on the connection's executor (the worker thread that runs the handler).
///
/// A handler either calls respond() once, or begin_stream(), any number of write_chunk() and then
/// end_stream(). The awaitables return false when the client is gone (a write failed or timed out,
/// or the connection was closed); the handler should then stop producing output.
class Exchange {
 public:
  /// Created by the server for each request read from `connection`.
  Exchange(detail::Connection& connection, Request request);
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  const Request& request() const { return request_; }
  /// Mutable so that handlers can move the body out instead of copying it.
  Request& request() { return request_; }
  /// The request target without the query string ("/v1/chat/completions").
  std::string_view path() const;
  /// The connection's executor (its worker's io_context).
  asio::any_io_executor executor() const;
  std::size_t worker_index() const;
  /// Unique per server process, for logs and tests (e.g. proving that a connection was reused).
  std::uint64_t connection_id() const;

  /// Sends a complete response: sets the HTTP version, Content-Length, and keep-alive as the
  /// request asked (forced off while the server drains). false if the client is gone or a response
  /// was sent.
  asio::awaitable<bool> respond(Response response);
  /// The same for a body the caller holds (viewed: it must stay valid until the awaitable
  /// completes), formatted without Beast's message types; an empty content_type sends none.
  asio::awaitable<bool> respond(http::status status, std::string_view content_type,
                                std::string_view body, const HeaderList& extra_headers = {});

  /// Starts a chunked response (Transfer-Encoding: chunked); pass "text/event-stream" for SSE.
  /// For an HTTP/1.0 client the body is sent raw and the connection closes after end_stream().
  /// A non-empty `first_chunk` goes out in the same write as the head (one syscall instead of
  /// two when the first bytes are already at hand); `last` also ends the stream in that write.
  asio::awaitable<bool> begin_stream(http::status status, std::string_view content_type,
                                     const HeaderList& extra_headers = {},
                                     std::string_view first_chunk = {}, bool last = false);
  /// Writes one HTTP chunk at once (no buffering, so tokens reach the client immediately). Empty
  /// data writes nothing (an empty chunk would end the stream) and returns !client_gone(). `data`
  /// must stay valid until the returned awaitable completes (await it in the same expression).
  asio::awaitable<bool> write_chunk(std::string_view data);
  /// Writes the last-chunk. The connection stays keep-alive if the request allowed it.
  /// A non-empty `last_data` is written as a final chunk in the same write.
  asio::awaitable<bool> end_stream(std::string_view last_data = {});

  /// True once a write failed, the peer closed (see on_client_gone), or the connection was dropped.
  bool client_gone() const;
  /// Registers `callback`, called once on the connection's executor if the peer disconnects while
  /// the handler is still running. Detection waits for readability on the socket and peeks:
  /// end-of-stream or a reset is a disconnect; pipelined bytes are not (and end the watch). If the
  /// client is already gone the callback runs at once, inside this call. A failed write does not
  /// call it (the writer learns from the write). The callback is dropped when the handler's
  /// awaitable completes. Replaces a previously registered callback; null unregisters it.
  void on_client_gone(std::function<void()> callback);
  /// Failure injection: drops the TCP connection now with a reset. Later writes return false.
  void close_connection_abruptly();

  // --- Used by the server after the handler returns. ---
  /// True if respond() was called, or a stream was begun.
  bool response_started() const { return phase_ != Phase::kPending; }
  /// True if the response is complete on the wire (respond() or end_stream() succeeded).
  bool response_complete() const { return complete_; }
  /// Whether the sent response announced keep-alive.
  bool keep_alive() const { return keep_alive_; }

 private:
  enum class Phase { kPending, kResponded, kStreaming, kStreamEnded };

  detail::Connection& connection_;
  Request request_;
  Phase phase_ = Phase::kPending;
  bool keep_alive_ = false;
  bool chunked_ = true;
  bool complete_ = false;
};

}  // namespace sluice::net

namespace sluice::net {

/// Serves one request. Runs on the connection's worker thread; must respond or stream before its
/// awaitable completes. If it returns (or throws) without responding, the server sends 500; if it
/// leaves a stream unfinished, the connection is closed so the client sees a truncated response.
/// During a graceful shutdown's grace expiry the handler is cancelled through the coroutine's
/// cancellation slot (terminal): its pending operation fails with operation_aborted.
using Handler = std::function<asio::awaitable<void>(Exchange&)>;

}  // namespace sluice::net
