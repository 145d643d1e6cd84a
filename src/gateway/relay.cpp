#include "gateway/relay.h"

#include "openai/error_body.h"

#include <boost/asio/experimental/awaitable_operators.hpp>

#include <charconv>
#include <memory>

namespace sluice::gateway {
namespace {

namespace http = boost::beast::http;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint64_t kWholeBodyBytes = 256 * 1024;

/// Shared by the upstream callbacks and the two coroutines, all on one executor: no locks. The
/// writer sleeps on `wake`; every producer event cancels it.
struct RelayState {
  explicit RelayState(const asio::any_io_executor& executor) : wake(executor), gone(executor) {}
  asio::steady_timer wake;
  asio::steady_timer gone;
  RelayLimits limits;
  bool head = false;
  int status = 0;
  std::string content_type;
  /// A small answer of known length (not SSE): collected and sent as one response, head and body
  /// in a single write with its Content-Length, like a buffering proxy; it is complete within
  /// one upstream read or a few anyway, and a failure before its end can still be retried.
  bool whole = false;
  std::string pending;
  bool upstream_done = false;
  bool begun = false;
  bool client_gone = false;
  bool too_slow = false;
  std::optional<Error> error;
  std::uint64_t bytes = 0;

  bool holding() const { return limits.hold_server_errors && status >= 500; }
};

asio::awaitable<void> wait_until_client_gone(std::shared_ptr<RelayState> state) {
  state->gone.expires_at(asio::steady_timer::time_point::max());
  co_await state->gone.async_wait(kUseTuple);
}

asio::awaitable<void> run_upstream(std::shared_ptr<RelayState> state, net::HttpClient* client,
                                   net::ClientRequest request) {
  using namespace asio::experimental::awaitable_operators;
  request.on_response_head = [state](int status, const http::fields& headers) {
    state->head = true;
    state->status = status;
    state->content_type = std::string(headers[http::field::content_type]);
    const std::string_view length = headers[http::field::content_length];
    std::uint64_t bytes = 0;
    const auto parsed = std::from_chars(length.data(), length.data() + length.size(), bytes);
    state->whole = !length.empty() && parsed.ec == std::errc{} &&
                   parsed.ptr == length.data() + length.size() && bytes <= kWholeBodyBytes &&
                   state->content_type.rfind("text/event-stream", 0) != 0;
    state->wake.cancel();
  };
  auto on_data = [state](std::string_view bytes) {
    if (state->client_gone) {
      return false;
    }
    if (state->pending.size() + bytes.size() > state->limits.max_pending_bytes) {
      // A held 5xx body is cut (it is only relayed if every retry fails); a relayed one means the
      // client reads too slowly.
      state->too_slow = !state->holding();
      return false;
    }
    if (!state->holding() && state->limits.on_body) {
      state->limits.on_body(bytes);
    }
    state->pending.append(bytes);
    state->bytes += bytes.size();
    state->wake.cancel();
    return true;
  };
  auto outcome =
      co_await (client->stream(std::move(request), on_data) || wait_until_client_gone(state));
  if (outcome.index() == 0) {
    auto response = std::get<0>(std::move(outcome));
    if (!response.ok()) {
      state->error = response.error();
    }
  } else {
    state->error = make_error(ErrorCode::kCancelled, "the client went away");
  }
  state->upstream_done = true;
  state->wake.cancel();
}

asio::awaitable<void> run_writer(std::shared_ptr<RelayState> state, net::Exchange* exchange) {
  while (!state->client_gone) {
    if (state->head && !state->begun && !state->holding() && !state->whole) {
      state->begun = true;
      if (!co_await exchange->begin_stream(static_cast<http::status>(state->status),
                                           state->content_type)) {
        state->client_gone = true;
      }
      continue;
    }
    if (state->begun && !state->pending.empty()) {
      std::string data = std::move(state->pending);
      state->pending.clear();
      if (!co_await exchange->write_chunk(std::move(data))) {
        state->client_gone = true;
      }
      continue;
    }
    if (state->upstream_done) {
      break;
    }
    state->wake.expires_at(asio::steady_timer::time_point::max());
    co_await state->wake.async_wait(kUseTuple);
  }
  state->gone.cancel();  // ends the upstream call if the client left first
}

}  // namespace

asio::awaitable<RelayResult> relay(net::HttpClient& client, net::Exchange& exchange,
                                   net::ClientRequest request, RelayLimits limits) {
  using namespace asio::experimental::awaitable_operators;
  auto state = std::make_shared<RelayState>(exchange.executor());
  state->limits = limits;
  exchange.on_client_gone([state] {
    state->client_gone = true;
    state->gone.cancel();
    state->wake.cancel();
  });
  co_await (run_upstream(state, &client, std::move(request)) && run_writer(state, &exchange));

  RelayResult result;
  result.status = state->status;
  result.relayed = state->begun;
  result.upstream_error = state->error;
  result.client_gone = state->client_gone;
  result.client_too_slow = state->too_slow;
  result.bytes = state->bytes;
  if (state->too_slow) {
    exchange.close_connection_abruptly();
    co_return result;
  }
  if (state->whole && !state->begun && !state->client_gone && !state->holding()) {
    if (state->error) {
      result.relayed = false;  // nothing reached the client: the caller may retry
      co_return result;
    }
    net::Response response{static_cast<http::status>(state->status), 11};
    response.set(http::field::content_type, state->content_type);
    response.body() = std::move(state->pending);
    result.relayed = true;
    result.client_gone = !co_await exchange.respond(std::move(response));
    co_return result;
  }
  if (!state->begun) {
    if (state->holding()) {
      result.held_body = std::move(state->pending);
      result.held_content_type = std::move(state->content_type);
    }
    co_return result;
  }
  if (state->client_gone) {
    co_return result;
  }
  if (state->error) {
    if (state->content_type.rfind("text/event-stream", 0) == 0) {
      std::string tail;
      openai::append_error_event(tail, 502,
                                 "the model server failed mid-stream: " + state->error->message);
      tail += "data: [DONE]\n\n";
      if (co_await exchange.write_chunk(std::move(tail))) {
        co_await exchange.end_stream();
      }
    }
    // Other bodies stay unfinished: the server closes the connection, the client sees truncation.
    co_return result;
  }
  co_await exchange.end_stream();
  co_return result;
}

}  // namespace sluice::gateway
