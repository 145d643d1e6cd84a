#include "openai/error_body.h"

#include "openai/json_writer.h"

namespace sluice::openai {
namespace {

std::size_t error_body_size(std::string_view type, std::string_view message,
                            std::string_view param) {
  return 64 + json_string_size(type) + json_string_size(message) +
         (param.empty() ? 4 : json_string_size(param)) + kMaxIntegerChars;
}

void append_error_json(std::string& out, int http_status, std::string_view type,
                       std::string_view message, std::string_view param) {
  out.append(R"({"error":{"message":)");
  append_json_string(out, message);
  out.append(R"(,"type":)");
  append_json_string(out, type);
  out.append(R"(,"param":)");
  if (param.empty()) {
    out.append("null");
  } else {
    append_json_string(out, param);
  }
  out.append(R"(,"code":)");
  append_json_int(out, http_status);
  out.append("}}");
}

}  // namespace

std::string_view error_type_for_status(int http_status) {
  switch (http_status) {
    case 400:
      return "BadRequestError";
    case 401:
      return "AuthenticationError";
    case 403:
      return "PermissionDeniedError";
    case 404:
      return "NotFoundError";
    case 409:
      return "ConflictError";
    case 413:
      return "RequestTooLargeError";
    case 422:
      return "UnprocessableEntityError";
    case 429:
      return "RateLimitError";
    case 499:
      return "ClientClosedRequestError";
    case 500:
      return "InternalServerError";
    case 501:
      return "NotImplementedError";
    case 502:
      return "BadGatewayError";
    case 503:
      return "ServiceUnavailableError";
    case 504:
      return "GatewayTimeoutError";
    default:
      break;
  }
  return http_status >= 500 ? "InternalServerError" : "BadRequestError";
}

std::string error_body_typed(int http_status, std::string_view type, std::string_view message,
                             std::string_view param) {
  std::string out;
  out.reserve(error_body_size(type, message, param));
  append_error_json(out, http_status, type, message, param);
  return out;
}

std::string error_body(int http_status, std::string_view message, std::string_view param) {
  return error_body_typed(http_status, error_type_for_status(http_status), message, param);
}

std::string error_body(const Error& error) {
  return error_body(http_status(error.code), error.message, error.field);
}

void append_error_event(std::string& out, int http_status, std::string_view message,
                        std::string_view param) {
  const std::string_view type = error_type_for_status(http_status);
  out.reserve(out.size() + 8 + error_body_size(type, message, param));
  out.append("data: ");
  append_error_json(out, http_status, type, message, param);
  out.append("\n\n");
}

}  // namespace sluice::openai
