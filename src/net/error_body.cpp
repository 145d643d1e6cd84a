#include "net/error_body.h"

#include "net/asio.h"

#include <cstdio>

namespace sluice::net {
namespace {

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x",
                        static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

}  // namespace

std::string openai_error_json(std::string_view message, std::string_view type,
                              std::string_view code) {
  std::string out;
  out.reserve(64 + message.size() + type.size() + code.size());
  out += R"({"error":{"message":)";
  append_json_string(out, message);
  out += R"(,"type":)";
  append_json_string(out, type);
  out += R"(,"param":null,"code":)";
  if (code.empty()) {
    out += "null";
  } else {
    append_json_string(out, code);
  }
  out += "}}";
  return out;
}

Response error_response(http::status status, std::string_view message, std::string_view code) {
  Response response{status, 11};
  const bool server_side = static_cast<unsigned>(status) >= 500;
  response.set(http::field::content_type, "application/json");
  response.body() =
      openai_error_json(message, server_side ? "server_error" : "invalid_request_error", code);
  response.prepare_payload();
  return response;
}

}  // namespace sluice::net
