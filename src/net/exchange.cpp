#include "net/exchange.h"

#include "net/asio.h"
#include "net/connection.h"

#include <charconv>
#include <string_view>

namespace sluice::net {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kLastChunk = "0\r\n\r\n";

}  // namespace

Exchange::Exchange(detail::Connection& connection, Request request)
    : connection_(connection), request_(std::move(request)) {}

std::string_view Exchange::path() const {
  std::string_view target = request_.target();
  return target.substr(0, target.find('?'));
}

asio::any_io_executor Exchange::executor() const { return connection_.stream_.get_executor(); }

std::size_t Exchange::worker_index() const { return connection_.worker(); }

std::uint64_t Exchange::connection_id() const { return connection_.id(); }

asio::awaitable<bool> Exchange::respond(Response response) {
  if (phase_ != Phase::kPending) co_return false;
  phase_ = Phase::kResponded;
  keep_alive_ = request_.keep_alive() && !connection_.state_->draining();
  response.version(request_.version() == 10 ? 10 : 11);
  response.keep_alive(keep_alive_);
  response.prepare_payload();
  // A HEAD response announces the length a GET would have but carries no body.
  if (request_.method() == http::verb::head) response.body().clear();
  complete_ = co_await connection_.write_response(response);
  co_return complete_;
}

asio::awaitable<bool> Exchange::begin_stream(http::status status, std::string content_type,
                                             HeaderList extra_headers) {
  if (phase_ != Phase::kPending) co_return false;
  phase_ = Phase::kStreaming;
  // HTTP/1.0 has no chunked encoding: send the body raw and mark its end by closing.
  chunked_ = request_.version() >= 11;
  keep_alive_ = chunked_ && request_.keep_alive() && !connection_.state_->draining();
  http::response<http::empty_body> header{status, chunked_ ? 11 : 10};
  header.set(http::field::content_type, content_type);
  for (auto& [name, value] : extra_headers) header.insert(name, value);
  if (chunked_) header.chunked(true);
  header.keep_alive(keep_alive_);
  http::response_serializer<http::empty_body> serializer{header};
  if (!connection_.writable()) co_return false;
  connection_.stream_.expires_after(connection_.state_->limits().write_timeout);
  auto [ec, n] = co_await http::async_write_header(connection_.stream_, serializer,
                                                   asio::as_tuple(asio::use_awaitable));
  if (ec) {
    connection_.write_failed();
    co_return false;
  }
  co_return true;
}

asio::awaitable<bool> Exchange::write_chunk(std::string data) {
  if (phase_ != Phase::kStreaming) co_return false;
  if (data.empty()) co_return !client_gone();
  if (!chunked_) {
    co_return co_await connection_.write_buffers(
        {asio::buffer(data), asio::const_buffer(), asio::const_buffer()});
  }
  char size_line[24];
  char* end = std::to_chars(size_line, size_line + 16, data.size(), 16).ptr;
  *end++ = '\r';
  *end++ = '\n';
  co_return co_await connection_.write_buffers(
      {asio::buffer(size_line, static_cast<std::size_t>(end - size_line)), asio::buffer(data),
       asio::buffer(kCrlf)});
}

asio::awaitable<bool> Exchange::end_stream() {
  if (phase_ != Phase::kStreaming) co_return false;
  phase_ = Phase::kStreamEnded;
  if (!chunked_) {
    complete_ = connection_.writable();
    co_return complete_;
  }
  complete_ = co_await connection_.write_buffers(
      {asio::buffer(kLastChunk), asio::const_buffer(), asio::const_buffer()});
  co_return complete_;
}

bool Exchange::client_gone() const { return !connection_.writable(); }

void Exchange::on_client_gone(std::function<void()> callback) {
  connection_.watch_for_disconnect(std::move(callback));
}

void Exchange::close_connection_abruptly() { connection_.drop(); }

}  // namespace sluice::net
