#include "routing/control_thread.h"

#include <cerrno>
#include <chrono>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

namespace sluice::routing {

ControlThread::ControlThread()
    : guard_(context_.get_executor()), thread_([this] {
        pthread_setname_np(pthread_self(), "sluice-control");
        // Linux keeps a nice value per thread: this lowers the control thread only. Failing
        // (a seccomp profile, say) costs latency under contention, nothing else.
        const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
        errno = 0;
        const int nice = ::getpriority(PRIO_PROCESS, tid);
        if (errno == 0) ::setpriority(PRIO_PROCESS, tid, nice + kControlThreadNiceness);
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
