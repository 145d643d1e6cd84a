// BenchSession against an in-process streaming server: a closed-loop stage measures what the
// server sends, and SIGINT abandons requests still in flight without leaking or touching freed
// memory (this runs under ASan in CI).
#include "bench/driver/session.h"

#include "net/sse.h"
#include "net/test_util.h"

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <thread>

namespace sluice::bench {
namespace {

using namespace std::chrono_literals;
using net::testing::ServerHarness;

constexpr const char* kChunk = R"({"choices":[{"index":0,"delta":{"content":" the"}}]})";
constexpr const char* kUsage =
    R"({"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}})";

namespace asio = boost::asio;

/// Three one-token chunks and usage; every other request (with `hang_every_other`) gets one chunk
/// and then nothing for 30 s.
asio::awaitable<void> serve(net::Exchange& exchange, std::atomic<int>* requests,
                            bool hang_every_other) {
  const bool hang = hang_every_other && (requests->fetch_add(1) % 2 == 1);
  if (!hang_every_other) requests->fetch_add(1);
  if (!co_await exchange.begin_stream(net::http::status::ok, "text/event-stream")) co_return;
  std::string body;
  for (int i = 0; i < (hang ? 1 : 3); ++i) net::append_sse_event(body, kChunk);
  co_await exchange.write_chunk(std::move(body));
  if (hang) {
    asio::steady_timer timer(co_await asio::this_coro::executor, 30s);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return;
  }
  std::string tail;
  net::append_sse_event(tail, kUsage);
  net::append_sse_event(tail, "[DONE]");
  co_await exchange.write_chunk(std::move(tail));
  co_await exchange.end_stream();
}

// Not a coroutine itself: the coroutine gets its state by value (DESIGN.md's rule).
net::Handler streaming_server(std::atomic<int>* requests, bool hang_every_other) {
  return [requests, hang_every_other](net::Exchange& exchange) {
    return serve(exchange, requests, hang_every_other);
  };
}

struct Fixture {
  explicit Fixture(const std::string& url) {
    DatasetOptions d;
    d.input = LengthDistribution::fixed(5);
    d.output = LengthDistribution::fixed(3);
    dataset = std::move(make_dataset(d).value());
    options.url = url;
    options.pick_model = [this](std::uint64_t) -> const std::string& { return model; };
  }
  std::string model = "m";
  std::unique_ptr<Dataset> dataset;
  SessionOptions options;
};

TEST(BenchSession, ClosedLoopStageCountsTokensFromUsageAndChunks) {
  std::atomic<int> requests{0};
  ServerHarness harness(streaming_server(&requests, false));
  Fixture f(harness.url(""));
  auto session = BenchSession::create(f.options, *f.dataset);
  ASSERT_TRUE(session.ok());
  LoadShape shape;
  shape.concurrency = 4;
  shape.num_requests = 20;
  StageReport r = (*session)->run_stage("closed", shape);
  EXPECT_EQ(r.completed, 20u);
  EXPECT_EQ(r.failed, 0u);
  EXPECT_EQ(r.output_tokens, 60u);
  EXPECT_EQ(r.input_tokens, 180u);
  EXPECT_EQ(r.token_mismatches, 0u);
  EXPECT_EQ(r.itl.count, 40u);  // two gaps per three-chunk answer
  EXPECT_EQ(requests.load(), 20);
  EXPECT_FALSE(r.interrupted);
}

TEST(BenchSession, SigintAbandonsInFlightRequestsAndReportsWhatFinished) {
  std::atomic<int> requests{0};
  ServerHarness harness(streaming_server(&requests, true));
  Fixture f(harness.url(""));
  auto session = BenchSession::create(f.options, *f.dataset);
  ASSERT_TRUE(session.ok());
  LoadShape shape;
  shape.rate = 100;
  shape.duration = 30s;
  std::thread interrupter([] {
    std::this_thread::sleep_for(300ms);
    std::raise(SIGINT);  // the session's signal_set turns it into an interrupt, not an exit
  });
  const auto started = SteadyClock::now();
  StageReport r = (*session)->run_stage("interrupted", shape);
  interrupter.join();
  EXPECT_LT(SteadyClock::now() - started, 10s) << "the stage stopped at the signal";
  EXPECT_TRUE(r.interrupted);
  EXPECT_TRUE((*session)->interrupted());
  EXPECT_GT(r.completed, 0u);
  EXPECT_EQ(r.failed, 0u) << "abandoned requests are not failures";
  EXPECT_GT(static_cast<std::uint64_t>(requests.load()), r.completed) << "some were in flight";
  // No further stage runs after an interrupt.
  StageReport next = (*session)->run_stage("next", shape);
  EXPECT_TRUE(next.interrupted);
  EXPECT_EQ(next.completed + next.failed, 0u);
  session->reset();  // destroys the abandoned coroutines: ASan checks they touch nothing freed
}

}  // namespace
}  // namespace sluice::bench
