// Helpers for src/net tests: a server running on its own threads, a raw blocking client with
// timeouts (so a misbehaving server fails a test instead of hanging it), and an event a handler
// coroutine can await while the test thread decides when to release it.
#pragma once

#include "net/asio.h"
#include "net/server.h"
#include "net/worker_pool.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <future>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <optional>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace sluice::net::testing {

using namespace std::chrono_literals;

/// A WorkerPool plus Server listening on 127.0.0.1:<free port>, run on background threads.
class ServerHarness {
 public:
  explicit ServerHarness(Handler handler, ServerLimits limits = {}, std::size_t workers = 1)
      : pool_(workers), server_(std::make_unique<Server>(pool_, std::move(handler), limits)) {
    auto port = server_->listen("127.0.0.1", 0);
    EXPECT_TRUE(port.ok()) << (port.ok() ? "" : port.error().message);
    if (port.ok()) port_ = *port;
    thread_ = std::thread([this] { pool_.run(); });
  }
  ~ServerHarness() { stop(); }
  ServerHarness(const ServerHarness&) = delete;
  ServerHarness& operator=(const ServerHarness&) = delete;

  std::uint16_t port() const { return port_; }
  Server& server() { return *server_; }
  WorkerPool& pool() { return pool_; }
  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }

  /// Returns once everything posted to worker `index` before this call has run.
  void sync_worker(std::size_t index = 0) {
    std::promise<void> done;
    asio::post(pool_.context(index), [&done] { done.set_value(); });
    EXPECT_EQ(done.get_future().wait_for(5s), std::future_status::ready);
  }

  /// Shuts the server down with no grace (if not done already), stops and joins the pool.
  void stop() {
    if (!thread_.joinable()) return;
    auto done = std::make_shared<std::promise<void>>();
    server_->shutdown(Duration::zero(), [done] { done->set_value(); });
    EXPECT_EQ(done->get_future().wait_for(5s), std::future_status::ready);
    pool_.stop();
    thread_.join();
    server_.reset();
  }

 private:
  WorkerPool pool_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

/// A blocking TCP client on POSIX sockets; every wait has a timeout.
class RawClient {
 public:
  using Response = http::response<http::string_body>;

  explicit RawClient(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawClient() { close(); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }

  bool send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  /// Reads one complete response (an interim 100 Continue counts as one). nullopt on timeout or
  /// if the connection closed first. `head`: the response to a HEAD request (no body follows).
  std::optional<Response> read_response(std::chrono::milliseconds timeout = 3000ms,
                                        bool head = false) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto response = try_parse(false, head)) return response;
      if (eof_) return try_parse(true, head);
      if (!receive_some(deadline)) return std::nullopt;
    }
  }

  /// True if the server closed the connection (FIN or reset) within `timeout`. Data read meanwhile
  /// is kept for read_response().
  bool wait_closed(std::chrono::milliseconds timeout = 3000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!eof_) {
      if (!receive_some(deadline) && !eof_) return false;
    }
    return true;
  }

  /// Orderly close (FIN).
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  // Returns false on timeout; sets eof_ on FIN or error.
  bool receive_some(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[16384];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      eof_ = true;
      return true;
    }
    pending_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  std::optional<Response> try_parse(bool at_eof, bool head) {
    if (pending_.empty()) return std::nullopt;
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    parser.skip(head);
    parser.body_limit(64 * 1024 * 1024);
    boost::system::error_code ec;
    std::size_t used = 0;
    while (!parser.is_done() && used < pending_.size()) {
      const std::size_t n =
          parser.put(asio::buffer(pending_.data() + used, pending_.size() - used), ec);
      used += n;
      if (ec == http::error::need_more) {
        ec = {};
        break;
      }
      if (ec || n == 0) break;
    }
    if (!parser.is_done() && at_eof && !ec) parser.put_eof(ec);
    if (!parser.is_done()) return std::nullopt;
    pending_.erase(0, used);
    return parser.release();
  }

  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string pending_;
};

/// An event a handler coroutine can co_await; set() may be called from any thread. Counts how often
/// it was set, so a sequence of steps can wait for the n-th. Owns no I/O object (the timer lives in
/// the waiting coroutine), so it may outlive the io_context it posts to.
class AsyncEvent {
 public:
  explicit AsyncEvent(asio::any_io_executor executor) : executor_(std::move(executor)) {}

  void set() {
    asio::post(executor_, [this] {
      ++count_;
      if (waiting_ != nullptr) waiting_->cancel();
    });
  }
  /// True if set() was called at least `times` times within `timeout`. Must run on the executor
  /// given to the constructor.
  asio::awaitable<bool> wait(Duration timeout, int times = 1) {
    asio::steady_timer timer(executor_);
    struct Registration {
      AsyncEvent* event;
      ~Registration() { event->waiting_ = nullptr; }
    } registration{this};
    waiting_ = &timer;
    const TimePoint deadline = SteadyClock::now() + timeout;
    while (count_ < times && SteadyClock::now() < deadline) {
      timer.expires_at(deadline);
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    co_return count_ >= times;
  }

 private:
  asio::any_io_executor executor_;
  asio::steady_timer* waiting_ = nullptr;
  int count_ = 0;
};

// co_spawn needs a default-constructible result; Result<T> is not.
template <typename T>
asio::awaitable<std::optional<T>> as_optional(asio::awaitable<T> task) {
  co_return co_await std::move(task);
}

/// Runs `task` to completion on `context` (the calling thread), failing the test after `limit`.
template <typename T>
T run_on(asio::io_context& context, asio::awaitable<T> task, std::chrono::seconds limit = 5s) {
  auto future = asio::co_spawn(context, as_optional(std::move(task)), asio::use_future);
  context.restart();
  context.run_for(limit);
  if (future.wait_for(0s) != std::future_status::ready) {
    ADD_FAILURE() << "task did not finish in time";
    throw std::runtime_error("task did not finish in time");  // get() would block forever
  }
  return std::move(*future.get());
}

/// "GET <path> HTTP/1.1" with Host, and optional extra header lines (each ending in \r\n).
inline std::string get_request(std::string_view path, std::string_view extra_headers = {}) {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) +
         "\r\n";
}

inline std::string post_request(std::string_view path, std::string_view body) {
  return "POST " + std::string(path) +
         " HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

}  // namespace sluice::net::testing
