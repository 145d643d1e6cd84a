#include "gateway/relay.h"

#include "openai/error_body.h"

#include <charconv>
#include <optional>

namespace sluice::gateway {
namespace {

namespace http = boost::beast::http;

/// Answers up to this size with a Content-Length, that are not event streams, are collected and
/// sent whole, head and body in one write, like a buffering proxy: they are complete within one
/// upstream read or a few anyway.
constexpr std::uint64_t kWholeBodyBytes = 256 * 1024;

std::optional<std::uint64_t> content_length(const http::fields& headers) {
  const std::string_view text = headers[http::field::content_length];
  std::uint64_t bytes = 0;
  const auto parsed = std::from_chars(text.data(), text.data() + text.size(), bytes);
  if (text.empty() || parsed.ec != std::errc{} || parsed.ptr != text.data() + text.size()) {
    return std::nullopt;
  }
  return bytes;
}

/// Unregisters the disconnect callback (which refers to the relay's frame) however relay() ends.
class DisconnectWatch {
 public:
  DisconnectWatch(net::Exchange& exchange, net::ClientCall& call, bool& gone)
      : exchange_(exchange) {
    exchange_.on_client_gone([&call, &gone] {
      gone = true;
      call.abort();
    });
  }
  ~DisconnectWatch() { exchange_.on_client_gone(nullptr); }
  DisconnectWatch(const DisconnectWatch&) = delete;
  DisconnectWatch& operator=(const DisconnectWatch&) = delete;

 private:
  net::Exchange& exchange_;
};

/// Reads the rest of a 5xx body the caller may answer with if no retry succeeds.
asio::awaitable<void> hold(net::ClientCall& call, RelayResult& result, std::size_t max_bytes) {
  for (;;) {
    auto piece = co_await call.read();
    if (!piece || piece->empty()) co_return;
    const std::size_t room = max_bytes - std::min(max_bytes, result.held_body.size());
    result.held_body.append(piece->substr(0, room));
  }
}

/// Collects a small answer and sends it as one response. An upstream failure before its end
/// leaves nothing sent, so the caller may retry. An answer that arrives in one piece (the usual
/// case) is sent from the read buffer without a copy.
asio::awaitable<void> relay_whole(net::ClientCall& call, net::Exchange& exchange,
                                  const RelayLimits& limits, std::uint64_t length,
                                  RelayResult& result) {
  // A view into the response head, which the call keeps until it is destroyed.
  const std::string_view content_type = call.headers()[http::field::content_type];
  std::string collected;
  std::string_view body;
  for (;;) {
    auto piece = co_await call.read();
    if (!piece) {
      result.upstream_error = std::move(piece).error();
      co_return;
    }
    if (piece->empty()) break;
    if (collected.empty() && call.done()) {
      body = *piece;  // valid until the next read(), and there is none
      break;
    }
    if (collected.empty()) collected.reserve(length);
    collected.append(*piece);
    body = collected;
  }
  if (limits.on_body) limits.on_body(body);
  result.bytes = body.size();
  result.relayed = true;
  if (!co_await exchange.respond(static_cast<http::status>(result.status), content_type, body)) {
    result.client_gone = true;
  }
}

/// Streams the body chunked, piece by piece. Writes are merged where the bytes are at hand
/// anyway: the head waits for the first piece if it came with it, and the piece that completes the
/// body carries the end of the stream.
asio::awaitable<void> relay_stream(net::ClientCall& call, net::Exchange& exchange,
                                   const RelayLimits& limits, RelayResult& result) {
  // A view into the response head, which the call keeps until it is destroyed.
  const std::string_view content_type = call.headers()[http::field::content_type];
  const bool event_stream = content_type.starts_with("text/event-stream");
  Result<std::string_view> piece = std::string_view();
  if (call.body_buffered()) {
    piece = co_await call.read();
    if (!piece.ok()) {
      // Nothing was sent yet: the caller may still retry elsewhere.
      result.upstream_error = std::move(piece).error();
      co_return;
    }
  }
  const std::string_view first = *piece;
  if (limits.on_body && !first.empty()) limits.on_body(first);
  result.bytes += first.size();
  result.relayed = true;
  bool open = co_await exchange.begin_stream(static_cast<http::status>(result.status), content_type,
                                             {}, first, call.done());
  if (open && call.done()) co_return;
  while (open) {
    piece = co_await call.read();
    if (!piece.ok() || piece->empty()) break;
    if (limits.on_body) limits.on_body(*piece);
    result.bytes += piece->size();
    if (call.done()) {
      if (!co_await exchange.end_stream(*piece)) result.client_gone = true;
      co_return;
    }
    open = co_await exchange.write_chunk(*piece);
  }
  if (!open) {
    result.client_gone = true;
    call.abort();
    co_return;
  }
  if (!piece.ok()) {
    result.upstream_error = std::move(piece).error();
    if (result.client_gone) co_return;
    if (event_stream) {
      std::string tail;
      openai::append_error_event(
          tail, 502, "the model server failed mid-stream: " + result.upstream_error->message);
      tail += "data: [DONE]\n\n";
      co_await exchange.end_stream(tail);
    }
    // Other bodies stay unfinished: the server closes the connection, the client sees truncation.
    co_return;
  }
  if (!co_await exchange.end_stream()) result.client_gone = true;
}

}  // namespace

asio::awaitable<RelayResult> relay(net::HttpClient& client, net::Exchange& exchange,
                                   net::ClientRequest request, RelayLimits limits) {
  RelayResult result;
  net::ClientCall call = client.call(std::move(request));
  const DisconnectWatch watch(exchange, call, result.client_gone);
  if (Status started = co_await call.start(); !started) {
    result.upstream_error = std::move(started).error();
    co_return result;
  }
  result.status = call.status();
  if (limits.hold_server_errors && result.status >= 500) {
    result.held_content_type = std::string(call.headers()[http::field::content_type]);
    co_await hold(call, result, limits.max_held_bytes);
    co_return result;
  }
  const std::optional<std::uint64_t> length = content_length(call.headers());
  const bool event_stream =
      call.headers()[http::field::content_type].starts_with("text/event-stream");
  if (length && *length <= kWholeBodyBytes && !event_stream) {
    co_await relay_whole(call, exchange, limits, *length, result);
  } else {
    co_await relay_stream(call, exchange, limits, result);
  }
  co_return result;
}

}  // namespace sluice::gateway
