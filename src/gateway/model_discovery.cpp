#include "gateway/model_discovery.h"

#include <simdjson.h>

namespace sluice::gateway {

Result<std::vector<openai::ModelCard>> parse_models_list(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) {
    return make_error(ErrorCode::kInvalidArgument, "the /v1/models answer is not JSON");
  }
  simdjson::dom::array data;
  if (root["data"].get_array().get(data) != simdjson::SUCCESS) {
    return make_error(ErrorCode::kInvalidArgument, "the /v1/models answer has no \"data\" list");
  }
  std::vector<openai::ModelCard> cards;
  for (simdjson::dom::element item : data) {
    openai::ModelCard card;
    std::string_view text;
    if (item["id"].get_string().get(text) != simdjson::SUCCESS || text.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "a /v1/models entry has no \"id\"");
    }
    card.id = std::string(text);
    if (item["parent"].get_string().get(text) == simdjson::SUCCESS) {
      card.parent = std::string(text);
    }
    if (item["root"].get_string().get(text) == simdjson::SUCCESS) {
      card.root = std::string(text);
    }
    if (item["owned_by"].get_string().get(text) == simdjson::SUCCESS) {
      card.owned_by = std::string(text);
    }
    std::int64_t created = 0;
    if (item["created"].get_int64().get(created) == simdjson::SUCCESS) {
      card.created = created;
    }
    std::uint64_t max_len = 0;
    if (item["max_model_len"].get_uint64().get(max_len) == simdjson::SUCCESS) {
      card.max_model_len = static_cast<std::uint32_t>(max_len);
    }
    cards.push_back(std::move(card));
  }
  return cards;
}

}  // namespace sluice::gateway
