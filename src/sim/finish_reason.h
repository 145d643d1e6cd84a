// Why a simulated sequence stopped, with the names vLLM uses in `finish_reason` fields and in the
// `finished_reason` label of vllm:request_success_total.
#pragma once

#include <string_view>

namespace sluice::sim {

enum class FinishReason {
  kStop,    ///< the model produced a stop token or stop string ("stop")
  kLength,  ///< max_tokens or max_model_len was reached ("length")
  kAbort,   ///< the request was cancelled ("abort")
};

/// "stop", "length" or "abort".
std::string_view finish_reason_name(FinishReason reason);

}  // namespace sluice::sim
