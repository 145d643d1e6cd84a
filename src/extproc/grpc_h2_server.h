// A gRPC server for bidirectional streams, on Sluice's own event loops: HTTP/2 by nghttp2 (framing,
// HPACK, flow control, PING and SETTINGS), gRPC's message framing and status trailers here, each
// connection on the worker that accepted it. It exists because gRPC C++'s server passes every
// message through its own threads (about a dozen context switches per ext_proc request on one
// core, docs/adr/0003); this one reads, routes and writes on one thread. It speaks what Envoy's
// gRPC clients and gRPC's own clients send: identity encoding, one method per factory path.
#pragma once

#include "core/clock.h"
#include "core/result.h"
#include "extproc/grpc_stream.h"
#include "net/worker_pool.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace sluice::extproc {

class GrpcH2Server {
 public:
  GrpcH2Server(net::WorkerPool& workers, GrpcStreamFactory factory, GrpcServerLimits limits = {});
  /// Must be destroyed after the workers stopped (or before they ran).
  ~GrpcH2Server();
  GrpcH2Server(const GrpcH2Server&) = delete;
  GrpcH2Server& operator=(const GrpcH2Server&) = delete;

  /// Listens on host:port on every worker (SO_REUSEPORT; port 0 picks one). Returns the port.
  Result<std::uint16_t> listen(const std::string& host, std::uint16_t port);
  /// Stops accepting, sends GOAWAY (streams already started finish), closes what is still open
  /// after `grace`, then calls on_done on worker 0. The pool must be running. Call once.
  void shutdown(Duration grace, std::function<void()> on_done);

  std::int64_t open_streams() const;
  std::int64_t open_connections() const;

 private:
  struct State;
  struct ShutdownWatch;
  std::shared_ptr<State> state_;
};

}  // namespace sluice::extproc
