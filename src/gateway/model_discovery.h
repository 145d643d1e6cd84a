// Reads an OpenAI /v1/models body (vLLM's ModelList, which lists LoRA adapters with their
// `parent`) into model cards: what an endpoint serves.
#pragma once

#include "core/result.h"
#include "openai/models.h"

#include <string_view>
#include <vector>

namespace sluice::gateway {

/// kInvalidArgument if the body is not {"data":[{"id":...}, ...]}.
Result<std::vector<openai::ModelCard>> parse_models_list(std::string_view body);

}  // namespace sluice::gateway
