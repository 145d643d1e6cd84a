// Internal to src/net. The state a Server shares with its accept loops and connections: limits,
// the handler, per-worker bookkeeping and the graceful-shutdown sequence. Owned through shared_ptr
// by the Server and by every coroutine that uses it, so it outlives them all. It deliberately owns
// no I/O objects: those live in the coroutine frames of the worker they belong to, so tearing down
// one io_context never touches another's objects.
#pragma once

#include "core/clock.h"
#include "net/asio.h"
#include "net/exchange.h"
#include "net/server_limits.h"
#include "net/worker_pool.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace sluice::net::detail {

class Connection;

/// Links of the intrusive per-worker connection list (no allocation per connection).
struct ConnectionLinks {
  Connection* prev = nullptr;
  Connection* next = nullptr;
  bool linked = false;
};

/// One per worker, on its own cache line. Counters are written by the worker and read by anyone;
/// everything else is touched only on the worker's thread.
struct alignas(64) WorkerState {
  std::atomic<std::size_t> active{0};
  std::atomic<std::uint64_t> accepted{0};
  Connection* connections = nullptr;
  std::vector<asio::ip::tcp::acceptor*> acceptors;
  bool draining = false;
  bool drained = false;
  std::weak_ptr<asio::steady_timer> grace_timer;
};

class ServerState : public std::enable_shared_from_this<ServerState> {
 public:
  ServerState(WorkerPool& pool, Handler handler, ServerLimits limits);

  WorkerPool& pool() { return pool_; }
  const Handler& handler() const { return handler_; }
  const ServerLimits& limits() const { return limits_; }
  WorkerState& worker(std::size_t index) { return *workers_[index]; }
  std::size_t worker_count() const { return workers_.size(); }
  /// True once shutdown() was called: no new connections, no keep-alive.
  bool draining() const { return draining_.load(std::memory_order_acquire); }
  std::uint64_t next_connection_id() {
    return next_connection_id_.fetch_add(1, std::memory_order_relaxed);
  }

  std::size_t active_connections() const;
  std::uint64_t accepted_connections() const;

  // Worker-thread only.
  void add_acceptor(std::size_t worker, asio::ip::tcp::acceptor* acceptor);
  void remove_acceptor(std::size_t worker, asio::ip::tcp::acceptor* acceptor);
  void attach(Connection& connection);
  /// Idempotent; pure bookkeeping, safe from destructors during io_context teardown.
  void detach(Connection& connection);
  /// A connection's session ended: completes a draining worker whose last connection this was.
  void connection_finished(std::size_t worker);

  /// See Server::shutdown. Thread-safe; a second call only adds its on_done.
  void shutdown(Duration grace, std::function<void()> on_done);
  bool shutdown_started() const { return draining(); }

 private:
  void drain_worker(std::size_t index, TimePoint deadline);
  void abort_worker(std::size_t index);
  void worker_drained(std::size_t index);
  std::vector<std::shared_ptr<Connection>> connections_of(std::size_t index);

  WorkerPool& pool_;
  Handler handler_;
  ServerLimits limits_;
  std::vector<std::unique_ptr<WorkerState>> workers_;
  std::atomic<bool> draining_{false};
  std::atomic<std::uint64_t> next_connection_id_{1};
  std::atomic<std::size_t> workers_pending_{0};
  std::mutex done_mutex_;  // shutdown bookkeeping only, never on the request path
  std::vector<std::function<void()>> on_done_;
  bool done_ = false;
};

}  // namespace sluice::net::detail
