// Configuration of one simulated engine: a Profile plus the vLLM scheduler and cache settings
// that the CLI may override (--max-num-seqs, --max-num-batched-tokens, --block-size,
// --num-gpu-blocks-override, --max-loras, --max-model-len, --enable-prefix-caching).
#pragma once

#include "core/result.h"
#include "sim/profile.h"

#include <cstddef>

namespace sluice::sim {

struct EngineConfig {
  Profile profile;
  int max_num_seqs = 256;
  int max_num_batched_tokens = 8192;
  int block_size = 16;
  int num_gpu_blocks = 0;
  int max_loras = 4;
  int max_model_len = 8192;
  bool enable_prefix_caching = true;
  /// add() beyond this many waiting requests fails with ErrorCode::kRateLimited.
  std::size_t max_waiting = 10000;
  /// Fixed profile only (nothing waits there): add() fails with kRateLimited beyond this many
  /// requests in flight, so that memory stays bounded even when clients outpace the latencies.
  std::size_t fixed_max_in_flight = 100000;

  /// Copies the profile and its scheduler/cache defaults.
  static EngineConfig from_profile(const Profile& profile);

  /// kInvalidArgument naming the offending setting (its CLI flag name in `field`). The Engine
  /// requires a valid config; the CLI reports this error at start-up.
  Status validate() const;
};

}  // namespace sluice::sim
