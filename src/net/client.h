// HTTP/1.1 client for upstream calls (gateway -> model server, bench -> target), with a keep-alive
// connection pool. Coroutine-based; one HttpClient per executor (worker), never shared across
// threads.
#pragma once

#include "core/clock.h"
#include "core/result.h"
#include "net/asio.h"
#include "net/http_types.h"
#include "net/url.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace sluice::net {

struct ClientRequest {
  http::verb method = http::verb::get;
  /// http://host:port/path?query, or https:// (OpenSSL; the certificate is checked only if
  /// verify_tls).
  std::string url;
  /// Instead of `url`, for callers that send many requests to the same servers: the server's
  /// parsed URL (it must outlive the call; its target is ignored) and the request target
  /// ("/v1/chat/completions", viewed: it must outlive the call too). Saves parsing per request.
  const HttpUrl* origin = nullptr;
  std::string_view target;
  std::string body;
  /// Sent as given, after Host and User-Agent (a "Host" entry replaces the URL's). Names and
  /// values must not contain CR or LF (kInvalidArgument).
  HeaderList headers;
  /// More header lines, already formatted ("Name: value\r\n" each), sent after `headers`: a proxy
  /// forwarding what its own parser accepted builds them in one string instead of a list.
  std::string header_lines;
  /// Whole-exchange deadline: resolve, connect, TLS handshake, write and read (streamed body
  /// included).
  Duration timeout = std::chrono::seconds(30);
  /// Tighter deadlines for phases of the exchange (zero = only `timeout` applies): resolving,
  /// connecting and the TLS handshake; sending the request until the response head arrives
  /// (request(): the whole response); and each wait for more body bytes in stream().
  Duration connect_timeout{0};
  Duration first_byte_timeout{0};
  Duration idle_timeout{0};
  /// https: verify the certificate chain against the system CAs and the host name.
  bool verify_tls = false;
  /// request(): a larger response body fails with kTooLarge. stream() and ClientCall have no limit.
  std::size_t max_response_bytes = 64 * 1024 * 1024;
};

struct ClientResponse {
  int status = 0;
  http::fields headers;
  /// For stream(): empty (the data went to the callback).
  std::string body;
};

namespace detail {
class ClientState;
struct CallState;
}  // namespace detail

/// One request whose response body is pulled piece by piece: start() sends the request and reads
/// the response head; read() returns the body as it arrives. The caller paces the reads, so a
/// proxy that writes each piece downstream before reading the next gets TCP backpressure for free
/// and never holds more than one piece. Made by HttpClient::call(); movable, not copyable.
///
/// The connection goes back to the pool as soon as the body has been read to its end (keep-alive);
/// a call abandoned before that closes it. Errors as for HttpClient.
class ClientCall {
 public:
  ClientCall(ClientCall&&) noexcept;
  ClientCall& operator=(ClientCall&&) noexcept;
  ~ClientCall();

  /// Connects (or reuses a pooled connection), sends the request and reads the response head.
  asio::awaitable<Status> start();
  /// After start() succeeded: the status and header fields of the response.
  int status() const;
  const http::fields& headers() const;
  /// The next body bytes (chunked encoding removed), valid until the next read() or the call's
  /// end. An empty view once the body is complete.
  asio::awaitable<Result<std::string_view>> read();
  /// True once read() has returned the whole body.
  bool done() const;
  /// True if body bytes arrived together with the head, so the next read() needs no wait for the
  /// network (a proxy can then send its head and the first piece in one write).
  bool body_buffered() const;
  /// Gives the exchange up now: the connection is closed and a start() or read() in progress
  /// fails with kCancelled. For a caller whose own client went away; call it on the executor.
  void abort();

 private:
  friend class HttpClient;
  explicit ClientCall(std::unique_ptr<detail::CallState> state);
  std::unique_ptr<detail::CallState> state_;
};

/// Keep-alive connection pool per (scheme, host, port), at most max_idle_per_host idle connections
/// each. Idle connections are checked (non-blocking peek) before reuse; a request that fails on a
/// reused connection before any response byte arrived (the server closed it meanwhile) is retried
/// once on a fresh connection. Errors: kInvalidArgument (URL), kTimeout, kCancelled (the awaiting
/// coroutine was cancelled, or on_data returned false), kTooLarge, kIo (everything else).
///
/// All calls must come from coroutines running on `executor`. In-flight requests keep the pool
/// alive, so destroying the HttpClient early is safe.
class HttpClient {
 public:
  explicit HttpClient(asio::any_io_executor executor, std::size_t max_idle_per_host = 64);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// A request to drive step by step (see ClientCall). Nothing is sent before start().
  ClientCall call(ClientRequest request);
  /// Sends the request and buffers the whole response body.
  asio::awaitable<Result<ClientResponse>> request(ClientRequest request);
  /// Streams the response body to on_data as it arrives (chunked encoding removed). Return false
  /// from on_data to abort: the connection is closed and the result is kCancelled.
  asio::awaitable<Result<ClientResponse>> stream(ClientRequest request,
                                                 std::function<bool(std::string_view)> on_data);

  /// https: also trust the PEM certificate(s) in `path` when a request sets verify_tls.
  /// kInvalidArgument naming the file if it cannot be read or is not PEM.
  Status add_ca_file(const std::string& path);

  /// TCP connections opened so far (a measure of pool reuse).
  std::uint64_t connections_opened() const;
  /// Idle pooled connections, over all hosts.
  std::size_t idle_connections() const;

 private:
  std::shared_ptr<detail::ClientState> state_;
};

}  // namespace sluice::net
