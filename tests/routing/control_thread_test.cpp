#include "routing/control_thread.h"

#include <gtest/gtest.h>

#include <array>
#include <future>
#include <pthread.h>
#include <string>

namespace sluice::routing {
namespace {

TEST(ControlThread, RunsPostedWorkOnItsOwnNamedThread) {
  ControlThread control;
  std::promise<std::string> name;
  asio::post(control.executor(), [&name] {
    std::array<char, 32> buffer{};
    pthread_getname_np(pthread_self(), buffer.data(), buffer.size());
    name.set_value(buffer.data());
  });
  EXPECT_EQ(name.get_future().get(), "sluice-control");
}

}  // namespace
}  // namespace sluice::routing
