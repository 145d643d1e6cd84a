#include "routing/control_thread.h"

#include <chrono>
#include <pthread.h>
#include <thread>

namespace sluice::routing {

ControlThread::ControlThread()
    : guard_(context_.get_executor()), thread_([this] {
        pthread_setname_np(pthread_self(), "sluice-control");
        context_.run();
      }) {}

std::size_t wait_for_discovery(const RoutingTable& table, Duration wait) {
  const TimePoint deadline = SteadyClock::now() + wait;
  while (true) {
    std::size_t pending = 0;
    std::size_t discovered = 0;
    for (const PoolRoute& route : table.pools()) {
      for (const pool::EndpointState& e : route.endpoints->snapshot()->endpoints) {
        if (e.models) {
          ++discovered;
        } else if (e.healthy()) {
          ++pending;
        }
      }
    }
    if (pending == 0 || SteadyClock::now() >= deadline) {
      return discovered;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace sluice::routing
