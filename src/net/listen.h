// Opening listening sockets, shared by the HTTP/1.1 server and the EPP's HTTP/2 gRPC server.
#pragma once

#include "core/result.h"
#include "net/asio.h"
#include "net/http_types.h"

#include <cstdint>
#include <string>

namespace sluice::net {

/// host:port as an endpoint to bind: "" or "*" is every IPv4 address; a name is resolved.
Result<asio::ip::tcp::endpoint> listen_endpoint(asio::io_context& context, const std::string& host,
                                                std::uint16_t port);

/// A bound (and, with `listen`, listening) acceptor. `share_port` sets SO_REUSEPORT so that every
/// worker can bind the same port; a lone acceptor does not set it, so that a second process asking
/// for the same port fails instead of silently sharing.
Result<asio::ip::tcp::acceptor> open_acceptor(asio::io_context& context,
                                              const asio::ip::tcp::endpoint& endpoint,
                                              bool share_port, bool listen = true);

}  // namespace sluice::net
