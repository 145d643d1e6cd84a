#include "sim/step_model.h"

#include <cmath>

namespace sluice::sim {

Duration step_time(const Profile& p, const StepShape& s) {
  if (s.empty()) return Duration{0};
  const auto prefill = static_cast<Duration::rep>(s.prefill_tokens);
  const auto decode = static_cast<Duration::rep>(s.decode_seqs);
  const auto loads = static_cast<Duration::rep>(s.lora_loads);
  // The two fractional-nanosecond terms are summed before rounding, once, so that the result does
  // not depend on how the work was split between them.
  const double fractional_ns =
      p.prefill_attention_per_token2_ns * static_cast<double>(s.prefill_token_pairs) +
      p.decode_per_kv_token_ns * static_cast<double>(s.decode_kv_tokens);
  return p.step_overhead + p.weights_read + p.prefill_per_token * prefill +
         p.decode_per_seq * decode + p.lora_load_delay * loads +
         Duration(std::llround(fractional_ns));
}

}  // namespace sluice::sim
