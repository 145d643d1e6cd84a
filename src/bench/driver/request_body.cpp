#include "bench/driver/request_body.h"

#include "openai/json_writer.h"

namespace sluice::bench {

std::string request_body(ApiKind api, bool stream, std::string_view model, const Prompt& prompt) {
  std::size_t size = 160 + model.size();
  for (const ChatMessage& m : prompt.messages) {
    size += openai::json_string_size(m.content) + m.role.size() + 32;
  }
  std::string body;
  body.reserve(size);
  body += "{\"model\":";
  openai::append_json_string(body, model);
  if (api == ApiKind::kChat) {
    body += ",\"messages\":[";
    const char* sep = "";
    for (const ChatMessage& m : prompt.messages) {
      body += sep;
      sep = ",";
      body += "{\"role\":";
      openai::append_json_string(body, m.role);
      body += ",\"content\":";
      openai::append_json_string(body, m.content);
      body += '}';
    }
    body += ']';
  } else {
    std::string joined;
    for (const ChatMessage& m : prompt.messages) {
      if (!joined.empty()) {
        joined += '\n';
      }
      joined += m.content;
    }
    body += ",\"prompt\":";
    openai::append_json_string(body, joined);
  }
  body += ",\"max_tokens\":";
  openai::append_json_uint(body, prompt.max_tokens);
  body += ",\"ignore_eos\":true";
  if (stream) {
    body += ",\"stream\":true,\"stream_options\":{\"include_usage\":true}";
  }
  body += '}';
  return body;
}

}  // namespace sluice::bench
