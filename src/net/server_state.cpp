#include "net/server_state.h"

#include "net/asio.h"
#include "net/connection.h"

#include <algorithm>

namespace sluice::net::detail {

ServerState::ServerState(WorkerPool& pool, Handler handler, ServerLimits limits)
    : pool_(pool), handler_(std::move(handler)), limits_(limits) {
  workers_.reserve(pool.size());
  for (std::size_t i = 0; i < pool.size(); ++i) workers_.push_back(std::make_unique<WorkerState>());
}

std::size_t ServerState::active_connections() const {
  std::size_t total = 0;
  for (const auto& w : workers_) total += w->active.load(std::memory_order_relaxed);
  return total;
}

std::uint64_t ServerState::accepted_connections() const {
  std::uint64_t total = 0;
  for (const auto& w : workers_) total += w->accepted.load(std::memory_order_relaxed);
  return total;
}

void ServerState::add_acceptor(std::size_t worker, asio::ip::tcp::acceptor* acceptor) {
  workers_[worker]->acceptors.push_back(acceptor);
}

void ServerState::remove_acceptor(std::size_t worker, asio::ip::tcp::acceptor* acceptor) {
  auto& list = workers_[worker]->acceptors;
  list.erase(std::remove(list.begin(), list.end(), acceptor), list.end());
}

void ServerState::attach(Connection& connection) {
  WorkerState& w = *workers_[connection.worker()];
  ConnectionLinks& links = connection.links();
  links.prev = nullptr;
  links.next = w.connections;
  if (w.connections) w.connections->links().prev = &connection;
  w.connections = &connection;
  links.linked = true;
  // Single writer (this worker): a plain load/store pair avoids a locked read-modify-write.
  w.active.store(w.active.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  w.accepted.store(w.accepted.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

void ServerState::detach(Connection& connection) {
  ConnectionLinks& links = connection.links();
  if (!links.linked) return;
  WorkerState& w = *workers_[connection.worker()];
  if (links.prev) {
    links.prev->links().next = links.next;
  } else {
    w.connections = links.next;
  }
  if (links.next) links.next->links().prev = links.prev;
  links = ConnectionLinks{};
  w.active.store(w.active.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
}

void ServerState::connection_finished(std::size_t worker) {
  WorkerState& w = *workers_[worker];
  if (w.draining && !w.drained && w.connections == nullptr) worker_drained(worker);
}

void ServerState::shutdown(Duration grace, std::function<void()> on_done) {
  {
    std::unique_lock lock(done_mutex_);
    if (done_) {
      lock.unlock();
      if (on_done) on_done();
      return;
    }
    if (on_done) on_done_.push_back(std::move(on_done));
    if (draining_.exchange(true, std::memory_order_acq_rel)) return;  // already under way
    workers_pending_.store(workers_.size(), std::memory_order_relaxed);
  }
  const TimePoint deadline = SteadyClock::now() + grace;
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    asio::post(pool_.context(i),
               [self = shared_from_this(), i, deadline] { self->drain_worker(i, deadline); });
  }
}

std::vector<std::shared_ptr<Connection>> ServerState::connections_of(std::size_t index) {
  // A snapshot with owning pointers: closing one connection must not invalidate the iteration.
  std::vector<std::shared_ptr<Connection>> out;
  for (Connection* c = workers_[index]->connections; c != nullptr; c = c->links().next) {
    out.push_back(c->shared_from_this());
  }
  return out;
}

void ServerState::drain_worker(std::size_t index, TimePoint deadline) {
  WorkerState& w = *workers_[index];
  w.draining = true;
  // 1. Stop accepting: closing the acceptors refuses new connections at once.
  for (auto* acceptor : std::vector(w.acceptors)) {
    boost::system::error_code ec;
    acceptor->close(ec);
  }
  // 2. Idle keep-alive connections have nothing in flight: close them now. Busy ones finish their
  //    current request, answer with Connection: close, and end.
  for (auto& connection : connections_of(index)) connection->close_if_idle();
  if (w.connections == nullptr) {
    worker_drained(index);
    return;
  }
  // 3. Whatever is still running at the deadline is cancelled.
  auto timer = std::make_shared<asio::steady_timer>(pool_.context(index), deadline);
  w.grace_timer = timer;
  timer->async_wait([self = shared_from_this(), index, timer](const boost::system::error_code& ec) {
    if (!ec) self->abort_worker(index);
  });
}

void ServerState::abort_worker(std::size_t index) {
  for (auto& connection : connections_of(index)) connection->abort();
}

void ServerState::worker_drained(std::size_t index) {
  WorkerState& w = *workers_[index];
  w.drained = true;
  if (auto timer = w.grace_timer.lock()) timer->cancel();
  if (workers_pending_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(done_mutex_);
    done_ = true;
    callbacks.swap(on_done_);
  }
  for (auto& callback : callbacks) callback();
}

}  // namespace sluice::net::detail
