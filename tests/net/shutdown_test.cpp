// Graceful shutdown: in-flight requests finish, new connections are refused, idle connections are
// closed at once, and handlers still running at the grace deadline are cancelled.
#include "net/server.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>

namespace sluice::net {
namespace {

using namespace std::chrono_literals;
using testing::AsyncEvent;
using testing::RawClient;
using testing::ServerHarness;

struct Gate {
  explicit Gate(asio::any_io_executor executor) : release(std::move(executor)) {}
  AsyncEvent release;
  std::promise<void> entered;
  std::promise<bool> cancelled;  // set by the handler: true if its wait was cancelled
};

// Waits (up to `wait`) for the test to open the gate, then responds.
asio::awaitable<void> gated(std::shared_ptr<Gate> gate, Exchange& exchange, Duration wait) {
  gate->entered.set_value();
  bool opened = false;
  try {
    opened = co_await gate->release.wait(wait);
  } catch (const boost::system::system_error& e) {
    gate->cancelled.set_value(e.code() == asio::error::operation_aborted);
    throw;
  }
  gate->cancelled.set_value(false);
  Response response{http::status::ok, 11};
  response.body() = opened ? "released" : "timed out";
  co_await exchange.respond(std::move(response));
}

bool can_connect(std::uint16_t port) {
  RawClient probe(port);
  return probe.connected();
}

TEST(ShutdownTest, InFlightRequestCompletesAndNewConnectionsAreRefused) {
  std::shared_ptr<Gate> gate;
  ServerHarness harness([&gate](Exchange& ex) { return gated(gate, ex, std::chrono::seconds(4)); });
  gate = std::make_shared<Gate>(harness.pool().context(0).get_executor());
  auto entered = gate->entered.get_future();

  RawClient client(harness.port());
  ASSERT_TRUE(client.send(testing::get_request("/slow")));
  ASSERT_EQ(entered.wait_for(3s), std::future_status::ready);
  EXPECT_EQ(harness.server().active_connections(), 1u);

  std::promise<void> done;
  auto done_future = done.get_future();
  const auto start = std::chrono::steady_clock::now();
  harness.server().shutdown(std::chrono::seconds(10), [&done] { done.set_value(); });
  harness.sync_worker(0);  // the drain step posted by shutdown() has run: acceptors are closed
  EXPECT_FALSE(can_connect(harness.port()));
  EXPECT_EQ(done_future.wait_for(0s), std::future_status::timeout)
      << "a request is still in flight";

  gate->release.set();
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "released");
  EXPECT_FALSE(response->keep_alive()) << "draining servers close after the response";
  EXPECT_TRUE(client.wait_closed());
  // Returns as soon as the last connection ends, long before the grace deadline.
  EXPECT_EQ(done_future.wait_for(3s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(harness.server().active_connections(), 0u);
}

asio::awaitable<void> ok(Exchange& exchange) {
  Response response{http::status::ok, 11};
  response.body() = "ok";
  co_await exchange.respond(std::move(response));
}

TEST(ShutdownTest, IdleServerFinishesBeforeTheGraceDeadline) {
  ServerHarness harness(ok, {}, 2);
  RawClient idle(harness.port());
  ASSERT_TRUE(idle.send(testing::get_request("/")));
  ASSERT_TRUE(idle.read_response());  // now an idle keep-alive connection
  std::promise<void> done;
  const auto start = std::chrono::steady_clock::now();
  harness.server().shutdown(std::chrono::seconds(30), [&done] { done.set_value(); });
  EXPECT_EQ(done.get_future().wait_for(3s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(idle.wait_closed());
  EXPECT_FALSE(can_connect(harness.port()));
  EXPECT_FALSE(harness.server().listen("127.0.0.1", 0).ok()) << "no listening after shutdown";
}

TEST(ShutdownTest, StuckHandlerIsCancelledAfterGrace) {
  std::shared_ptr<Gate> gate;
  ServerHarness harness([&gate](Exchange& ex) { return gated(gate, ex, std::chrono::hours(1)); });
  gate = std::make_shared<Gate>(harness.pool().context(0).get_executor());
  auto entered = gate->entered.get_future();
  auto cancelled = gate->cancelled.get_future();
  RawClient client(harness.port());
  ASSERT_TRUE(client.send(testing::get_request("/stuck")));
  ASSERT_EQ(entered.wait_for(3s), std::future_status::ready);

  std::promise<void> done;
  const auto start = std::chrono::steady_clock::now();
  harness.server().shutdown(200ms, [&done] { done.set_value(); });
  EXPECT_EQ(done.get_future().wait_for(3s), std::future_status::ready);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 150ms) << "the handler got its grace period";
  EXPECT_LT(elapsed, 3s);
  ASSERT_EQ(cancelled.wait_for(1s), std::future_status::ready);
  EXPECT_TRUE(cancelled.get()) << "the handler's pending wait was cancelled";
  EXPECT_TRUE(client.wait_closed());
  EXPECT_FALSE(client.read_response(10ms));
  EXPECT_EQ(harness.server().active_connections(), 0u);
}

TEST(ShutdownTest, SecondShutdownCallStillGetsItsCallback) {
  ServerHarness harness(ok);
  std::promise<void> first;
  std::promise<void> second;
  harness.server().shutdown(1s, [&first] { first.set_value(); });
  EXPECT_EQ(first.get_future().wait_for(3s), std::future_status::ready);
  harness.server().shutdown(1s, [&second] { second.set_value(); });
  EXPECT_EQ(second.get_future().wait_for(3s), std::future_status::ready);
}

}  // namespace
}  // namespace sluice::net
