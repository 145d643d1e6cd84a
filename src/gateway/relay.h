// Relays one upstream HTTP exchange to the downstream client as it arrives: the status and
// content type first, then the body piece by piece (SSE tokens reach the client as soon as the
// model server sends them). One coroutine pulls a piece from the upstream and writes it
// downstream before pulling the next, so nothing is buffered beyond one read: a client slower
// than the upstream slows the upstream down through TCP, and a client that stops reading is
// dropped by the server's write timeout.
#pragma once

#include "core/result.h"
#include "net/asio.h"
#include "net/client.h"
#include "net/exchange.h"

#include <cstddef>
#include <functional>
#include <string>

namespace sluice::gateway {

namespace asio = boost::asio;

struct RelayLimits {
  /// Do not relay a 5xx head: leave it to the caller to retry another endpoint.
  bool hold_server_errors = false;
  /// A held 5xx body is kept up to this size (the rest is dropped).
  std::size_t max_held_bytes = 64 * 1024;
  /// Sees every body byte that will be relayed (not a held 5xx body), as it arrives from the
  /// upstream: timing and usage accounting without a second copy.
  std::function<void(std::string_view)> on_body;
};

struct RelayResult {
  /// The upstream's status, 0 if no response head arrived (connect failure, timeout, ...).
  int status = 0;
  /// True once anything was sent downstream (then the request can no longer be retried).
  bool relayed = false;
  /// A held 5xx answer (hold_server_errors): its body, to send if no retry succeeds.
  std::string held_body;
  std::string held_content_type;
  /// Set when the upstream failed (transport error, timeout, cancelled).
  std::optional<Error> upstream_error;
  /// The client disconnected, or a write to it failed or timed out.
  bool client_gone = false;
  std::uint64_t bytes = 0;
};

/// Sends `request` with `client` and relays the answer to `exchange`. Cancels the upstream call
/// when the client disconnects. A small answer of known length that is not an event stream goes
/// out as one response with its Content-Length (and can still be retried if the upstream fails
/// before its end); anything else is streamed chunked. If the upstream fails after the stream
/// began, an SSE error event and [DONE] end an event stream (other bodies are cut, so the client
/// sees a truncated response). Runs on the exchange's executor, which must be the client's.
asio::awaitable<RelayResult> relay(net::HttpClient& client, net::Exchange& exchange,
                                   net::ClientRequest request, RelayLimits limits);

}  // namespace sluice::gateway
