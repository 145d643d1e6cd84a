#include "routing/model_helpers.h"

#include "openai/error_body.h"
#include "openai/json_writer.h"

#include <algorithm>

namespace sluice::routing {

std::string replace_model(std::string_view body, std::size_t offset, std::size_t length,
                          std::string_view model) {
  std::string out;
  out.reserve(body.size() + model.size() + 8);
  out.append(body.substr(0, offset));
  openai::append_json_string(out, model);
  out.append(body.substr(offset + length));
  return out;
}

bool any_serves(std::span<const scheduling::EndpointView> endpoints, std::string_view model) {
  return std::any_of(endpoints.begin(), endpoints.end(),
                     [model](const scheduling::EndpointView& e) { return e.serves(model); });
}

std::string_view adapter_base(const RoutingTable& table, const WorkerRouter& router,
                              std::uint32_t pool, std::string_view model) {
  const std::optional<ModelInfo> info = table.model(model);
  if (info && info->route != nullptr) {
    return info->route->base_model;
  }
  return router.adapter_parent(pool, model);
}

std::string unknown_model_body(std::string_view model) {
  return openai::error_body(404, "The model `" + std::string(model) + "` does not exist.", "model");
}

std::string_view endpoint_address(const PoolRoute& route, std::uint32_t endpoint) {
  std::string_view url = route.base_urls[endpoint];
  const auto scheme_end = url.find("://");
  return scheme_end == std::string_view::npos ? url : url.substr(scheme_end + 3);
}

}  // namespace sluice::routing
