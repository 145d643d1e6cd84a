#include "net/server.h"

#include "core/log.h"
#include "net/asio.h"
#include "net/connection.h"
#include "net/listen.h"
#include "net/server_state.h"

#include <chrono>
#include <exception>
#include <vector>

namespace sluice::net {
namespace {

using asio::ip::tcp;
using boost::system::error_code;

// After accept() fails for lack of resources (EMFILE, ENFILE, ENOBUFS) retrying at once would spin.
constexpr auto kAcceptBackoff = std::chrono::milliseconds(50);

void log_exception(std::exception_ptr e, const char* what) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    log::debug("net: {} ended with exception: {}", what, ex.what());
  } catch (...) {
    log::debug("net: {} ended with a non-standard exception", what);
  }
}

asio::awaitable<void> accept_loop(std::shared_ptr<detail::ServerState> state, std::size_t worker,
                                  tcp::acceptor acceptor) {
  if (state->draining())
    co_return;  // shutdown overtook listen(); the acceptor closes with the frame
  state->add_acceptor(worker, &acceptor);
  auto executor = co_await asio::this_coro::executor;
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) break;
      log::warn("net: accept failed on worker {}: {}", worker, ec.message());
      asio::steady_timer backoff(executor, kAcceptBackoff);
      co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    if (state->draining()) break;  // accepted just before the acceptor closed: refuse it
    error_code option_ec;
    socket.set_option(tcp::no_delay(true), option_ec);  // tokens must not wait for Nagle
    socket.non_blocking(true, option_ec);  // writes are tried synchronously first (write_now.h)
    auto connection = std::make_shared<detail::Connection>(
        state, worker, state->next_connection_id(), std::move(socket));
    state->attach(*connection);
    asio::co_spawn(executor, detail::Connection::run(connection),
                   asio::bind_cancellation_slot(
                       connection->cancellation_slot(),
                       [connection](std::exception_ptr e) { log_exception(e, "connection"); }));
  }
  state->remove_acceptor(worker, &acceptor);
}

}  // namespace

Server::Server(WorkerPool& pool, Handler handler, ServerLimits limits)
    : state_(std::make_shared<detail::ServerState>(pool, std::move(handler), limits)) {}

Server::~Server() {
  if (!state_->shutdown_started()) state_->shutdown(Duration::zero(), nullptr);
}

Result<std::uint16_t> Server::listen(std::string host, std::uint16_t port) {
  return listen_on(std::move(host), port, 0, state_->worker_count());
}

Result<std::uint16_t> Server::listen_on_worker(std::string host, std::uint16_t port,
                                               std::size_t worker) {
  if (worker >= state_->worker_count()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "worker " + std::to_string(worker) + " out of range (pool has " +
                          std::to_string(state_->worker_count()) + ")",
                      "worker");
  }
  return listen_on(std::move(host), port, worker, 1);
}

Result<std::uint16_t> Server::listen_on(std::string host, std::uint16_t port, std::size_t first,
                                        std::size_t count) {
  if (state_->shutdown_started())
    return make_error(ErrorCode::kUnavailable, "server is shutting down");
  WorkerPool& pool = state_->pool();
  auto endpoint = listen_endpoint(pool.context(first), host, port);
  if (!endpoint) return std::move(endpoint).error();
  // SO_REUSEPORT would let us join another process's listener on the same port: make sure the
  // port is free with a plain bind first.
  const bool share_port = count > 1;
  if (share_port && endpoint->port() != 0) {
    auto probe = open_acceptor(pool.context(first), *endpoint, false, false);
    if (!probe) return std::move(probe).error();
  }
  // Open every acceptor before starting any, so that a failure leaves nothing half-listening.
  std::vector<tcp::acceptor> acceptors;
  acceptors.reserve(count);
  for (std::size_t i = first; i < first + count; ++i) {
    auto acceptor = open_acceptor(pool.context(i), *endpoint, share_port);
    if (!acceptor) return std::move(acceptor).error();
    if (endpoint->port() == 0)
      endpoint->port(acceptor->local_endpoint().port());  // the rest share it
    acceptors.push_back(std::move(acceptor).value());
  }
  for (std::size_t i = 0; i < count; ++i) {
    asio::co_spawn(pool.context(first + i), accept_loop(state_, first + i, std::move(acceptors[i])),
                   [](std::exception_ptr e) { log_exception(e, "accept loop"); });
  }
  return endpoint->port();
}

void Server::shutdown(Duration grace, std::function<void()> on_done) {
  state_->shutdown(grace, std::move(on_done));
}

std::size_t Server::active_connections() const { return state_->active_connections(); }

std::uint64_t Server::accepted_connections() const { return state_->accepted_connections(); }

const ServerLimits& Server::limits() const { return state_->limits(); }

}  // namespace sluice::net
