#include "extproc/grpc_h2_server.h"

#include "core/log.h"
#include "extproc/h2_connection.h"
#include "net/listen.h"

#include <chrono>
#include <vector>

namespace sluice::extproc {

using asio::ip::tcp;

namespace {
constexpr auto kAcceptBackoff = std::chrono::milliseconds(50);
constexpr auto kShutdownPoll = std::chrono::milliseconds(10);
}  // namespace

struct GrpcH2Server::State : std::enable_shared_from_this<GrpcH2Server::State> {
  /// One worker's acceptor and connections, touched only on that worker's thread.
  struct Worker {
    std::unique_ptr<tcp::acceptor> acceptor;
    std::vector<std::weak_ptr<detail::H2Connection>> connections;
  };

  State(net::WorkerPool& workers_pool, GrpcStreamFactory factory, GrpcServerLimits limits)
      : pool(workers_pool),
        shared(std::make_shared<detail::H2Connection::Shared>()),
        workers(workers_pool.size()) {
    shared->factory = std::move(factory);
    shared->limits = limits;
  }

  void accept(std::size_t w) {
    workers[w].acceptor->async_accept([self = shared_from_this(), w](
                                          const boost::system::error_code& ec, tcp::socket socket) {
      Worker& worker = self->workers[w];
      if (!worker.acceptor || !worker.acceptor->is_open()) return;
      if (ec) {
        log::warn("epp: accept failed: {}", ec.message());
        auto timer = std::make_shared<asio::steady_timer>(self->pool.context(w), kAcceptBackoff);
        timer->async_wait([self, w, timer](const boost::system::error_code&) { self->accept(w); });
        return;
      }
      boost::system::error_code option_ec;
      socket.set_option(tcp::no_delay(true), option_ec);
      socket.non_blocking(true, option_ec);  // writes are tried at once (H2Connection::flush)
      auto connection = std::make_shared<detail::H2Connection>(std::move(socket), self->shared);
      std::erase_if(worker.connections, [](const auto& c) { return c.expired(); });
      worker.connections.push_back(connection);
      connection->start(self->shared->limits.handshake_timeout);
      self->accept(w);
    });
  }

  template <typename F>
  void each_connection(std::size_t w, F f) {
    for (const auto& weak : workers[w].connections) {
      if (auto c = weak.lock()) f(*c);
    }
  }

  net::WorkerPool& pool;
  std::shared_ptr<detail::H2Connection::Shared> shared;
  std::vector<Worker> workers;
};

/// On worker 0: waits until every connection closed or the grace ran out, then closes what is left
/// on every worker and calls on_done.
struct GrpcH2Server::ShutdownWatch : std::enable_shared_from_this<GrpcH2Server::ShutdownWatch> {
  ShutdownWatch(std::shared_ptr<State> server, TimePoint until, std::function<void()> then)
      : state(std::move(server)),
        timer(state->pool.context(0)),
        deadline(until),
        on_done(std::move(then)) {}

  void check() {
    if (state->shared->open_connections.load(std::memory_order_relaxed) > 0 &&
        std::chrono::steady_clock::now() < deadline) {
      timer.expires_after(kShutdownPoll);
      timer.async_wait(
          [self = shared_from_this()](const boost::system::error_code&) { self->check(); });
      return;
    }
    for (std::size_t w = 0; w < state->pool.size(); ++w) {
      asio::post(state->pool.context(w), [state = state, w] {
        state->each_connection(w, [](detail::H2Connection& c) { c.close(); });
      });
    }
    if (on_done) asio::post(state->pool.context(0), std::move(on_done));
  }

  std::shared_ptr<State> state;
  asio::steady_timer timer;
  TimePoint deadline;
  std::function<void()> on_done;
};

GrpcH2Server::GrpcH2Server(net::WorkerPool& workers, GrpcStreamFactory factory,
                           GrpcServerLimits limits)
    : state_(std::make_shared<State>(workers, std::move(factory), limits)) {}

GrpcH2Server::~GrpcH2Server() = default;

Result<std::uint16_t> GrpcH2Server::listen(const std::string& host, std::uint16_t port) {
  net::WorkerPool& pool = state_->pool;
  auto endpoint = net::listen_endpoint(pool.context(0), host, port);
  if (!endpoint) return std::move(endpoint).error();
  const bool share_port = pool.size() > 1;
  if (share_port && endpoint->port() != 0) {  // refuse to join another process's listener
    auto probe = net::open_acceptor(pool.context(0), *endpoint, false, false);
    if (!probe) return std::move(probe).error();
  }
  std::vector<tcp::acceptor> acceptors;
  for (std::size_t w = 0; w < pool.size(); ++w) {
    auto acceptor = net::open_acceptor(pool.context(w), *endpoint, share_port);
    if (!acceptor) return std::move(acceptor).error();
    if (endpoint->port() == 0) endpoint->port(acceptor->local_endpoint().port());
    acceptors.push_back(std::move(acceptor).value());
  }
  for (std::size_t w = 0; w < pool.size(); ++w) {
    asio::post(pool.context(w),
               [state = state_, w,
                a = std::make_shared<tcp::acceptor>(std::move(acceptors[w]))]() mutable {
                 state->workers[w].acceptor = std::make_unique<tcp::acceptor>(std::move(*a));
                 state->accept(w);
               });
  }
  return endpoint->port();
}

void GrpcH2Server::shutdown(Duration grace, std::function<void()> on_done) {
  auto state = state_;
  for (std::size_t w = 0; w < state->pool.size(); ++w) {
    asio::post(state->pool.context(w), [state, w] {
      boost::system::error_code ignored;
      if (auto& acceptor = state->workers[w].acceptor) acceptor->close(ignored);
      state->each_connection(w, [](detail::H2Connection& c) { c.drain(); });
    });
  }
  auto watch = std::make_shared<ShutdownWatch>(state, std::chrono::steady_clock::now() + grace,
                                               std::move(on_done));
  asio::post(state->pool.context(0), [watch = std::move(watch)] { watch->check(); });
}

std::int64_t GrpcH2Server::open_streams() const {
  return state_->shared->open_streams.load(std::memory_order_relaxed);
}

std::int64_t GrpcH2Server::open_connections() const {
  return state_->shared->open_connections.load(std::memory_order_relaxed);
}

}  // namespace sluice::extproc
