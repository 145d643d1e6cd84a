#include "net/client_pool.h"

#include <cerrno>
#include <sys/socket.h>

namespace sluice::net::detail {

namespace {
constexpr auto kFreshIdle = std::chrono::milliseconds(500);
// Beast reads into a dynamic buffer min(64 KiB, max(512, spare capacity)) bytes at a time, so a
// buffer that starts empty reads 512 bytes per system call forever (a 30 KB /metrics page took 60).
constexpr std::size_t kReadBufferBytes = 16 * 1024;
}  // namespace

ClientConnection::ClientConnection(asio::any_io_executor executor, std::string pool_key,
                                   asio::ssl::context* tls_context)
    : pool_key_(std::move(pool_key)) {
  buffer_.reserve(kReadBufferBytes);
  if (tls_context != nullptr) {
    tls_ = std::make_unique<TlsStream>(executor, *tls_context);
  } else {
    plain_ = std::make_unique<boost::beast::tcp_stream>(executor);
  }
}

bool ClientConnection::looks_alive() {
  auto& socket = tcp().socket();
  if (!socket.is_open()) return false;
  char byte = 0;
  const ssize_t r = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (r < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
  if (r == 0) return false;
  // Unsolicited bytes: garbage for plain HTTP; for TLS they may be a late session ticket.
  return is_tls();
}

ClientState::ClientState(asio::any_io_executor executor, std::size_t max_idle_per_host)
    : executor_(std::move(executor)), max_idle_per_host_(max_idle_per_host) {}

asio::ssl::context& ClientState::tls_context() {
  if (!tls_context_) {
    tls_context_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    boost::system::error_code ec;
    tls_context_->set_default_verify_paths(ec);  // only used when a request asks for verification
  }
  return *tls_context_;
}

std::unique_ptr<ClientConnection> ClientState::take(const std::string& key) {
  auto it = idle_.find(key);
  if (it == idle_.end()) return nullptr;
  auto& list = it->second;
  const TimePoint now = SteadyClock::now();
  while (!list.empty()) {
    // Most recently used first: it is the least likely to have hit the server's idle timeout.
    auto connection = std::move(list.back());
    list.pop_back();
    // A connection idle for less than kFreshIdle is reused without the peek (a syscall per
    // request at high rates): servers' keep-alive timeouts are seconds, and a connection that did
    // close meanwhile fails before any response byte, which the client retries once.
    if (now - connection->idle_since() < kFreshIdle || connection->looks_alive()) {
      return connection;
    }
  }
  return nullptr;
}

void ClientState::give_back(std::unique_ptr<ClientConnection> connection) {
  auto& list = idle_[connection->pool_key()];
  if (list.size() >= max_idle_per_host_) return;  // closes it
  connection->tcp().expires_never();
  connection->mark_idle(SteadyClock::now());
  list.push_back(std::move(connection));
}

std::unique_ptr<char[]> ClientState::take_chunk_buffer() {
  if (spare_chunk_buffers_.empty()) return std::make_unique_for_overwrite<char[]>(kChunkBytes);
  auto buffer = std::move(spare_chunk_buffers_.back());
  spare_chunk_buffers_.pop_back();
  return buffer;
}

void ClientState::give_back_chunk_buffer(std::unique_ptr<char[]> buffer) {
  // Bounded like the idle pool: more buffers than that are only ever needed in a burst.
  if (spare_chunk_buffers_.size() < max_idle_per_host_) {
    spare_chunk_buffers_.push_back(std::move(buffer));
  }
}

std::size_t ClientState::idle_connections() const {
  std::size_t total = 0;
  for (const auto& [key, list] : idle_) total += list.size();
  return total;
}

}  // namespace sluice::net::detail
