#include "sim/engine_config.h"

#include <string>

namespace sluice::sim {

EngineConfig EngineConfig::from_profile(const Profile& profile) {
  EngineConfig c;
  c.profile = profile;
  c.max_num_seqs = profile.max_num_seqs;
  c.max_num_batched_tokens = profile.max_num_batched_tokens;
  c.block_size = profile.block_size;
  c.num_gpu_blocks = profile.num_gpu_blocks;
  c.max_loras = profile.max_loras;
  c.max_model_len = profile.max_model_len;
  return c;
}

namespace {
Status invalid(std::string field, std::string what) {
  return make_error(ErrorCode::kInvalidArgument, field + " " + what, field);
}
}  // namespace

Status EngineConfig::validate() const {
  if (block_size < 1 || block_size > 1024) return invalid("block-size", "must be in [1, 1024]");
  if (max_model_len < 2) return invalid("max-model-len", "must be at least 2");
  if (max_loras < 0) return invalid("max-loras", "must not be negative");
  if (profile.fixed) {
    if (num_gpu_blocks < 0) return invalid("num-gpu-blocks", "must not be negative");
    if (profile.fixed_ttft.count() < 0 || profile.fixed_itl.count() < 0) {
      return invalid("profile", "fixed TTFT and ITL must not be negative");
    }
    return {};
  }
  if (max_num_seqs < 1) return invalid("max-num-seqs", "must be at least 1");
  if (max_num_batched_tokens < 1) return invalid("max-num-batched-tokens", "must be at least 1");
  if (num_gpu_blocks < 1) return invalid("num-gpu-blocks", "must be at least 1");
  // vLLM refuses to start when the KV cache cannot hold one max_model_len sequence; the engine
  // relies on the same fact to guarantee progress, so every admitted request must fit on its own.
  const long long capacity = static_cast<long long>(num_gpu_blocks) * block_size;
  if (capacity < max_model_len) {
    return invalid("max-model-len", "(" + std::to_string(max_model_len) +
                                        ") is larger than the KV cache (" +
                                        std::to_string(capacity) + " tokens)");
  }
  const Profile& p = profile;
  if (p.step_overhead.count() < 0 || p.weights_read.count() < 0 ||
      p.prefill_per_token.count() < 0 || p.decode_per_seq.count() < 0 ||
      p.lora_load_delay.count() < 0 || p.prefill_attention_per_token2_ns < 0 ||
      p.decode_per_kv_token_ns < 0) {
    return invalid("profile", "step-time coefficients must not be negative");
  }
  return {};
}

}  // namespace sluice::sim
