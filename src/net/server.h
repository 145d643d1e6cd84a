// HTTP/1.1 server on a WorkerPool: one acceptor per worker on a shared SO_REUSEPORT port, one
// coroutine per connection on the worker that accepted it, keep-alive, limits and timeouts from
// ServerLimits, and a graceful shutdown. See README.md for the threading model.
#pragma once

#include "core/clock.h"
#include "core/result.h"
#include "net/exchange.h"
#include "net/http_types.h"
#include "net/server_limits.h"
#include "net/worker_pool.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace sluice::net {

namespace detail {
class ServerState;
}

class Server {
 public:
  /// `handler` is called concurrently from every worker: it must be safe to call from many threads.
  Server(WorkerPool& pool, Handler handler, ServerLimits limits = {});
  /// A server that was not shut down is shut down with no grace (its connections are closed).
  /// Must be destroyed before the WorkerPool.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Listens on host:port on EVERY worker with SO_REUSEPORT (the kernel spreads connections). Port
  /// 0 picks a free port, shared by all workers. Returns the bound port. May be called before or
  /// while the pool runs; an error (kIo, kInvalidArgument) leaves nothing listening.
  Result<std::uint16_t> listen(std::string host, std::uint16_t port);
  /// Same, on one worker only (the simulator pins each replica's listener to a worker).
  Result<std::uint16_t> listen_on_worker(std::string host, std::uint16_t port, std::size_t worker);

  /// Graceful shutdown: stops accepting at once, closes idle keep-alive connections, lets in-flight
  /// requests finish (their responses say Connection: close) until `grace`, then cancels the
  /// handlers still running and closes their connections; then calls on_done (on some worker
  /// thread, or inline if the shutdown already completed). Thread-safe. The pool must be running.
  void shutdown(Duration grace, std::function<void()> on_done);

  /// Open connections, summed over per-worker counters (no lock).
  std::size_t active_connections() const;
  /// Connections accepted since start.
  std::uint64_t accepted_connections() const;
  const ServerLimits& limits() const;

 private:
  Result<std::uint16_t> listen_on(std::string host, std::uint16_t port, std::size_t first,
                                  std::size_t count);

  std::shared_ptr<detail::ServerState> state_;
};

}  // namespace sluice::net
