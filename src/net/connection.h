// Internal to src/net. One accepted TCP connection: the keep-alive loop that reads requests with
// the configured limits and timeouts, runs the handler through an Exchange, and answers protocol
// errors itself (400/413/431). Lives on one worker; every member is used only on that thread.
#pragma once

#include "net/asio.h"
#include "net/exchange.h"
#include "net/server_state.h"

#include <boost/system/error_code.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace sluice::net::detail {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<ServerState> state, std::size_t worker, std::uint64_t id,
             asio::ip::tcp::socket socket);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// The session coroutine. Never throws; closes the socket and detaches when done. Spawn it with
  /// cancellation_slot() bound so that abort() can cancel whatever the session is awaiting.
  static asio::awaitable<void> run(std::shared_ptr<Connection> self);
  asio::cancellation_slot cancellation_slot() { return cancel_.slot(); }

  std::size_t worker() const { return worker_; }
  std::uint64_t id() const { return id_; }
  ConnectionLinks& links() { return links_; }

  /// Shutdown, step 1: if the session is waiting for the next request, stop waiting (it ends).
  void close_if_idle();
  /// Shutdown after the grace period: cancel the handler and close the socket.
  void abort();

 private:
  friend class sluice::net::Exchange;

  asio::awaitable<void> serve();
  asio::awaitable<bool> run_handler(Exchange& exchange);
  asio::awaitable<void> reject(boost::system::error_code ec);
  asio::awaitable<void> linger();
  void finish();

  // Used by Exchange.
  asio::awaitable<bool> write_response(Response& response);
  /// Gathers up to three buffers into one write (chunk header, data, trailer).
  asio::awaitable<bool> write_buffers(std::array<asio::const_buffer, 3> buffers);
  void write_failed();
  void watch_for_disconnect(std::function<void()> callback);
  void stop_watch();
  void on_peeked(const boost::system::error_code& ec, std::uint64_t generation);
  void drop();
  void close_socket();
  bool writable() const { return !closed_ && !gone_; }

  std::shared_ptr<ServerState> state_;
  std::size_t worker_;
  std::uint64_t id_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  asio::cancellation_signal cancel_;
  ConnectionLinks links_;
  std::function<void()> gone_callback_;
  std::uint64_t watch_generation_ = 0;
  bool watching_ = false;
  char peek_byte_ = 0;
  bool idle_ = false;  // waiting for the first byte of a request
  bool in_handler_ = false;
  bool gone_ = false;     // the client can no longer receive anything
  bool closed_ = false;   // our socket is closed
  bool aborted_ = false;  // shutdown cancelled this connection
};

}  // namespace sluice::net::detail
