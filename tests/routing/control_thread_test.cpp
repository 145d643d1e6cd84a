#include "routing/control_thread.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <future>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace sluice::routing {
namespace {

int this_thread_nice() {
  errno = 0;
  return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)));
}

TEST(ControlThread, RunsNicerThanTheThreadThatStartedIt) {
  const int here = this_thread_nice();
  ControlThread control;
  std::promise<int> nice;
  asio::post(control.executor(), [&nice] { nice.set_value(this_thread_nice()); });
  const int there = nice.get_future().get();
  // Nice values stop at 19: a test already running at 15 or more sees less than +5.
  EXPECT_EQ(there, std::min(19, here + kControlThreadNiceness));
  EXPECT_EQ(this_thread_nice(), here) << "the caller's own priority must not change";
}

}  // namespace
}  // namespace sluice::routing
