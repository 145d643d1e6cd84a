#include "pool/served_models.h"

#include <simdjson.h>

namespace sluice::pool {

Result<std::vector<ServedModel>> parse_served_models(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) {
    return make_error(ErrorCode::kInvalidArgument, "models list: not JSON");
  }
  simdjson::dom::array data;
  if (root["data"].get_array().get(data) != simdjson::SUCCESS) {
    return make_error(ErrorCode::kInvalidArgument, "models list: no \"data\" array", "data");
  }
  if (data.size() > kMaxServedModels) {
    return make_error(ErrorCode::kTooLarge,
                      "models list: more than " + std::to_string(kMaxServedModels) + " models",
                      "data");
  }
  std::vector<ServedModel> models;
  models.reserve(data.size());
  std::size_t index = 0;
  for (simdjson::dom::element entry : data) {
    const std::string field = "data[" + std::to_string(index++) + "]";
    std::string_view id;
    if (entry["id"].get_string().get(id) != simdjson::SUCCESS) {
      return make_error(ErrorCode::kInvalidArgument, "models list: entry without a string id",
                        field + ".id");
    }
    ServedModel model;
    model.name = std::string(id);
    std::string_view parent;
    if (entry["parent"].get_string().get(parent) == simdjson::SUCCESS) {
      model.parent = std::string(parent);
    }
    models.push_back(std::move(model));
  }
  return models;
}

}  // namespace sluice::pool
