#include "net/listen.h"

#include <cerrno>
#include <sys/socket.h>

namespace sluice::net {

using asio::ip::tcp;
using boost::system::error_code;

Result<tcp::endpoint> listen_endpoint(asio::io_context& context, const std::string& host,
                                      std::uint16_t port) {
  if (host.empty() || host == "*") return tcp::endpoint(tcp::v4(), port);
  error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(address, port);
  tcp::resolver resolver(context);
  auto results = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "cannot resolve listen address '" + host + "': " + ec.message(), "host");
  }
  return results.begin()->endpoint();
}

Result<tcp::acceptor> open_acceptor(asio::io_context& context, const tcp::endpoint& endpoint,
                                    bool share_port, bool listen) {
  tcp::acceptor acceptor(context);
  error_code ec;
  auto fail = [&](const char* step) -> Result<tcp::acceptor> {
    return make_error(ErrorCode::kIo, std::string(step) + " " + endpoint.address().to_string() +
                                          ":" + std::to_string(endpoint.port()) + ": " +
                                          ec.message());
  };
  if (acceptor.open(endpoint.protocol(), ec); ec) return fail("open");
  if (acceptor.set_option(tcp::acceptor::reuse_address(true), ec); ec)
    return fail("SO_REUSEADDR on");
  // Every worker binds the same port; the kernel spreads incoming connections across them.
  const int one = 1;
  if (share_port &&
      ::setsockopt(acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
    ec.assign(errno, boost::system::system_category());
    return fail("SO_REUSEPORT on");
  }
  if (acceptor.bind(endpoint, ec); ec) return fail("bind");
  if (!listen) return acceptor;
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) return fail("listen on");
  return acceptor;
}

}  // namespace sluice::net
