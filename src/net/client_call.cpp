// ClientCall: one upstream exchange driven step by step (connect or reuse, send, read the head,
// then pull the body piece by piece). HttpClient::request() and stream() are built on it.
#include "net/asio.h"
#include "net/client.h"
#include "net/client_pool.h"
#include "net/url.h"
#include "net/write_now.h"

#include <boost/system/system_error.hpp>

#include <array>
#include <limits>
#include <optional>
#include <vector>

namespace sluice::net {
namespace detail {

/// Everything one call owns. The connection lives here rather than in a coroutine frame so that
/// abort() can close it whatever the call is waiting for.
struct CallState {
  CallState(std::shared_ptr<ClientState> client, ClientRequest request)
      : pool(std::move(client)), options(std::move(request)) {
    if (options.origin != nullptr) {
      url = options.origin;
      target = options.target.empty() ? std::string_view("/") : options.target;
      return;
    }
    auto parsed = parse_http_url(options.url);
    if (!parsed) {
      url_error = std::move(parsed).error();
      return;
    }
    owned_url = std::move(parsed).value();
    url = &*owned_url;
    target = owned_url->target;
  }
  ~CallState() {
    if (chunk) pool->give_back_chunk_buffer(std::move(chunk));
  }

  std::shared_ptr<ClientState> pool;
  ClientRequest options;
  std::optional<HttpUrl> owned_url;  // parsed from options.url when no origin was given
  const HttpUrl* url = nullptr;      // null if options.url is invalid (then url_error)
  std::optional<Error> url_error;
  std::string_view target;
  std::string head;  // request line and header fields, formatted once (a retry resends them)
  TimePoint deadline{};
  std::unique_ptr<ClientConnection> connection;
  std::optional<http::response_parser<http::buffer_body>> parser;
  std::unique_ptr<char[]> chunk;  // where body pieces are read to
  bool started = false;
  bool finished = false;
  bool aborted = false;

  /// The whole-exchange deadline, or `limit` from now if that is sooner (zero = no limit).
  TimePoint within(Duration limit) const {
    return limit > Duration::zero() ? std::min(deadline, SteadyClock::now() + limit) : deadline;
  }
};

}  // namespace detail

namespace {

namespace beast = boost::beast;
using asio::ip::tcp;
using boost::system::error_code;
using detail::CallState;
using detail::ClientConnection;
using detail::ClientState;
using detail::write_now_or_async;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

/// Formats the request line and header fields into s.head by hand: Beast's message type would
/// allocate a container element per field and a serializer per request.
Status format_head(CallState& s) {
  const ClientRequest& o = s.options;
  std::string_view host = s.url->host_header;
  std::size_t size = 128 + s.target.size() + host.size() + o.header_lines.size();
  for (const auto& [name, value] : o.headers) {
    if (name.empty() || has_line_break(name) || has_line_break(value) ||
        name.find(':') != std::string::npos) {
      return make_error(ErrorCode::kInvalidArgument, "invalid request header field '" + name + "'",
                        "headers");
    }
    if (beast::iequals(name, "host")) host = value;
    size += name.size() + value.size() + 4;
  }
  std::string& head = s.head;
  head.clear();
  head.reserve(size);
  head += http::to_string(o.method);
  head += ' ';
  head += s.target;
  head += " HTTP/1.1\r\nHost: ";
  head += host;
  head += "\r\nUser-Agent: sluice\r\n";
  for (const auto& [name, value] : o.headers) {
    if (beast::iequals(name, "host")) continue;
    head += name;
    head += ": ";
    head += value;
    head += "\r\n";
  }
  head += o.header_lines;
  if (!o.body.empty() || o.method == http::verb::post || o.method == http::verb::put ||
      o.method == http::verb::patch) {
    head += "Content-Length: ";
    head += std::to_string(o.body.size());
    head += "\r\n";
  }
  head += "\r\n";
  return {};
}

Error transport_error(const CallState& s, const error_code& ec, std::string_view step) {
  std::string where = std::string(step) + " " + s.url->host_header;
  if (s.aborted) return make_error(ErrorCode::kCancelled, where + ": cancelled by the caller");
  if (ec == beast::error::timeout || SteadyClock::now() >= s.deadline) {
    return make_error(ErrorCode::kTimeout, where + ": deadline exceeded");
  }
  if (ec == asio::error::operation_aborted)
    return make_error(ErrorCode::kCancelled, where + ": cancelled");
  return make_error(ErrorCode::kIo, where + ": " + ec.message());
}

Error cancelled_error(const CallState& s, const char* what) {
  return make_error(ErrorCode::kCancelled,
                    "request to " + s.url->host_header + " cancelled: " + what);
}

// What a server that closed an idle keep-alive connection looks like to the next request on it.
bool is_stale_connection_error(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::ssl::error::stream_truncated;
}

/// Opens s.connection: resolve (unless the host is an address), connect, TLS handshake.
asio::awaitable<Status> connect(CallState& s) {
  using namespace asio::experimental::awaitable_operators;
  const HttpUrl& url = *s.url;
  const TimePoint deadline = s.within(s.options.connect_timeout);
  const auto executor = s.pool->executor();
  std::vector<tcp::endpoint> endpoints;
  error_code ec;
  const auto address = asio::ip::make_address(url.host, ec);
  const bool address_literal = !ec;
  if (address_literal) {
    endpoints.emplace_back(address, url.port);
  } else {
    tcp::resolver resolver(executor);
    asio::steady_timer timer(executor, deadline);
    auto outcome =
        co_await (resolver.async_resolve(url.host, std::to_string(url.port), kUseTuple) ||
                  timer.async_wait(kUseTuple));
    if (outcome.index() == 1) {
      co_return make_error(ErrorCode::kTimeout, "resolving " + url.host + ": deadline exceeded");
    }
    auto [resolve_ec, results] = std::get<0>(std::move(outcome));
    if (resolve_ec) co_return transport_error(s, resolve_ec, "resolving");
    if (s.aborted) co_return cancelled_error(s, "by the caller");
    for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  }

  s.connection = std::make_unique<ClientConnection>(executor, url.pool_key(),
                                                    url.tls ? &s.pool->tls_context() : nullptr);
  auto& stream = s.connection->tcp();
  stream.expires_at(deadline);
  {
    auto [connect_ec, endpoint] = co_await stream.async_connect(endpoints, kUseTuple);
    if (connect_ec || s.aborted) co_return transport_error(s, connect_ec, "connecting to");
  }
  s.pool->count_connect();
  stream.socket().set_option(tcp::no_delay(true), ec);
  stream.socket().non_blocking(true, ec);  // plain writes are tried synchronously first
  if (url.tls) {
    auto& tls = s.connection->tls();
    // SNI carries names only, never address literals (RFC 6066 section 3).
    // SSL_set_tlsext_host_name is a macro with a C cast; this is its expansion.
    if (!address_literal &&
        SSL_ctrl(tls.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(url.host.c_str())) != 1) {
      co_return make_error(ErrorCode::kIo, "cannot set TLS server name " + url.host);
    }
    if (s.options.verify_tls) {
      tls.set_verify_mode(asio::ssl::verify_peer);
      tls.set_verify_callback(asio::ssl::host_name_verification(url.host));
    } else {
      tls.set_verify_mode(asio::ssl::verify_none);
    }
    auto [handshake_ec] = co_await tls.async_handshake(asio::ssl::stream_base::client, kUseTuple);
    if (handshake_ec || s.aborted) co_return transport_error(s, handshake_ec, "TLS handshake with");
  }
  co_return Status{};
}

struct HeadOutcome {
  Status status;
  bool retry = false;  // failed before any response byte: safe to try again on a new connection
};

/// Sends s.message on s.connection and reads the response head into a fresh s.parser.
template <typename Stream>
asio::awaitable<HeadOutcome> send_and_read_head(Stream& stream, CallState& s) {
  HeadOutcome outcome;
  ClientConnection& connection = *s.connection;
  connection.tcp().expires_at(s.within(s.options.first_byte_timeout));
  {
    const std::array<asio::const_buffer, 2> request{asio::buffer(s.head),
                                                    asio::buffer(s.options.body)};
    error_code ec;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      ec = co_await write_now_or_async(stream, request, s.within(s.options.first_byte_timeout));
    } else {
      auto [write_ec, n] = co_await asio::async_write(stream, request, kUseTuple);
      ec = write_ec;
    }
    if (ec || s.aborted) {
      outcome.retry = is_stale_connection_error(ec);
      outcome.status = transport_error(s, ec, "sending request to");
      co_return outcome;
    }
  }
  auto& parser = s.parser.emplace();
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  if (s.options.method == http::verb::head) parser.skip(true);
  auto [ec, n] = co_await http::async_read_header(stream, connection.buffer(), parser, kUseTuple);
  if (ec || s.aborted) {
    outcome.retry = !parser.got_some() && is_stale_connection_error(ec);
    outcome.status = transport_error(s, ec, "reading response from");
  }
  co_return outcome;
}

/// The body is complete: a keep-alive connection with nothing extra buffered goes back to the
/// pool at once (before the caller is done with the last piece, which is in s.chunk).
void finish_body(CallState& s) {
  s.finished = true;
  if (!s.aborted && s.parser->keep_alive() && s.connection->buffer().size() == 0) {
    s.pool->give_back(std::move(s.connection));
  } else {
    s.connection.reset();
  }
}

template <typename Stream>
asio::awaitable<Result<std::string_view>> read_piece(Stream& stream, CallState& s) {
  auto& parser = *s.parser;
  while (!parser.is_done()) {
    s.connection->tcp().expires_at(s.within(s.options.idle_timeout));
    parser.get().body().data = s.chunk.get();
    parser.get().body().size = ClientState::kChunkBytes;
    auto [ec, n] =
        co_await http::async_read_some(stream, s.connection->buffer(), parser, kUseTuple);
    if ((ec && ec != http::error::need_buffer) || s.aborted) {
      s.connection.reset();
      co_return transport_error(s, ec, "reading response body from");
    }
    const std::size_t got = ClientState::kChunkBytes - parser.get().body().size;
    if (got > 0) {
      if (parser.is_done()) finish_body(s);
      co_return std::string_view(s.chunk.get(), got);
    }
  }
  finish_body(s);
  co_return std::string_view();
}

}  // namespace

ClientCall::ClientCall(std::unique_ptr<detail::CallState> state) : state_(std::move(state)) {}
ClientCall::ClientCall(ClientCall&&) noexcept = default;
ClientCall& ClientCall::operator=(ClientCall&&) noexcept = default;
ClientCall::~ClientCall() = default;

asio::awaitable<Status> ClientCall::start() {
  CallState& s = *state_;
  if (s.url_error) co_return *s.url_error;
  if (s.started) co_return make_error(ErrorCode::kInternal, "ClientCall::start called twice");
  s.started = true;
  s.deadline = SteadyClock::now() + s.options.timeout;
  if (Status formatted = format_head(s); !formatted) co_return formatted;
  const std::string& key = s.url->pool_key();

  std::optional<Error> cancelled;
  try {
    for (int attempt = 0;; ++attempt) {
      if (s.aborted) co_return cancelled_error(s, "by the caller");
      s.connection = s.pool->take(key);
      const bool reused = s.connection != nullptr;
      if (!reused) {
        if (Status connected = co_await connect(s); !connected) {
          s.connection.reset();
          co_return connected;
        }
      }
      HeadOutcome outcome;
      if (s.connection->is_tls()) {
        outcome = co_await send_and_read_head(s.connection->tls(), s);
      } else {
        outcome = co_await send_and_read_head(s.connection->plain(), s);
      }
      if (outcome.status) co_return Status{};
      s.connection.reset();
      // The server may have closed a pooled connection just as we reused it: one retry on a new
      // one.
      if (reused && outcome.retry && attempt == 0 && !s.aborted && SteadyClock::now() < s.deadline)
        continue;
      co_return outcome.status;
    }
  } catch (const boost::system::system_error& e) {
    // The awaiting coroutine was cancelled: Asio throws at the next co_await.
    s.connection.reset();
    cancelled = cancelled_error(s, e.what());
  }
  co_return std::move(*cancelled);
}

int ClientCall::status() const {
  return state_->parser ? static_cast<int>(state_->parser->get().result_int()) : 0;
}

const http::fields& ClientCall::headers() const { return state_->parser->get(); }

asio::awaitable<Result<std::string_view>> ClientCall::read() {
  CallState& s = *state_;
  if (s.finished) co_return std::string_view();
  if (s.aborted) co_return cancelled_error(s, "by the caller");
  if (!s.connection || !s.parser) {
    co_return make_error(ErrorCode::kInternal, "ClientCall::read before a successful start");
  }
  if (!s.chunk) s.chunk = s.pool->take_chunk_buffer();
  std::optional<Error> cancelled;
  try {
    if (s.connection->is_tls()) co_return co_await read_piece(s.connection->tls(), s);
    co_return co_await read_piece(s.connection->plain(), s);
  } catch (const boost::system::system_error& e) {
    s.connection.reset();
    cancelled = cancelled_error(s, e.what());
  }
  co_return std::move(*cancelled);
}

bool ClientCall::done() const { return state_->finished; }

bool ClientCall::body_buffered() const {
  const CallState& s = *state_;
  return s.finished || (s.parser && s.parser->is_done()) ||
         (s.connection && s.connection->buffer().size() > 0);
}

void ClientCall::abort() {
  CallState& s = *state_;
  if (s.finished || s.aborted) return;
  s.aborted = true;
  if (s.connection) s.connection->tcp().close();  // fails the pending operation, if any
}

ClientCall HttpClient::call(ClientRequest request) {
  return ClientCall(std::make_unique<detail::CallState>(state_, std::move(request)));
}

}  // namespace sluice::net
