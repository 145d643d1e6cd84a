// Performance profiles: how long a model takes on a GPU, as the few coefficients of a vLLM V1
// style step-time model (see step_model.h), plus the scheduler defaults a real server would use.
// The built-in numbers are derived from published hardware and model facts in
// docs/sim-profiles.md; a profile is plain data so that tests and the CLI can build their own.
#pragma once

#include "core/clock.h"
#include "core/result.h"

#include <string>
#include <string_view>
#include <vector>

namespace sluice::sim {

struct Profile {
  std::string name;         ///< "llama-3.1-8b-h100", "llama-3.1-8b-a100", "fixed"
  std::string description;  ///< one line, printed by --help / `sluice sim --list-profiles`

  /// Fixed mode: every request gets exactly fixed_ttft to its first token and fixed_itl between
  /// tokens; no batching, queueing or load effects (the step-time fields below are ignored).
  bool fixed = false;
  Duration fixed_ttft{}, fixed_itl{};

  // Step-time model (vLLM V1 iteration: chunked prefill and decode share one batch):
  //   step = step_overhead
  //        + prefill_per_token * uncached prefill tokens in the step
  //        + prefill_attention_per_token2_ns * sum over prefill chunks of (chunk * context tokens)
  //        + decode_per_seq * decode sequences in the step
  //        + decode_per_kv_token_ns * KV tokens read by the decode sequences
  //        + weights_read (once per step with any work: the memory-bound floor)
  //        + lora_load_delay per adapter loaded into a GPU slot in this step
  Duration step_overhead{}, weights_read{}, prefill_per_token{}, decode_per_seq{},
      lora_load_delay{};
  double prefill_attention_per_token2_ns = 0, decode_per_kv_token_ns = 0;

  // Defaults the CLI uses unless overridden by flags (vLLM's flag names without the dashes).
  int num_gpu_blocks = 0, block_size = 16, max_num_seqs = 256, max_num_batched_tokens = 8192,
      max_model_len = 8192, max_loras = 4;
};

/// The built-in profiles, in the order `--list-profiles` prints them.
std::vector<Profile> builtin_profiles();

/// A built-in profile by name. kNotFound (field "profile") lists the known names in the message.
Result<Profile> find_profile(std::string_view name);

/// The "fixed" profile with the given latencies (the built-in "fixed" uses 0 and 0).
Profile fixed_profile(Duration ttft, Duration itl);

}  // namespace sluice::sim
