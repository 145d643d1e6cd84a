#include "bench/driver/response_reader.h"

#include "bench/driver/stream_chunk.h"

#include <algorithm>

namespace sluice::bench {

bool ResponseReader::feed_stream(std::string_view bytes) {
  const TimePoint now = SteadyClock::now();
  const Status fed = parser.feed(bytes, [&](const net::SseParser::Event& event) {
    if (event.data == "[DONE]" || !bad.empty()) {
      return;
    }
    auto chunk = parse_stream_chunk(event.data);
    if (!chunk.ok()) {
      bad = "malformed_sse";
      return;
    }
    if (chunk->has_content) {
      record.chunk_times.push_back(now);
      record.chunk_tokens.push_back(std::max<std::uint32_t>(chunk->content_tokens, 1));
      chunk_token_sum += chunk->content_tokens;
    }
    if (chunk->completion_tokens) {
      usage_out = chunk->completion_tokens;
      usage_in = chunk->prompt_tokens;
    }
  });
  if (!fed.ok()) {
    bad = "malformed_sse";
  }
  return bad.empty();
}

std::string ResponseReader::classify(const Result<net::ClientResponse>& response, bool stream) {
  if (!response.ok()) {
    return bad.empty() ? std::string(error_code_name(response.error().code)) : bad;
  }
  if (response->status != 200) {
    return "http_" + std::to_string(response->status);
  }
  if (!stream) {
    auto parsed = parse_completion_body(unary_body);
    if (!parsed.ok()) {
      return "malformed_body";
    }
    usage_out = parsed->completion_tokens;
    usage_in = parsed->prompt_tokens;
    chunk_token_sum = parsed->content_tokens;
    if (!parsed->has_content && !usage_out) {
      return "no_tokens";
    }
    return {};
  }
  if (record.chunk_times.empty()) {
    return "no_tokens";
  }
  return {};
}

}  // namespace sluice::bench
