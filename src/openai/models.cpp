#include "openai/models.h"

#include "core/hash.h"
#include "openai/json_reader.h"
#include "openai/json_writer.h"

namespace sluice::openai {
namespace {

using detail::JsonValue;

void append_permission_id(std::string& out, const ModelCard& card) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t state = hash64(card.id, static_cast<std::uint64_t>(card.created));
  out.append("modelperm-");
  for (int word = 0; word < 2; ++word) {
    std::uint64_t v = splitmix64(state);
    char buf[16];
    for (int i = 15; i >= 0; --i) {
      buf[i] = kHex[v & 0xF];
      v >>= 4;
    }
    out.append(buf, sizeof(buf));
  }
}

void append_card(std::string& out, const ModelCard& card) {
  out.append(R"({"id":)");
  append_json_string(out, card.id);
  out.append(R"(,"object":"model","created":)");
  append_json_int(out, card.created);
  out.append(R"(,"owned_by":)");
  append_json_string(out, card.owned_by);
  out.append(R"(,"root":)");
  if (card.root.empty()) {
    out.append("null");
  } else {
    append_json_string(out, card.root);
  }
  out.append(R"(,"parent":)");
  if (card.parent) {
    append_json_string(out, *card.parent);
  } else {
    out.append("null");
  }
  out.append(R"(,"max_model_len":)");
  if (card.max_model_len == 0) {
    out.append("null");
  } else {
    append_json_uint(out, card.max_model_len);
  }
  out.append(R"(,"permission":[{"id":")");
  append_permission_id(out, card);
  out.append(R"(","object":"model_permission","created":)");
  append_json_int(out, card.created);
  out.append(R"(,"allow_create_engine":false,"allow_sampling":true,"allow_logprobs":true,)"
             R"("allow_search_indices":false,"allow_view":true,"allow_fine_tuning":false,)"
             R"("organization":"*","group":null,"is_blocking":false}]})");
}

Error lora_missing(bool need_path, std::string_view field) {
  return make_error(ErrorCode::kInvalidArgument,
                    need_path ? "Both 'lora_name' and 'lora_path' must be provided."
                              : "'lora_name' needs to be provided to unload a LoRA adapter.",
                    std::string(field));
}

Status read_optional_string(JsonValue& value, std::string_view field, std::string& out) {
  out.clear();
  if (detail::take_null(value)) {
    return {};
  }
  auto s = detail::read_string(value, field);
  if (!s.ok()) {
    return std::move(s).error();
  }
  out.assign(*s);
  return {};
}

}  // namespace

std::string models_body(const std::vector<ModelCard>& cards) {
  std::string out;
  std::size_t size = 32;
  for (const auto& card : cards) {
    size += 512 + json_string_size(card.id) + json_string_size(card.owned_by) +
            json_string_size(card.root) + (card.parent ? json_string_size(*card.parent) : 0);
  }
  out.reserve(size);
  out.append(R"({"object":"list","data":[)");
  for (std::size_t i = 0; i < cards.size(); ++i) {
    if (i > 0) {
      out.push_back(',');
    }
    append_card(out, cards[i]);
  }
  out.append("]}");
  return out;
}

Result<LoraRequest> parse_lora_request(std::string_view body, bool need_path) {
  simdjson::ondemand::document doc;
  simdjson::ondemand::object object;
  if (Status s = detail::open_object(detail::padded_input(body, 0), doc, object); !s.ok()) {
    return std::move(s).error();
  }
  LoraRequest request;
  Status status =
      detail::for_each_field(object, [&](std::string_view key, JsonValue& value) -> Status {
        if (key == "lora_name") {
          return read_optional_string(value, "lora_name", request.lora_name);
        }
        if (key == "lora_path") {
          return read_optional_string(value, "lora_path", request.lora_path);
        }
        if (key == "base_model_name") {
          return read_optional_string(value, "base_model_name", request.base_model_name);
        }
        if (key == "load_inplace") {
          request.load_inplace = false;
          if (detail::take_null(value)) {
            return {};
          }
          auto b = detail::read_bool(value, "load_inplace");
          if (!b.ok()) {
            return std::move(b).error();
          }
          request.load_inplace = *b;
          return {};
        }
        return detail::skip_value(value);
      });
  if (!status.ok()) {
    return std::move(status).error();
  }
  if (Status end = detail::expect_end(doc); !end.ok()) {
    return std::move(end).error();
  }
  if (request.lora_name.empty()) {
    return lora_missing(need_path, "lora_name");
  }
  if (need_path && request.lora_path.empty()) {
    return lora_missing(need_path, "lora_path");
  }
  return request;
}

}  // namespace sluice::openai
