#include "bench/driver/stream_chunk.h"

#include "openai/tokenizer.h"

#include <simdjson.h>

#include <string>

namespace sluice::bench {
namespace {

void add_content(StreamChunk& chunk, std::string_view text) {
  if (text.empty()) {
    return;
  }
  static const openai::Tokenizer tokenizer;
  chunk.has_content = true;
  chunk.content_tokens += static_cast<std::uint32_t>(tokenizer.count(text));
}

Result<StreamChunk> parse(std::string_view json) {
  thread_local simdjson::ondemand::parser parser;
  thread_local std::string padded;
  padded.assign(json);
  padded.append(simdjson::SIMDJSON_PADDING, ' ');
  simdjson::ondemand::document doc;
  if (parser.iterate(padded.data(), json.size(), padded.size()).get(doc) != simdjson::SUCCESS) {
    return make_error(ErrorCode::kInvalidArgument, "not JSON");
  }
  simdjson::ondemand::object root;
  if (doc.get_object().get(root) != simdjson::SUCCESS) {
    return make_error(ErrorCode::kInvalidArgument, "not a JSON object");
  }
  StreamChunk chunk;
  for (auto field : root) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) {
      return make_error(ErrorCode::kInvalidArgument, "bad key");
    }
    if (key == "choices") {
      simdjson::ondemand::array choices;
      if (field.value().get_array().get(choices) != simdjson::SUCCESS) {
        continue;
      }
      for (auto choice : choices) {
        simdjson::ondemand::object c;
        if (choice.get_object().get(c) != simdjson::SUCCESS) {
          continue;
        }
        for (auto cf : c) {
          std::string_view ck;
          if (cf.unescaped_key().get(ck) != simdjson::SUCCESS) {
            continue;
          }
          std::string_view text;
          if (ck == "text" && cf.value().get_string().get(text) == simdjson::SUCCESS) {
            add_content(chunk, text);
          } else if (ck == "delta" || ck == "message") {
            simdjson::ondemand::object delta;
            if (cf.value().get_object().get(delta) != simdjson::SUCCESS) {
              continue;
            }
            std::string_view content;
            if (delta.find_field_unordered("content").get_string().get(content) ==
                simdjson::SUCCESS) {
              add_content(chunk, content);
            }
          }
        }
      }
    } else if (key == "usage") {
      simdjson::ondemand::object usage;
      if (field.value().get_object().get(usage) != simdjson::SUCCESS) {
        continue;
      }
      for (auto uf : usage) {
        std::string_view uk;
        std::uint64_t n = 0;
        if (uf.unescaped_key().get(uk) != simdjson::SUCCESS) {
          continue;
        }
        if (uk == "prompt_tokens" && uf.value().get_uint64().get(n) == simdjson::SUCCESS) {
          chunk.prompt_tokens = static_cast<std::uint32_t>(n);
        } else if (uk == "completion_tokens" &&
                   uf.value().get_uint64().get(n) == simdjson::SUCCESS) {
          chunk.completion_tokens = static_cast<std::uint32_t>(n);
        }
      }
    }
  }
  return chunk;
}

}  // namespace

Result<StreamChunk> parse_stream_chunk(std::string_view payload) { return parse(payload); }
Result<StreamChunk> parse_completion_body(std::string_view body) { return parse(body); }

}  // namespace sluice::bench
