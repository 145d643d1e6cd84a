#include "net/exchange.h"

#include "net/asio.h"
#include "net/connection.h"

#include <charconv>
#include <string_view>

namespace sluice::net {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kLastChunk = "0\r\n\r\n";
// The end of a data chunk followed by the last-chunk: a final piece and the end in one write.
constexpr std::string_view kCrlfLastChunk = "\r\n0\r\n\r\n";

/// The status line, Content-Type and `extra` fields of a response, formatted by hand: they are
/// small, and Beast's message and serializer would allocate a container element per field.
std::string start_head(unsigned version, http::status status, std::string_view content_type,
                       const HeaderList& extra) {
  std::string head;
  std::size_t size = 96 + content_type.size();
  for (const auto& [name, value] : extra) size += name.size() + value.size() + 4;
  head.reserve(size);
  head += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  head += std::to_string(static_cast<unsigned>(status));
  head += ' ';
  head += http::obsolete_reason(status);
  head += kCrlf;
  if (!content_type.empty()) {
    head += "Content-Type: ";
    head += content_type;
    head += kCrlf;
  }
  for (const auto& [name, value] : extra) {
    head += name;
    head += ": ";
    head += value;
    head += kCrlf;
  }
  return head;
}

/// Appends an HTTP/1.1 chunk-size line ("1a2\r\n").
void append_chunk_size(std::string& out, std::size_t size) {
  char digits[16];
  char* end = std::to_chars(digits, digits + sizeof digits, size, 16).ptr;
  out.append(digits, end);
  out += kCrlf;
}

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

asio::awaitable<bool> Exchange::respond(http::status status, std::string_view content_type,
                                        std::string_view body, const HeaderList& extra_headers) {
  if (phase_ != Phase::kPending) co_return false;
  phase_ = Phase::kResponded;
  keep_alive_ = request_.keep_alive() && !connection_.state_->draining();
  const unsigned version = request_.version() == 10 ? 10 : 11;
  std::string head = start_head(version, status, content_type, extra_headers);
  head += "Content-Length: ";
  head += std::to_string(body.size());
  head += kCrlf;
  if (version == 11 && !keep_alive_) head += "Connection: close\r\n";
  if (version == 10 && keep_alive_) head += "Connection: keep-alive\r\n";
  head += kCrlf;
  // A HEAD response announces the length a GET would have but carries no body.
  if (request_.method() == http::verb::head) body = {};
  complete_ = co_await connection_.write_buffers(
      {asio::buffer(head), asio::buffer(body), asio::const_buffer()});
  co_return complete_;
}

asio::awaitable<bool> Exchange::begin_stream(http::status status, std::string_view content_type,
                                             const HeaderList& extra_headers,
                                             std::string_view first_chunk, bool last) {
  if (phase_ != Phase::kPending) co_return false;
  phase_ = last ? Phase::kStreamEnded : Phase::kStreaming;
  // HTTP/1.0 has no chunked encoding: send the body raw and mark its end by closing.
  chunked_ = request_.version() >= 11;
  keep_alive_ = chunked_ && request_.keep_alive() && !connection_.state_->draining();
  std::string head = start_head(chunked_ ? 11 : 10, status, content_type, extra_headers);
  if (chunked_) head += "Transfer-Encoding: chunked\r\n";
  if (chunked_ && !keep_alive_) head += "Connection: close\r\n";
  head += kCrlf;
  asio::const_buffer trailer;
  if (chunked_ && !first_chunk.empty()) {
    append_chunk_size(head, first_chunk.size());
    trailer = asio::buffer(last ? kCrlfLastChunk : kCrlf);
  } else if (chunked_ && last) {
    head += kLastChunk;
  }
  const bool written =
      co_await connection_.write_buffers({asio::buffer(head), asio::buffer(first_chunk), trailer});
  if (last) complete_ = written;
  co_return written;
}

asio::awaitable<bool> Exchange::write_chunk(std::string_view data) {
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

asio::awaitable<bool> Exchange::end_stream(std::string_view last_data) {
  if (phase_ != Phase::kStreaming) co_return false;
  phase_ = Phase::kStreamEnded;
  if (!chunked_) {
    complete_ = connection_.writable();
    if (!last_data.empty()) {
      complete_ = co_await connection_.write_buffers(
          {asio::buffer(last_data), asio::const_buffer(), asio::const_buffer()});
    }
    co_return complete_;
  }
  if (last_data.empty()) {
    complete_ = co_await connection_.write_buffers(
        {asio::buffer(kLastChunk), asio::const_buffer(), asio::const_buffer()});
    co_return complete_;
  }
  std::string size_line;
  append_chunk_size(size_line, last_data.size());
  complete_ = co_await connection_.write_buffers(
      {asio::buffer(size_line), asio::buffer(last_data), asio::buffer(kCrlfLastChunk)});
  co_return complete_;
}

bool Exchange::client_gone() const { return !connection_.writable(); }

void Exchange::on_client_gone(std::function<void()> callback) {
  connection_.watch_for_disconnect(std::move(callback));
}

void Exchange::close_connection_abruptly() { connection_.drop(); }

}  // namespace sluice::net
