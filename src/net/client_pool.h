// Internal to src/net. The HttpClient's pooled connections: a plain or TLS stream over a
// beast::tcp_stream (whose expiry implements deadlines), with its read buffer.
#pragma once

#include "core/clock.h"
#include "core/result.h"
#include "net/asio.h"
#include "net/http_types.h"
#include "net/url.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace sluice::net::detail {

class ClientConnection {
 public:
  using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  ClientConnection(asio::any_io_executor executor, std::string pool_key,
                   asio::ssl::context* tls_context);
  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  const std::string& pool_key() const { return pool_key_; }
  bool is_tls() const { return tls_ != nullptr; }
  boost::beast::tcp_stream& tcp() { return tls_ ? tls_->next_layer() : *plain_; }
  boost::beast::tcp_stream& plain() { return *plain_; }
  TlsStream& tls() { return *tls_; }
  boost::beast::flat_buffer& buffer() { return buffer_; }

  /// Cheap liveness check for an idle connection: a non-blocking peek. End-of-stream, an error, or
  /// (for plain HTTP) unexpected bytes mean the server closed or broke it.
  bool looks_alive();

  /// When the connection went back to the pool.
  TimePoint idle_since() const { return idle_since_; }
  void mark_idle(TimePoint now) { idle_since_ = now; }

 private:
  TimePoint idle_since_{};
  std::string pool_key_;
  std::unique_ptr<boost::beast::tcp_stream> plain_;
  std::unique_ptr<TlsStream> tls_;
  boost::beast::flat_buffer buffer_;
};

class ClientState {
 public:
  ClientState(asio::any_io_executor executor, std::size_t max_idle_per_host);

  const asio::any_io_executor& executor() const { return executor_; }
  /// The shared TLS client context, created on first use.
  asio::ssl::context& tls_context();

  /// An idle connection for `key` that still looks alive, or null.
  std::unique_ptr<ClientConnection> take(const std::string& key);
  /// Returns a connection whose last response was complete and keep-alive; dropped if the host
  /// already has max_idle_per_host idle connections.
  void give_back(std::unique_ptr<ClientConnection> connection);

  /// Scratch memory for reading streamed bodies (kChunkBytes), recycled across calls.
  static constexpr std::size_t kChunkBytes = 16 * 1024;
  std::unique_ptr<char[]> take_chunk_buffer();
  void give_back_chunk_buffer(std::unique_ptr<char[]> buffer);

  void count_connect() { ++connections_opened_; }
  std::uint64_t connections_opened() const { return connections_opened_; }
  std::size_t idle_connections() const;

 private:
  asio::any_io_executor executor_;
  std::size_t max_idle_per_host_;
  std::uint64_t connections_opened_ = 0;
  // Declared before the pool: TLS streams refer to it and must be destroyed first.
  std::unique_ptr<asio::ssl::context> tls_context_;
  std::unordered_map<std::string, std::vector<std::unique_ptr<ClientConnection>>> idle_;
  std::vector<std::unique_ptr<char[]>> spare_chunk_buffers_;
};

}  // namespace sluice::net::detail
