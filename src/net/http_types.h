// Names shared by every part of src/net: the Asio/Beast namespace aliases and the HTTP message
// types that handlers and clients see. src/net is the only module that includes Boost.Asio/Beast.
#pragma once

#include "net/asio.h"

#include <string>
#include <utility>
#include <vector>

namespace sluice::net {

namespace asio = boost::asio;
namespace http = boost::beast::http;

/// A complete HTTP/1.1 request as read by the server (body fully buffered).
using Request = http::request<http::string_body>;
/// A complete HTTP/1.1 response; the server sets Content-Length and keep-alive on it.
using Response = http::response<http::string_body>;
/// Extra header fields, in order, as (name, value). Names are case-insensitive on the wire.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

}  // namespace sluice::net
