#include "net/url.h"

#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>
#include <boost/url/url_view.hpp>

#include <charconv>
#include <system_error>

namespace sluice::net {

Result<HttpUrl> parse_http_url(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    return make_error(ErrorCode::kInvalidArgument,
                      "invalid URL '" + std::string(url) + "': " + parsed.error().message(), "url");
  }
  const boost::urls::url_view& u = *parsed;
  HttpUrl out;
  if (u.scheme_id() == boost::urls::scheme::https) {
    out.tls = true;
  } else if (u.scheme_id() != boost::urls::scheme::http) {
    return make_error(ErrorCode::kInvalidArgument,
                      "URL '" + std::string(url) + "' is not http:// or https://", "url");
  }
  out.host = u.host_address();
  if (out.host.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "URL '" + std::string(url) + "' has no host",
                      "url");
  }
  if (u.has_port()) {
    // port_number() silently wraps values over 65535, so parse the digits ourselves.
    const std::string_view digits = u.port();
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || value == 0 ||
        value > 65535) {
      return make_error(ErrorCode::kInvalidArgument,
                        "URL '" + std::string(url) + "' has an invalid port", "url");
    }
    out.port = static_cast<std::uint16_t>(value);
  } else {
    out.port = out.tls ? 443 : 80;
  }
  out.key = (out.tls ? "https://" : "http://") + out.host + ':' + std::to_string(out.port);
  out.host_header = std::string(u.encoded_host_and_port());
  out.target = std::string(u.encoded_path());
  if (out.target.empty()) out.target = "/";
  if (u.has_query()) {
    out.target += '?';
    out.target += std::string_view(u.encoded_query());
  }
  return out;
}

}  // namespace sluice::net
