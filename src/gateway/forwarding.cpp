#include "gateway/forwarding.h"

#include <algorithm>

namespace sluice::gateway {

namespace http = boost::beast::http;

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), s.begin(),
                    [](char a, char b) { return lower(a) == lower(b); });
}

std::string_view header(const net::Request& request, std::string_view name,
                        std::string_view alias) {
  auto it = request.find(name);
  if (it == request.end()) {
    it = request.find(alias);
  }
  return it == request.end() ? std::string_view{} : std::string_view(it->value());
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && starts_with_ci(a, b);
}

// True if the Connection header lists `name` (RFC 9110 §7.6.1: those fields are hop-by-hop too).
bool named_by_connection(std::string_view connection, std::string_view name) {
  while (!connection.empty()) {
    const std::size_t comma = connection.find(',');
    std::string_view token = connection.substr(0, comma);
    while (!token.empty() && (token.front() == ' ' || token.front() == '\t'))
      token.remove_prefix(1);
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
    if (iequals(name, token)) {
      return true;
    }
    connection =
        comma == std::string_view::npos ? std::string_view{} : connection.substr(comma + 1);
  }
  return false;
}

}  // namespace

std::string forwarded_headers(const net::Request& request) {
  std::string out;
  const auto connection_it = request.find(http::field::connection);
  const std::string_view connection = connection_it == request.end()
                                          ? std::string_view{}
                                          : std::string_view(connection_it->value());
  for (const auto& field : request) {
    switch (field.name()) {
      case http::field::connection:
      case http::field::keep_alive:
      case http::field::transfer_encoding:
      case http::field::te:
      case http::field::trailer:
      case http::field::upgrade:
      case http::field::proxy_authorization:
      case http::field::proxy_connection:
      case http::field::host:
      case http::field::content_length:
      case http::field::expect:
        continue;
      default:
        break;
    }
    const std::string_view name = field.name_string();
    if (starts_with_ci(name, "x-llm-d-") || starts_with_ci(name, "x-gateway-") ||
        (!connection.empty() && named_by_connection(connection, name))) {
      continue;
    }
    out += name;
    out += ": ";
    out += field.value();
    out += "\r\n";
  }
  return out;
}

std::string_view objective_header(const net::Request& request) {
  return header(request, "x-llm-d-inference-objective", "x-gateway-inference-objective");
}

std::string_view rewrite_header(const net::Request& request) {
  return header(request, "x-llm-d-model-name-rewrite", "x-gateway-model-name-rewrite");
}

std::string_view session_header(const net::Request& request) {
  return header(request, "x-session-id", "x-session-token");
}

}  // namespace sluice::gateway
