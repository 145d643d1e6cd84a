#include "net/worker_pool.h"

#include "core/log.h"

#include <csignal>
#include <cstdlib>
#include <exception>
#include <pthread.h>
#include <sched.h>
#include <string>
#include <thread>

namespace sluice::net {
namespace {

// Asio re-arms its timerfd (a system call) whenever a new timer becomes the earliest one. Every
// socket operation with a deadline starts a timer, and with nothing sooner pending each of them
// would be the earliest. A timer that always expires within the next second sits in front of all
// those (their deadlines are seconds away), so that re-arming happens about once a second instead
// of several times per request.
constexpr auto kTimerAnchorPeriod = std::chrono::seconds(1);

void keep_timer_anchor(asio::steady_timer& anchor) {
  anchor.expires_after(kTimerAnchorPeriod);
  anchor.async_wait([&anchor](const boost::system::error_code& ec) {
    if (!ec) keep_timer_anchor(anchor);
  });
}

void run_worker(asio::io_context& context, std::size_t index, bool busy_poll) {
  // Named threads make `top -H` and debugger output readable.
  const std::string name = "sluice-w" + std::to_string(index);
  pthread_setname_np(pthread_self(), name.c_str());
  asio::steady_timer anchor(context);
  keep_timer_anchor(anchor);
  for (;;) {
    try {
      if (busy_poll) {
        // Never sleep in epoll: a request is picked up the moment it arrives, without the
        // wake-up of a sleeping thread (tens of microseconds, more on a virtual machine).
        // sched_yield lets the core's other threads run whenever they have work.
        while (!context.stopped()) {
          if (context.poll() == 0) sched_yield();
        }
        return;
      }
      context.run();
      return;
    } catch (const std::exception& e) {
      // A handler threw outside any coroutine; the loop itself is still sound, so keep serving.
      log::error("net: worker {} handler threw: {}", index, e.what());
    } catch (...) {
      log::error("net: worker {} handler threw a non-standard exception", index);
    }
  }
}

}  // namespace

WorkerPool::WorkerPool(std::size_t workers) {
  if (workers == 0) workers = 1;
  contexts_.reserve(workers);
  guards_.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i) {
    // Concurrency hint 1: exactly one thread runs each context (posting from others stays safe).
    contexts_.push_back(std::make_unique<asio::io_context>(1));
    guards_.push_back(asio::make_work_guard(*contexts_.back()));
  }
}

WorkerPool::~WorkerPool() {
  stop();
  signals_.reset();
}

void WorkerPool::run() {
  std::vector<std::thread> threads;
  threads.reserve(contexts_.size() - 1);
  for (std::size_t i = 1; i < contexts_.size(); ++i) {
    threads.emplace_back([ctx = contexts_[i].get(), i, this] { run_worker(*ctx, i, busy_poll_); });
  }
  run_worker(*contexts_[0], 0, busy_poll_);
  for (auto& t : threads) t.join();
}

void WorkerPool::stop() {
  stopped_.store(true, std::memory_order_release);
  for (auto& ctx : contexts_) ctx->stop();
}

void WorkerPool::on_shutdown_signal(std::function<void()> on_signal) {
  on_signal_ = std::move(on_signal);
  if (signals_) return;
  signals_ = std::make_unique<asio::signal_set>(*contexts_[0], SIGINT, SIGTERM);
  wait_for_signal();
}

void WorkerPool::wait_for_signal() {
  signals_->async_wait([this](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;  // cancelled: the pool is going away
    if (++signals_seen_ > 1) {
      // The operator asked twice: do not wait for a graceful shutdown that may be stuck.
      std::_Exit(128 + signal_number);
    }
    log::info("net: received signal {}, shutting down (send it again to exit at once)",
              signal_number);
    if (on_signal_) on_signal_();
    wait_for_signal();
  });
}

}  // namespace sluice::net
