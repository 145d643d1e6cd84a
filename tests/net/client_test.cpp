// HttpClient against the Server over loopback: buffered and streamed responses, connection reuse,
// deadlines and error mapping.
#include "net/client.h"

#include "net/sse.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sluice::net {
namespace {

using namespace std::chrono_literals;
using testing::AsyncEvent;
using testing::run_on;
using testing::ServerHarness;

asio::awaitable<void> echo_request(Exchange& exchange) {
  Response response{http::status::created, 11};
  response.set("x-method", std::string(http::to_string(exchange.request().method())));
  response.set("x-custom", std::string(exchange.request()["x-custom"]));
  response.set("x-connection", std::to_string(exchange.connection_id()));
  response.body() = std::string(exchange.request().target()) + "|" + exchange.request().body();
  co_await exchange.respond(std::move(response));
}

class ClientTest : public ::testing::Test {
 protected:
  asio::io_context context_;
  HttpClient client_{context_.get_executor()};
};

TEST_F(ClientTest, RequestSendsMethodHeadersAndBody) {
  ServerHarness harness(echo_request);
  ClientRequest request;
  request.method = http::verb::post;
  request.url = harness.url("/v1/chat/completions?stream=false");
  request.body = R"({"model":"m"})";
  request.headers = {{"X-Custom", "abc"}};
  auto result = run_on(context_, client_.request(std::move(request)));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->status, 201);
  EXPECT_EQ(result->body, R"(/v1/chat/completions?stream=false|{"model":"m"})");
  EXPECT_EQ(result->headers["x-method"], "POST");
  EXPECT_EQ(result->headers["x-custom"], "abc");
}

asio::awaitable<std::vector<Result<ClientResponse>>> sequential(HttpClient* client, std::string url,
                                                                int count) {
  std::vector<Result<ClientResponse>> out;
  for (int i = 0; i < count; ++i) {
    ClientRequest request;
    request.url = url;
    out.push_back(co_await client->request(std::move(request)));
  }
  co_return out;
}

TEST_F(ClientTest, PoolReusesConnections) {
  ServerHarness harness(echo_request);
  auto results = run_on(context_, sequential(&client_, harness.url("/x"), 5));
  ASSERT_EQ(results.size(), 5u);
  for (auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->headers["x-connection"], results[0]->headers["x-connection"]);
  }
  EXPECT_EQ(harness.server().accepted_connections(), 1u);
  EXPECT_EQ(client_.connections_opened(), 1u);
  EXPECT_EQ(client_.idle_connections(), 1u);
}

TEST_F(ClientTest, IdleConnectionClosedByServerIsNotReused) {
  ServerLimits limits;
  limits.idle_timeout = 100ms;
  ServerHarness harness(echo_request, limits);
  auto first = run_on(context_, sequential(&client_, harness.url("/a"), 1));
  ASSERT_TRUE(first[0].ok());
  // Wait (bounded) for the server's idle timeout to close the pooled connection.
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  while (harness.server().active_connections() != 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(harness.server().active_connections(), 0u);
  auto second = run_on(context_, sequential(&client_, harness.url("/b"), 1));
  ASSERT_TRUE(second[0].ok()) << second[0].error().message;
  EXPECT_EQ(client_.connections_opened(), 2u);
}

struct StreamProbe {
  explicit StreamProbe(asio::any_io_executor executor) : next(std::move(executor)) {}
  AsyncEvent next;  // the client received a piece: the handler may send the next
};

// Outside the coroutine: GCC 12 rejects braced lists of string literals inside coroutines.
constexpr std::array<const char*, 3> kPacedPieces = {"first", "second", "third"};

asio::awaitable<void> paced_stream(std::shared_ptr<StreamProbe> probe, Exchange& exchange) {
  if (!co_await exchange.begin_stream(http::status::ok, "text/plain")) co_return;
  int sent = 0;
  for (const char* piece : kPacedPieces) {
    if (!co_await exchange.write_chunk(piece)) co_return;
    // Only continue once the client has seen this piece: proves it arrives on its own.
    if (!co_await probe->next.wait(std::chrono::seconds(3), ++sent)) co_return;
  }
  co_await exchange.end_stream();
}

TEST_F(ClientTest, StreamDeliversChunksAsTheyArrive) {
  std::shared_ptr<StreamProbe> probe;
  ServerHarness harness([&probe](Exchange& ex) { return paced_stream(probe, ex); });
  probe = std::make_shared<StreamProbe>(harness.pool().context(0).get_executor());
  std::vector<std::string> pieces;
  ClientRequest request;
  request.url = harness.url("/stream");
  auto result = run_on(context_, client_.stream(std::move(request), [&](std::string_view data) {
    pieces.emplace_back(data);
    probe->next.set();
    return true;
  }));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->status, 200);
  EXPECT_TRUE(result->body.empty());
  EXPECT_EQ(pieces, (std::vector<std::string>{"first", "second", "third"}));
  EXPECT_EQ(client_.idle_connections(), 1u)
      << "a completed stream returns its connection to the pool";
}

asio::awaitable<void> long_stream(Exchange& exchange) {
  if (!co_await exchange.begin_stream(http::status::ok, "text/plain")) co_return;
  for (int i = 0; i < 1000; ++i) {
    if (!co_await exchange.write_chunk("data " + std::to_string(i) + "\n")) co_return;
    asio::steady_timer pause(exchange.executor(), 5ms);
    co_await pause.async_wait(asio::use_awaitable);
  }
  co_await exchange.end_stream();
}

TEST_F(ClientTest, StreamAbortedByCallbackIsCancelledAndNotPooled) {
  ServerHarness harness(long_stream);
  ClientRequest request;
  request.url = harness.url("/stream");
  int calls = 0;
  auto result = run_on(
      context_, client_.stream(std::move(request), [&](std::string_view) { return ++calls < 2; }));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kCancelled);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(client_.idle_connections(), 0u);
}

asio::awaitable<void> sse_stream(Exchange& exchange) {
  if (!co_await exchange.begin_stream(http::status::ok, "text/event-stream")) co_return;
  std::string batch;
  append_sse_event(batch, R"({"id":1})");
  append_sse_event(batch, "two\nlines");
  co_await exchange.write_chunk(std::move(batch));
  co_await exchange.write_chunk(sse_event("[DONE]"));
  co_await exchange.end_stream();
}

TEST_F(ClientTest, SseRoundTripThroughStream) {
  ServerHarness harness(sse_stream);
  ClientRequest request;
  request.url = harness.url("/sse");
  SseParser parser;
  std::vector<std::string> events;
  bool parse_ok = true;
  auto result = run_on(context_, client_.stream(std::move(request), [&](std::string_view data) {
    parse_ok = parse_ok &&
               parser.feed(data, [&](const SseParser::Event& e) { events.push_back(e.data); }).ok();
    return true;
  }));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(parse_ok);
  EXPECT_EQ(events, (std::vector<std::string>{R"({"id":1})", "two\nlines", "[DONE]"}));
}

asio::awaitable<void> never_responds(Exchange& exchange) {
  asio::steady_timer timer(exchange.executor(), std::chrono::seconds(10));
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

/// What a ClientCall saw, step by step.
struct CallTrace {
  int status = 0;
  std::string content_type;
  bool done_before_body = true;
  std::vector<std::string> pieces;
  std::optional<Error> error;
};

asio::awaitable<CallTrace> pull_all(ClientCall call) {
  CallTrace trace;
  if (Status started = co_await call.start(); !started) {
    trace.error = started.error();
    co_return trace;
  }
  trace.status = call.status();
  trace.content_type = std::string(call.headers()[http::field::content_type]);
  trace.done_before_body = call.done();
  for (;;) {
    auto piece = co_await call.read();
    if (!piece) {
      trace.error = piece.error();
      break;
    }
    if (piece->empty()) break;
    trace.pieces.emplace_back(*piece);
  }
  co_return trace;
}

TEST_F(ClientTest, CallGivesTheHeadThenPullsTheBodyAndPoolsTheConnection) {
  ServerHarness harness(sse_stream);
  ClientRequest request;
  request.url = harness.url("/sse");
  CallTrace trace = run_on(context_, pull_all(client_.call(std::move(request))));
  ASSERT_FALSE(trace.error) << trace.error->message;
  EXPECT_EQ(trace.status, 200);
  EXPECT_EQ(trace.content_type, "text/event-stream");
  EXPECT_FALSE(trace.done_before_body);
  std::string body;
  for (const auto& piece : trace.pieces) body += piece;
  EXPECT_EQ(body, "data: {\"id\":1}\n\ndata: two\ndata: lines\n\ndata: [DONE]\n\n");
  EXPECT_EQ(client_.idle_connections(), 1u);
}

asio::awaitable<Status> start_then_abort(HttpClient* client, std::string url) {
  ClientRequest request;
  request.url = std::move(url);
  ClientCall call = client->call(std::move(request));
  auto executor = co_await asio::this_coro::executor;
  // The server never answers: abort() from another handler must end the wait for the head.
  asio::steady_timer later(executor, 50ms);
  later.async_wait([&call](boost::system::error_code) { call.abort(); });
  co_return co_await call.start();
}

TEST_F(ClientTest, CallAbortEndsAWaitForTheHead) {
  ServerHarness harness(never_responds);
  const auto start = std::chrono::steady_clock::now();
  Status status = run_on(context_, start_then_abort(&client_, harness.url("/slow")));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kCancelled) << status.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(client_.idle_connections(), 0u);
}

asio::awaitable<std::vector<std::string>> read_twice_then_abort(HttpClient* client,
                                                                std::string url) {
  std::vector<std::string> seen;
  ClientRequest request;
  request.url = std::move(url);
  ClientCall call = client->call(std::move(request));
  if (!co_await call.start()) co_return seen;
  for (int i = 0; i < 2; ++i) {
    auto piece = co_await call.read();
    if (!piece) co_return seen;
    seen.emplace_back(*piece);
  }
  call.abort();
  auto after = co_await call.read();
  seen.push_back(after.ok() ? "read after abort succeeded"
                            : "code " + std::to_string(static_cast<int>(after.error().code)));
  co_return seen;
}

TEST_F(ClientTest, CallAbortedMidBodyIsNotPooled) {
  ServerHarness harness(long_stream);
  auto seen = run_on(context_, read_twice_then_abort(&client_, harness.url("/stream")));
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].rfind("data 0\n", 0), 0u) << seen[0];
  EXPECT_EQ(seen[2], "code " + std::to_string(static_cast<int>(ErrorCode::kCancelled)));
  EXPECT_EQ(client_.idle_connections(), 0u);
}

TEST_F(ClientTest, TimeoutIsReported) {
  ServerHarness harness(never_responds);
  ClientRequest request;
  request.url = harness.url("/slow");
  request.timeout = 200ms;
  const auto start = std::chrono::steady_clock::now();
  auto result = run_on(context_, client_.request(std::move(request)));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kTimeout) << result.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(ClientTest, ConnectionRefusedIsIo) {
  std::uint16_t port = 0;
  {
    ServerHarness harness(echo_request);
    port = harness.port();
  }  // the port is closed again
  ClientRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  auto result = run_on(context_, client_.request(std::move(request)));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kIo);
}

TEST_F(ClientTest, BadUrlIsInvalidArgument) {
  ClientRequest request;
  request.url = "ftp://example.com/";
  auto result = run_on(context_, client_.request(std::move(request)));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(result.error().field, "url");
}

TEST_F(ClientTest, HeaderWithALineBreakIsRejectedBeforeSending) {
  ServerHarness harness(echo_request);
  ClientRequest request;
  request.url = harness.url("/x");
  request.headers = {{"X-Custom", "a\r\nX-Injected: 1"}};
  auto result = run_on(context_, client_.request(std::move(request)));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(client_.connections_opened(), 0u);
}

TEST_F(ClientTest, ParsedOriginTargetAndHeaderLinesAreSent) {
  ServerHarness harness(echo_request);
  auto origin = parse_http_url(harness.url("/ignored"));
  ASSERT_TRUE(origin.ok());
  ClientRequest request;
  request.method = http::verb::post;
  request.origin = &*origin;
  request.target = "/v1/completions?x=1";
  request.body = "hello";
  request.header_lines = "X-Custom: from-lines\r\n";
  auto result = run_on(context_, client_.request(std::move(request)));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->body, "/v1/completions?x=1|hello");
  EXPECT_EQ(result->headers["x-custom"], "from-lines");
  EXPECT_EQ(result->headers["x-method"], "POST");
}

asio::awaitable<void> big_body(Exchange& exchange) {
  Response response{http::status::ok, 11};
  response.body() = std::string(10000, 'z');
  co_await exchange.respond(std::move(response));
}

TEST_F(ClientTest, ResponseOverLimitIsTooLarge) {
  ServerHarness harness(big_body);
  ClientRequest request;
  request.url = harness.url("/");
  request.max_response_bytes = 1000;
  auto result = run_on(context_, client_.request(std::move(request)));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kTooLarge);
}

}  // namespace
}  // namespace sluice::net
