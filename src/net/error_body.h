// OpenAI-style JSON error bodies for the responses the HTTP layer itself produces (400, 413, 431,
// 500), so that clients see the same shape as for application errors.
#pragma once

#include "net/asio.h"
#include "net/http_types.h"

#include <string>
#include <string_view>

namespace sluice::net {

/// {"error":{"message":...,"type":...,"param":null,"code":...}}; `code` empty -> null.
std::string openai_error_json(std::string_view message, std::string_view type,
                              std::string_view code = {});

/// A complete JSON error response: "invalid_request_error" for 4xx, "server_error" for 5xx.
Response error_response(http::status status, std::string_view message, std::string_view code = {});

}  // namespace sluice::net
