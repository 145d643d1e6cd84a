// The models an endpoint serves, read from its OpenAI `GET /v1/models` body. vLLM (and `sluice
// sim`) list base models with `"parent": null` and LoRA adapters with `"parent": "<base model>"`.
#pragma once

#include "core/result.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::pool {

struct ServedModel {
  std::string name;    ///< the `id` clients put in "model"
  std::string parent;  ///< base model of a LoRA adapter; empty for a base model
  bool is_adapter() const { return !parent.empty(); }
  friend bool operator==(const ServedModel&, const ServedModel&) = default;
};

/// A models list longer than this is rejected (kTooLarge): the body comes from the network.
inline constexpr std::size_t kMaxServedModels = 4096;

/// Parses `{"object":"list","data":[{"id":..,"parent":..|null,...},...]}`; other fields, and
/// fields of any JSON type, are skipped. Entries keep the server's order. kInvalidArgument for
/// malformed JSON, a missing `data` array or an entry without a string `id`.
Result<std::vector<ServedModel>> parse_served_models(std::string_view body);

}  // namespace sluice::pool
