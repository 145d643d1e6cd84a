// What one benchmark request's response carried, read as it streams in: the arrival time and
// tokens of each content chunk, `usage`, and the failure type of a response that went wrong.
#pragma once

#include "bench/request_metrics.h"
#include "core/result.h"
#include "net/client.h"
#include "net/sse.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::bench {

struct ResponseReader {
  RequestRecord record;
  std::optional<std::uint32_t> usage_in, usage_out;
  std::uint32_t chunk_token_sum = 0;  ///< approximate tokens over the content chunks
  std::string bad;                    ///< a malformed-response failure type, if any
  std::string unary_body;             ///< non-streaming: the whole body
  net::SseParser parser;

  /// Streaming: feeds response bytes; stamps content chunks with the arrival time. False (abort
  /// the request) once the stream is malformed.
  bool feed_stream(std::string_view bytes);
  /// After the exchange: the failure type ("http_503", "io", "malformed_sse", "no_tokens", ...)
  /// or empty on success; a unary body's usage is read here.
  std::string classify(const Result<net::ClientResponse>& response, bool stream);
};

}  // namespace sluice::bench
