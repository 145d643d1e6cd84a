// relay() between two in-process servers: an upstream "model server" and a front whose handler
// relays to it, read by a plain client. Runs under ASan in CI.
#include "gateway/relay.h"

#include "net/sse.h"
#include "net/test_util.h"

#include <gtest/gtest.h>

namespace sluice::gateway {
namespace {

namespace http = boost::beast::http;
using net::testing::run_on;
using net::testing::ServerHarness;

/// Upstream behaviours, chosen by the request path.
asio::awaitable<void> upstream(net::Exchange& exchange) {
  const std::string path(exchange.path());
  if (path == "/busy") {
    net::Response response{http::status::service_unavailable, 11};
    response.set(http::field::content_type, "application/json");
    response.body() = R"({"error":"busy"})";
    co_await exchange.respond(std::move(response));
    co_return;
  }
  if (!co_await exchange.begin_stream(http::status::ok, "text/event-stream")) co_return;
  std::string first;
  net::append_sse_event(first, R"({"n":1})");
  co_await exchange.write_chunk(std::move(first));
  if (path == "/die") {
    exchange.close_connection_abruptly();
    co_return;
  }
  std::string rest;
  net::append_sse_event(rest, R"({"n":2})");
  net::append_sse_event(rest, "[DONE]");
  co_await exchange.write_chunk(std::move(rest));
  co_await exchange.end_stream();
}

/// The front: relays every request to upstream_base + its path; a held 5xx is answered as 599
/// with the held body, so the test can tell "held" from "relayed".
struct Front {
  std::string upstream_base;
  std::unique_ptr<net::HttpClient> client;  // created on the front's worker

  asio::awaitable<void> handle(net::Exchange& exchange) {
    if (!client) client = std::make_unique<net::HttpClient>(exchange.executor());
    net::ClientRequest request;
    request.url = upstream_base + std::string(exchange.path());
    RelayLimits limits;
    limits.hold_server_errors = true;
    RelayResult result = co_await relay(*client, exchange, std::move(request), limits);
    if (!result.relayed && !result.client_gone) {
      net::Response response{static_cast<http::status>(599), 11};
      response.body() = std::to_string(result.status) + " " + result.held_body;
      co_await exchange.respond(std::move(response));
    }
  }
};

class RelayTest : public ::testing::Test {
 protected:
  RelayTest()
      : upstream_(upstream),
        front_state_{upstream_.url(""), nullptr},
        front_([this](net::Exchange& e) { return front_state_.handle(e); }) {}
  ~RelayTest() override {
    // The front's client owns sockets of the front's io_context: close them while it exists.
    front_.stop();
    front_state_.client.reset();
  }

  Result<net::ClientResponse> get(const std::string& path) {
    net::ClientRequest request;
    request.url = front_.url(path);
    return run_on(context_, client_.request(std::move(request)));
  }

  ServerHarness upstream_;
  Front front_state_;
  ServerHarness front_;
  asio::io_context context_;
  net::HttpClient client_{context_.get_executor()};
};

TEST_F(RelayTest, StreamsTheUpstreamAnswerThrough) {
  auto response = get("/ok");
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->headers[http::field::content_type], "text/event-stream");
  EXPECT_EQ(response->body, "data: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: [DONE]\n\n");
}

TEST_F(RelayTest, AnUpstreamDyingMidStreamEndsTheStreamWithAnErrorEvent) {
  auto response = get("/die");
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body.rfind("data: {\"n\":1}\n\ndata: {\"error\":", 0), 0u) << response->body;
  EXPECT_NE(response->body.find("mid-stream"), std::string::npos);
  EXPECT_TRUE(response->body.ends_with("data: [DONE]\n\n"));
}

TEST_F(RelayTest, AServerErrorIsHeldForTheCallerToRetry) {
  auto response = get("/busy");
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 599);
  EXPECT_EQ(response->body, R"(503 {"error":"busy"})");
}

}  // namespace
}  // namespace sluice::gateway
