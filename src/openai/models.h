// GET /v1/models bodies and the vLLM LoRA admin request bodies.
//
// models_body() writes vLLM's ModelList exactly as its server serializes it (every field, nulls
// included):
//   {"object":"list","data":[{"id":..,"object":"model","created":..,"owned_by":"vllm",
//    "root":..,"parent":null,"max_model_len":4096,"permission":[{"id":"modelperm-<32 hex>",
//    "object":"model_permission","created":..,"allow_create_engine":false,"allow_sampling":true,
//    "allow_logprobs":true,"allow_search_indices":false,"allow_view":true,
//    "allow_fine_tuning":false,"organization":"*","group":null,"is_blocking":false}]}]}
// vLLM lists base models with root = model path and max_model_len set, and LoRA adapters with
// root = adapter path, parent = base model and max_model_len null.
#pragma once

#include "core/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::openai {

struct ModelCard {
  std::string id;
  std::string owned_by = "vllm";
  std::int64_t created = 0;           ///< Unix seconds
  std::string root;                   ///< empty -> null
  std::optional<std::string> parent;  ///< base model of a LoRA adapter
  std::uint32_t max_model_len = 0;    ///< 0 -> null
};

/// The /v1/models body. The permission id is derived from the card (stable across calls) where
/// vLLM draws a random uuid.
std::string models_body(const std::vector<ModelCard>& cards);

/// Body of POST /v1/load_lora_adapter ({"lora_name","lora_path"}, plus Sluice's optional
/// "base_model_name" and vLLM's "load_inplace") or /v1/unload_lora_adapter ({"lora_name"}).
struct LoraRequest {
  std::string lora_name;
  std::string lora_path;
  std::string base_model_name;  ///< empty: the server's first base model
  bool load_inplace = false;
};

/// Parses a load (`need_path` true) or unload body. Missing or empty names are kInvalidArgument
/// with vLLM's messages: "Both 'lora_name' and 'lora_path' must be provided." (field lora_name or
/// lora_path) / "'lora_name' needs to be provided to unload a LoRA adapter." (field lora_name).
Result<LoraRequest> parse_lora_request(std::string_view body, bool need_path);

}  // namespace sluice::openai
