// OpenAI/vLLM error bodies:
//   {"error":{"message":"...","type":"BadRequestError","param":null,"code":400}}
// (vLLM's ErrorResponse/ErrorInfo: message, type, param, code, in that order; `code` is the HTTP
// status as an integer and `param` names the offending request field or is null.)
//
// `type` follows the class names of the OpenAI Python client and vLLM's err_type values:
//   400 BadRequestError          401 AuthenticationError     403 PermissionDeniedError
//   404 NotFoundError            409 ConflictError           413 RequestTooLargeError
//   422 UnprocessableEntityError 429 RateLimitError          499 ClientClosedRequestError
//   500 InternalServerError      501 NotImplementedError     502 BadGatewayError
//   503 ServiceUnavailableError  504 GatewayTimeoutError
// Other 4xx map to BadRequestError, other 5xx to InternalServerError. 413 has no OpenAI client
// class (the client raises APIStatusError); RequestTooLargeError keeps the "<What>Error" pattern.
#pragma once

#include "core/result.h"

#include <string>
#include <string_view>

namespace sluice::openai {

/// The error `type` reported for an HTTP status (table above).
std::string_view error_type_for_status(int http_status);

/// Error body with the type chosen from `http_status`; an empty `param` is written as null.
std::string error_body(int http_status, std::string_view message, std::string_view param = {});

/// Same with an explicit type, for the few places vLLM deviates from the table (e.g. its LoRA
/// endpoints answer 400 with type "InvalidUserInput").
std::string error_body_typed(int http_status, std::string_view type, std::string_view message,
                             std::string_view param = {});

/// Uses http_status(error.code), error.message and error.field.
std::string error_body(const Error& error);

/// Appends one SSE event carrying an error body ("data: {...}\n\n"), as vLLM reports a failure
/// that happens after a stream has started; the caller then appends "data: [DONE]\n\n".
void append_error_event(std::string& out, int http_status, std::string_view message,
                        std::string_view param = {});

}  // namespace sluice::openai
