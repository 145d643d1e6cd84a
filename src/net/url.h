// Splitting an absolute http(s) URL into what the client needs to connect and to write a request.
#pragma once

#include "core/result.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::net {

struct HttpUrl {
  bool tls = false;         ///< https
  std::string host;         ///< name or address, IPv6 without brackets, for connecting and SNI
  std::uint16_t port = 0;   ///< explicit or the scheme's default
  std::string host_header;  ///< the Host field: host[:port] as written in the URL
  std::string target;       ///< path and query, "/" if the URL has no path
  /// "http://host:port": identifies the connection pool a request may reuse.
  const std::string& pool_key() const { return key; }
  std::string key;  ///< set by parse_http_url
};

/// Accepts http:// and https:// URLs with a host; anything else is kInvalidArgument (field "url").
Result<HttpUrl> parse_http_url(std::string_view url);

}  // namespace sluice::net
