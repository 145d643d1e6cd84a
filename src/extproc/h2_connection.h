// Internal to grpc_h2_server: one client connection (in `sluice epp`, one Envoy) as an nghttp2
// server session on a worker's io_context. Reads feed nghttp2; nghttp2's callbacks reassemble each
// stream's gRPC messages and hand them to its GrpcStream; whatever the streams answered is written
// in one go, first without an asynchronous operation (the kernel almost always takes it all). One
// thread, no lock: every callback runs on the connection's worker.
#pragma once

#include "extproc/grpc_stream.h"
#include "net/asio.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

struct nghttp2_session;

namespace sluice::extproc {
namespace asio = boost::asio;
}

namespace sluice::extproc::detail {

class H2Connection : public std::enable_shared_from_this<H2Connection> {
 public:
  struct Shared {
    GrpcStreamFactory factory;
    GrpcServerLimits limits;
    std::atomic<std::int64_t> open_streams{0};
    std::atomic<std::int64_t> open_connections{0};
  };

  /// `shared` is co-owned: a connection can outlive its server by the handlers the io_context
  /// still holds when it is torn down.
  H2Connection(asio::ip::tcp::socket socket, std::shared_ptr<Shared> shared);
  ~H2Connection();
  H2Connection(const H2Connection&) = delete;
  H2Connection& operator=(const H2Connection&) = delete;

  /// Sends the server's SETTINGS and starts reading. A client that has not sent HTTP/2's
  /// connection preface within `handshake_timeout` is disconnected (a slow or idle stranger must
  /// not hold a connection forever).
  void start(std::chrono::milliseconds handshake_timeout);
  /// GOAWAY: streams already started finish, new ones are refused; the connection closes when the
  /// last one ends.
  void drain();
  /// Closes the socket now (the streams still open are cancelled).
  void close();
  bool closed() const { return closed_; }

  struct Stream;  // public for the nghttp2 callbacks in the .cpp

 private:
  friend struct Callbacks;
  void read();
  void flush();
  void on_written(const boost::system::error_code& ec);
  void finish_if_done();
  Stream* stream(std::int32_t id);
  void on_request_headers_done(std::int32_t id, Stream& s);
  void on_data(std::int32_t id, Stream& s, std::string_view bytes);
  void on_half_close(std::int32_t id, Stream& s);
  void end_stream(std::int32_t id, Stream& s, GrpcStatus status);
  void send(std::int32_t id, Stream& s);

  asio::ip::tcp::socket socket_;
  std::shared_ptr<Shared> shared_;
  nghttp2_session* session_ = nullptr;
  std::unordered_map<std::int32_t, std::unique_ptr<Stream>> streams_;
  std::array<char, 16384> read_buffer_;
  std::size_t bytes_received_ = 0;
  asio::steady_timer timer_;  ///< the handshake deadline; later, the wait for the client to close
  std::string pending_;       ///< produced by nghttp2, not yet handed to the kernel
  std::string writing_;       ///< owned by the asynchronous write in flight
  bool write_in_flight_ = false;
  bool finishing_ = false;  ///< the session ended: our side is shut down, the client's awaited
  bool closed_ = false;
};

}  // namespace sluice::extproc::detail
