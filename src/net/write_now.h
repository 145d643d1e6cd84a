// Internal to src/net. Writes on a non-blocking socket without an asynchronous operation when the
// kernel takes every byte at once, which is almost always the case for a small HTTP head and body:
// that skips the deadline timer a beast::tcp_stream operation arms and cancels, the completion
// handler and the coroutine frame of an async write. Whatever the kernel does not take right away
// is written asynchronously before `deadline`, as before.
#pragma once

#include "core/clock.h"
#include "net/asio.h"

#include <boost/beast/core/buffers_suffix.hpp>

#include <array>
#include <cstddef>

namespace sluice::net::detail {

/// The socket must be in non-blocking mode (socket.non_blocking(true)). Returns the error of the
/// write, if any (a timeout is beast::error::timeout).
template <std::size_t N>
asio::awaitable<boost::system::error_code> write_now_or_async(
    boost::beast::tcp_stream& stream, const std::array<asio::const_buffer, N>& buffers,
    TimePoint deadline) {
  boost::system::error_code ec;
  const std::size_t total = asio::buffer_size(buffers);
  const std::size_t written = stream.socket().write_some(buffers, ec);
  if (!ec && written == total) co_return ec;
  if (ec && ec != asio::error::would_block && ec != asio::error::try_again) co_return ec;
  boost::beast::buffers_suffix<std::array<asio::const_buffer, N>> rest(buffers);
  rest.consume(ec ? 0 : written);
  stream.expires_at(deadline);
  auto [write_ec, n] =
      co_await asio::async_write(stream, rest, asio::as_tuple(asio::use_awaitable));
  co_return write_ec;
}

}  // namespace sluice::net::detail
