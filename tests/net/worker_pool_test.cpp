#include "net/worker_pool.h"

#include <gtest/gtest.h>

#include <csignal>
#include <future>
#include <set>
#include <thread>

namespace sluice::net {
namespace {

using namespace std::chrono_literals;

TEST(WorkerPoolTest, EachWorkerRunsOnItsOwnThreadAndStopJoinsThem) {
  WorkerPool pool(3);
  ASSERT_EQ(pool.size(), 3u);
  std::vector<std::promise<std::thread::id>> ids(3);
  for (std::size_t i = 0; i < 3; ++i) {
    asio::post(pool.context(i), [&ids, i] { ids[i].set_value(std::this_thread::get_id()); });
  }
  std::promise<std::thread::id> runner_id;
  std::thread runner([&] {
    runner_id.set_value(std::this_thread::get_id());
    pool.run();
  });
  std::set<std::thread::id> distinct;
  for (auto& p : ids) {
    auto f = p.get_future();
    ASSERT_EQ(f.wait_for(3s), std::future_status::ready);
    distinct.insert(f.get());
  }
  EXPECT_EQ(distinct.size(), 3u);
  EXPECT_TRUE(distinct.count(runner_id.get_future().get())) << "the caller of run() is worker 0";
  pool.stop();
  runner.join();  // would hang if stop() did not end every worker
  EXPECT_TRUE(pool.stopped());
}

TEST(WorkerPoolTest, StopBeforeRunMakesRunReturn) {
  WorkerPool pool(2);
  pool.stop();
  pool.run();
  SUCCEED();
}

TEST(WorkerPoolTest, ShutdownSignalCallsHandlerOnWorkerZero) {
  WorkerPool pool(2);
  std::promise<std::thread::id> handler_thread;
  pool.on_shutdown_signal([&] {
    handler_thread.set_value(std::this_thread::get_id());
    pool.stop();
  });
  std::thread::id runner_id;
  std::thread runner([&] {
    runner_id = std::this_thread::get_id();
    pool.run();
  });
  std::raise(SIGTERM);
  auto f = handler_thread.get_future();
  ASSERT_EQ(f.wait_for(3s), std::future_status::ready);
  runner.join();
  EXPECT_EQ(f.get(), runner_id);
}

TEST(WorkerPoolDeathTest, SecondSignalExitsImmediately) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        WorkerPool pool(1);
        pool.on_shutdown_signal([] { std::raise(SIGINT); });  // a graceful shutdown that "hangs"
        std::raise(SIGINT);
        pool.run();
      },
      ::testing::ExitedWithCode(128 + SIGINT), "");
}

}  // namespace
}  // namespace sluice::net
