// Thread-per-core execution: N threads, each running its own io_context. Nothing is shared between
// workers by default, so a connection, its handler and everything the handler awaits run on one
// thread without locks. Cross-worker communication goes through asio::post to another context.
#pragma once

#include "net/asio.h"
#include "net/http_types.h"

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

namespace sluice::net {

class WorkerPool {
 public:
  /// Creates `workers` io_contexts (at least one). Nothing runs until run().
  explicit WorkerPool(std::size_t workers);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  std::size_t size() const { return contexts_.size(); }
  /// The io_context of worker `index` (< size()). Objects bound to it must only be used on its
  /// thread.
  asio::io_context& context(std::size_t index) { return *contexts_[index]; }

  /// Workers poll for events in a loop instead of sleeping until one arrives: lower and steadier
  /// latency for a whole core per worker. Set before run().
  void set_busy_poll(bool on) { busy_poll_ = on; }

  /// Runs all workers; the calling thread runs worker 0, the others get their own threads. Returns
  /// after stop() once every thread has joined. An exception escaping a handler is logged and that
  /// worker keeps running. Calling stop() before run() makes run() return at once.
  void run();
  /// Stops every worker's loop (thread-safe, idempotent). Pending handlers are not run; they are
  /// destroyed with the pool. Call Server::shutdown first for a graceful stop.
  void stop();
  /// True once stop() was called.
  bool stopped() const { return stopped_.load(std::memory_order_acquire); }

  /// SIGINT/SIGTERM -> calls on_signal() once, on worker 0's thread. A second signal exits the
  /// process immediately (std::_Exit(128 + signal)), for when a graceful shutdown hangs.
  void on_shutdown_signal(std::function<void()> on_signal);

 private:
  void wait_for_signal();

  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  // Declared after contexts_ so that it is destroyed before them.
  std::unique_ptr<asio::signal_set> signals_;
  std::function<void()> on_signal_;
  int signals_seen_ = 0;
  bool busy_poll_ = false;
  std::atomic<bool> stopped_{false};
};

}  // namespace sluice::net
