// What a front end (gateway or EPP) runs around the routing core: the control thread that drives
// the endpoint pools (discovery, metrics scraping, health probes), and the start-up wait for
// every endpoint's first /v1/models.
#pragma once

#include "core/clock.h"
#include "net/asio.h"
#include "routing/routing_table.h"

#include <cstddef>
#include <thread>

namespace sluice::routing {

namespace asio = boost::asio;

/// The control thread ("sluice-control" in top -H): runs the endpoint pools' scraping and health
/// checks. It keeps the workers' CPU priority on purpose: a nicer control thread preempted while
/// publishing a snapshot makes a worker on its core spin on libstdc++'s atomic<shared_ptr> bit
/// for whole time slices (30-90 ms stalls measured in bench/epp.sh).
class ControlThread {
 public:
  ControlThread();
  ~ControlThread() { stop(); }
  asio::any_io_executor executor() { return context_.get_executor(); }
  void stop() {
    guard_.reset();
    context_.stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  asio::io_context context_{1};
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::thread thread_;
};

/// Waits (polling, start-up only) until every endpoint listed its models or was ejected, or
/// `wait` passes. Returns how many endpoints answered.
std::size_t wait_for_discovery(const RoutingTable& table, Duration wait);

}  // namespace sluice::routing
