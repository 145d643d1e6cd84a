// HTTP server behaviour over real loopback connections: keep-alive, limits, timeouts, errors,
// streaming, disconnect detection and multi-worker listening.
#include "net/server.h"

#include "test_util.h"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <future>
#include <set>
#include <string>

namespace sluice::net {
namespace {

using namespace std::chrono_literals;
using testing::RawClient;
using testing::ServerHarness;

Response text_response(std::string body) {
  Response response{http::status::ok, 11};
  response.set(http::field::content_type, "text/plain");
  response.body() = std::move(body);
  return response;
}

// Echoes "<path> <connection id>" and the body size.
asio::awaitable<void> echo(Exchange& exchange) {
  std::string body = std::string(exchange.path()) + " " + std::to_string(exchange.connection_id()) +
                     " " + std::to_string(exchange.request().body().size());
  Response response = text_response(std::move(body));
  const auto& req_body = exchange.request().body();
  if (!req_body.empty() && req_body.capacity() >= req_body.size() + 64)
    response.set("x-padded", "1");
  co_await exchange.respond(std::move(response));
}

TEST(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  ServerHarness harness(echo);
  RawClient client(harness.port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.send(testing::get_request("/a?x=1")));
  auto first = client.read_response();
  ASSERT_TRUE(first);
  ASSERT_TRUE(client.send(testing::get_request("/b")));
  auto second = client.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(first->result(), http::status::ok);
  EXPECT_TRUE(first->keep_alive());
  const std::string a = first->body();
  const std::string b = second->body();
  ASSERT_EQ(a.substr(0, 3), "/a ");  // the query string is not part of path()
  ASSERT_EQ(b.substr(0, 3), "/b ");
  EXPECT_EQ(a.substr(3), b.substr(3)) << "same connection id";
  EXPECT_EQ(harness.server().accepted_connections(), 1u);
}

TEST(ServerTest, HeadResponseHasLengthButNoBody) {
  ServerHarness harness(echo);
  RawClient client(harness.port());
  // The GET right behind the HEAD would be misparsed if the HEAD response carried body bytes.
  ASSERT_TRUE(client.send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n" + testing::get_request("/g")));
  auto head = client.read_response(3000ms, true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->result(), http::status::ok);
  EXPECT_NE((*head)[http::field::content_length], "0");
  auto get = client.read_response();
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body().rfind("/g ", 0), 0u) << get->body();
}

// respond(status, content type, body view): the hand-formatted response.
// Outside the coroutine: GCC 12 rejects braced lists of string literals inside coroutines.
const HeaderList kExtraField = {{"x-extra", "1"}};

asio::awaitable<void> view_echo(Exchange& exchange) {
  const std::string body = "view " + std::string(exchange.path());
  co_await exchange.respond(http::status::accepted, "text/plain", body, kExtraField);
}

TEST(ServerTest, ViewResponseKeepsAliveAndAnswersHeadWithoutBody) {
  ServerHarness harness(view_echo);
  RawClient client(harness.port());
  ASSERT_TRUE(client.send(testing::get_request("/a")));
  auto first = client.read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->result(), http::status::accepted);
  EXPECT_EQ((*first)[http::field::content_type], "text/plain");
  EXPECT_EQ((*first)["x-extra"], "1");
  EXPECT_EQ((*first)[http::field::content_length], "7");
  EXPECT_EQ(first->body(), "view /a");
  EXPECT_TRUE(first->keep_alive());
  // HEAD: the length a GET would have, no body (else the GET behind it would be misparsed).
  ASSERT_TRUE(client.send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n" + testing::get_request("/g")));
  auto head = client.read_response(3000ms, true);
  ASSERT_TRUE(head);
  EXPECT_EQ((*head)[http::field::content_length], "7");
  auto get = client.read_response();
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body(), "view /g");
}

TEST(ServerTest, ViewResponseToHttp10SaysKeepAliveOnlyWhenAsked) {
  ServerHarness harness(view_echo);
  {
    RawClient client(harness.port());
    ASSERT_TRUE(client.send("GET /k HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->version(), 10);
    EXPECT_EQ((*response)[http::field::connection], "keep-alive");
    EXPECT_FALSE(client.wait_closed(200ms)) << "a keep-alive HTTP/1.0 connection stays open";
  }
  RawClient client(harness.port());
  ASSERT_TRUE(client.send("GET /c HTTP/1.0\r\n\r\n"));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "view /c");
  EXPECT_TRUE(client.wait_closed());
}

TEST(ServerTest, PostBodyIsDeliveredWithPaddingCapacity) {
  ServerHarness harness(echo);
  RawClient client(harness.port());
  const std::string body(5000, 'x');
  ASSERT_TRUE(client.send(testing::post_request("/v1/completions", body)));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body().substr(response->body().rfind(' ') + 1), "5000");
  EXPECT_EQ((*response)["x-padded"], "1");
}

TEST(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  ServerHarness harness(echo);
  RawClient client(harness.port());
  ASSERT_TRUE(client.send(testing::get_request("/one") + testing::get_request("/two") +
                          testing::get_request("/three")));
  for (const char* path : {"/one ", "/two ", "/three "}) {
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body().rfind(path, 0), 0u) << response->body();
  }
}

TEST(ServerTest, BodyOverLimitGets413JsonErrorAndClose) {
  ServerLimits limits;
  limits.max_body_bytes = 1000;
  ServerHarness harness(echo, limits);
  RawClient client(harness.port());
  ASSERT_TRUE(client.send(testing::post_request("/v1/chat/completions", std::string(5000, 'x'))));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result(), http::status::payload_too_large);
  EXPECT_EQ((*response)[http::field::content_type], "application/json");
  EXPECT_NE(response->body().find(R"("error":{"message":"request body exceeds 1000 bytes")"),
            std::string::npos)
      << response->body();
  EXPECT_NE(response->body().find(R"("type":"invalid_request_error")"), std::string::npos);
  EXPECT_FALSE(response->keep_alive());
  EXPECT_TRUE(client.wait_closed());
}

TEST(ServerTest, ChunkedBodyOverLimitGets413) {
  ServerLimits limits;
  limits.max_body_bytes = 100;
  ServerHarness harness(echo, limits);
  RawClient client(harness.port());
  std::string request = "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 5; ++i) request += "32\r\n" + std::string(50, 'y') + "\r\n";
  request += "0\r\n\r\n";
  ASSERT_TRUE(client.send(request));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result(), http::status::payload_too_large);
}

TEST(ServerTest, HeaderOverLimitGets431AndClose) {
  ServerLimits limits;
  limits.max_header_bytes = 1024;
  ServerHarness harness(echo, limits);
  RawClient client(harness.port());
  ASSERT_TRUE(client.send(testing::get_request("/", "X-Big: " + std::string(4000, 'h') + "\r\n")));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result(), http::status::request_header_fields_too_large);
  EXPECT_NE(response->body().find("\"error\""), std::string::npos);
  EXPECT_TRUE(client.wait_closed());
}

TEST(ServerTest, MalformedRequestGets400AndClose) {
  ServerHarness harness(echo);
  RawClient client(harness.port());
  ASSERT_TRUE(client.send("GET / HTTP/9.9 what\r\n\r\n"));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result(), http::status::bad_request);
  EXPECT_TRUE(client.wait_closed());
}

TEST(ServerTest, IdleTimeoutClosesKeepAliveConnection) {
  ServerLimits limits;
  limits.idle_timeout = 200ms;
  ServerHarness harness(echo, limits);
  RawClient client(harness.port());
  ASSERT_TRUE(client.send(testing::get_request("/")));
  ASSERT_TRUE(client.read_response());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.wait_closed(3000ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
}

TEST(ServerTest, ReadTimeoutClosesHalfSentRequest) {
  ServerLimits limits;
  limits.read_timeout = 200ms;
  ServerHarness harness(echo, limits);
  RawClient client(harness.port());
  ASSERT_TRUE(client.send(
      "POST /v1/completions HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n{\"half\":"));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.wait_closed(3000ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
  EXPECT_FALSE(client.read_response(10ms)) << "no response to a request that never completed";
}

asio::awaitable<void> no_response(Exchange&) { co_return; }

asio::awaitable<void> throws(Exchange&) {
  throw std::runtime_error("boom");
  co_return;
}

TEST(ServerTest, HandlerWithoutResponseGets500AndConnectionStaysUsable) {
  ServerHarness harness(no_response);
  RawClient client(harness.port());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(client.send(testing::get_request("/")));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result(), http::status::internal_server_error);
    EXPECT_NE(response->body().find(R"("type":"server_error")"), std::string::npos);
  }
}

TEST(ServerTest, HandlerExceptionGets500) {
  ServerHarness harness(throws);
  RawClient client(harness.port());
  ASSERT_TRUE(client.send(testing::get_request("/")));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result(), http::status::internal_server_error);
}

TEST(ServerTest, ExpectContinueGets100BeforeTheBodyIsSent) {
  ServerHarness harness(echo);
  RawClient client(harness.port());
  ASSERT_TRUE(client.send(
      "POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = client.read_response();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->result(), http::status::continue_);
  ASSERT_TRUE(client.send("abcd"));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result(), http::status::ok);
  EXPECT_EQ(response->body().substr(response->body().rfind(' ') + 1), "4");
}

// Outside the coroutine: GCC 12 rejects braced lists of string literals inside coroutines
// ("array used as initializer").
constexpr std::array<const char*, 4> kStreamPieces = {"alpha ", "", "beta ", "gamma"};
HeaderList trace_header() { return {{"X-Trace", "t1"}}; }

asio::awaitable<void> stream_three(Exchange& exchange) {
  if (!co_await exchange.begin_stream(http::status::ok, "text/event-stream", trace_header()))
    co_return;
  for (const char* piece : kStreamPieces) {
    if (!co_await exchange.write_chunk(piece)) co_return;
  }
  co_await exchange.end_stream();
}

TEST(ServerTest, ChunkedStreamThenKeepAlive) {
  ServerHarness harness(stream_three);
  RawClient client(harness.port());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(client.send(testing::get_request("/stream")));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body(), "alpha beta gamma");
    EXPECT_TRUE(response->chunked());
    EXPECT_EQ((*response)[http::field::content_type], "text/event-stream");
    EXPECT_EQ((*response)["x-trace"], "t1");
    EXPECT_TRUE(response->keep_alive());
  }
  EXPECT_EQ(harness.server().accepted_connections(), 1u);
}

// The merged writes: a whole stream in begin_stream(..., last), or a final piece in end_stream.
const HeaderList kNoFields;

constexpr std::string_view kWhole = "all at once";
constexpr std::string_view kFirst = "first ";
constexpr std::string_view kLast = "last";

asio::awaitable<void> merged_stream(Exchange& exchange) {
  const bool whole = exchange.path() == "/one";
  const std::string_view first = whole ? kWhole : kFirst;
  const bool open =
      co_await exchange.begin_stream(http::status::ok, "text/plain", kNoFields, first, whole);
  if (open && !whole) co_await exchange.end_stream(kLast);
}

TEST(ServerTest, StreamWritesMergedWithTheHeadOrTheEndStayValidChunkedAnswers) {
  ServerHarness harness(merged_stream);
  RawClient client(harness.port());
  for (const char* path : {"/two", "/one", "/two"}) {
    ASSERT_TRUE(client.send(testing::get_request(path)));
    auto response = client.read_response();
    ASSERT_TRUE(response) << path;
    EXPECT_TRUE(response->chunked());
    EXPECT_TRUE(response->keep_alive());
    EXPECT_EQ(response->body(), std::string(path) == "/one" ? "all at once" : "first last");
  }
  EXPECT_EQ(harness.server().accepted_connections(), 1u);
}

TEST(ServerTest, Http10StreamIsSentRawAndClosed) {
  ServerHarness harness(stream_three);
  RawClient client(harness.port());
  ASSERT_TRUE(client.send("GET /stream HTTP/1.0\r\n\r\n"));
  EXPECT_TRUE(client.wait_closed());
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_FALSE(response->chunked());
  EXPECT_EQ(response->body(), "alpha beta gamma");
}

// Shared between a handler and the test thread.
struct GoneProbe {
  std::promise<void> handler_started;
  std::promise<bool> callback_fired;  // true if on_client_gone fired, false if the wait timed out
  std::atomic<bool> fired{false};
};

asio::awaitable<void> wait_for_gone(std::shared_ptr<GoneProbe> probe, Exchange& exchange,
                                    Duration wait) {
  asio::steady_timer timer(exchange.executor(), wait);
  exchange.on_client_gone([probe, &timer] {
    probe->fired = true;
    timer.cancel();
  });
  probe->handler_started.set_value();
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  probe->callback_fired.set_value(probe->fired.load());
  co_await exchange.respond(text_response(exchange.client_gone() ? "gone" : "here"));
}

TEST(ServerTest, OnClientGoneFiresWhenClientClosesMidHandler) {
  auto probe = std::make_shared<GoneProbe>();
  ServerHarness harness(
      [probe](Exchange& ex) { return wait_for_gone(probe, ex, std::chrono::seconds(4)); });
  auto started = probe->handler_started.get_future();
  auto fired = probe->callback_fired.get_future();
  {
    RawClient client(harness.port());
    ASSERT_TRUE(client.send(testing::get_request("/wait")));
    ASSERT_EQ(started.wait_for(3s), std::future_status::ready);
  }  // closes the client
  ASSERT_EQ(fired.wait_for(3s), std::future_status::ready) << "handler never woke up";
  EXPECT_TRUE(fired.get());
}

TEST(ServerTest, PipelinedRequestIsNotMistakenForDisconnect) {
  auto probe = std::make_shared<GoneProbe>();
  // The handler waits long enough for the watcher to see the pipelined bytes and decide.
  ServerHarness harness([probe](Exchange& ex) -> asio::awaitable<void> {
    if (ex.path() == "/wait") return wait_for_gone(probe, ex, std::chrono::milliseconds(300));
    return echo(ex);
  });
  auto started = probe->handler_started.get_future();
  auto fired = probe->callback_fired.get_future();
  RawClient client(harness.port());
  ASSERT_TRUE(client.send(testing::get_request("/wait")));
  ASSERT_EQ(started.wait_for(3s), std::future_status::ready);
  ASSERT_TRUE(
      client.send(testing::get_request("/next")));  // pipelined while /wait is in the handler
  ASSERT_EQ(fired.wait_for(3s), std::future_status::ready);
  EXPECT_FALSE(fired.get());
  auto first = client.read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body(), "here");
  auto second = client.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body().rfind("/next ", 0), 0u);
}

// Reports whether writing after close_connection_abruptly() was (wrongly) accepted.
asio::awaitable<void> drop_after_header(std::shared_ptr<std::promise<bool>> wrote_after_drop,
                                        Exchange& exchange) {
  co_await exchange.begin_stream(http::status::ok, "text/event-stream");
  exchange.close_connection_abruptly();
  const bool wrote = co_await exchange.write_chunk("never");
  wrote_after_drop->set_value(wrote || !exchange.client_gone());
}

TEST(ServerTest, CloseConnectionAbruptlyDropsTheConnection) {
  auto wrote_after_drop = std::make_shared<std::promise<bool>>();
  auto wrote = wrote_after_drop->get_future();
  ServerHarness harness(
      [wrote_after_drop](Exchange& ex) { return drop_after_header(wrote_after_drop, ex); });
  RawClient client(harness.port());
  ASSERT_TRUE(client.send(testing::get_request("/")));
  EXPECT_TRUE(client.wait_closed());
  EXPECT_FALSE(client.read_response(10ms)) << "the stream was never finished";
  ASSERT_EQ(wrote.wait_for(3s), std::future_status::ready);
  EXPECT_FALSE(wrote.get());
}

asio::awaitable<void> report_worker(Exchange& exchange) {
  co_await exchange.respond(text_response(std::to_string(exchange.worker_index())));
}

TEST(ServerTest, MultipleWorkersServeTheSamePort) {
  ServerHarness harness(report_worker, {}, 2);
  std::set<std::string> workers;
  // The kernel hashes each connection to one of the SO_REUSEPORT listeners; 40 connections all
  // landing on one of two workers has probability 2^-39.
  for (int i = 0; i < 40; ++i) {
    RawClient client(harness.port());
    ASSERT_TRUE(client.send(testing::get_request("/")));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    workers.insert(response->body());
  }
  EXPECT_EQ(workers, (std::set<std::string>{"0", "1"}));
}

TEST(ServerTest, ListenOnWorkerPinsConnectionsToThatWorker) {
  WorkerPool pool(2);
  Server server(pool, report_worker);
  auto port = server.listen_on_worker("127.0.0.1", 0, 1);
  ASSERT_TRUE(port.ok());
  EXPECT_FALSE(server.listen_on_worker("127.0.0.1", 0, 2).ok());
  std::thread runner([&pool] { pool.run(); });
  for (int i = 0; i < 5; ++i) {
    RawClient client(*port);
    ASSERT_TRUE(client.send(testing::get_request("/")));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body(), "1");
  }
  std::promise<void> done;
  server.shutdown(Duration::zero(), [&done] { done.set_value(); });
  EXPECT_EQ(done.get_future().wait_for(3s), std::future_status::ready);
  pool.stop();
  runner.join();
}

TEST(ServerTest, ListenOnAPortTakenWithoutReusePortFails) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  WorkerPool pool(1);
  Server server(pool, echo);
  auto result = server.listen("127.0.0.1", ntohs(addr.sin_port));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kIo);
  EXPECT_FALSE(server.listen("not a host name!", 0).ok());
  ::close(fd);
}

// SO_REUSEPORT must not let a second server (another process, typically) silently share a port
// that another Sluice server already listens on: both the pinned and the all-workers paths fail.
TEST(ServerTest, SecondServerOnTheSamePortFails) {
  ServerHarness first(report_worker, {}, 2);
  WorkerPool pool(2);
  Server second(pool, report_worker);
  auto all_workers = second.listen("127.0.0.1", first.port());
  ASSERT_FALSE(all_workers.ok());
  EXPECT_EQ(all_workers.error().code, ErrorCode::kIo);
  EXPECT_FALSE(second.listen_on_worker("127.0.0.1", first.port(), 0).ok());
}

}  // namespace
}  // namespace sluice::net
