#include "sim/profile.h"

#include <cmath>
#include <string>

namespace sluice::sim {
namespace {

// Every number below is explained, with its source, in docs/sim-profiles.md. The coefficients are
// computed here from those facts (rather than pasted as results) so that the derivation is the
// code.

// Llama-3.1-8B, from its Hugging Face config.json and model card.
constexpr double kParams = 8.03e9;
constexpr double kWeightBytes = 2.0 * kParams;  // bf16
constexpr double kLayers = 32, kKvHeads = 8, kHeadDim = 128, kHidden = 4096;
constexpr double kKvBytesPerToken =
    2.0 * kLayers * kKvHeads * kHeadDim * 2.0;    // K+V, bf16: 128 KiB
constexpr double kFlopsPerToken = 2.0 * kParams;  // one multiply-add per weight
// Attention score + value products for one (query token, context token) pair: 2 matmuls x
// 2 FLOP x hidden x layers. Halved below because chunk x context counts causal pairs twice.
constexpr double kAttentionFlopsPerPair = 2.0 * 2.0 * kHidden * kLayers;
// A rank-16 LoRA on q,k,v,o,gate,up,down of all 32 layers: about 42 M bf16 parameters.
constexpr double kLoraBytes = 84e6;

// Achievable fractions of datasheet peaks for bf16 serving (see the doc's "efficiency" section).
constexpr double kBandwidthEfficiency = 0.7;
constexpr double kMfu = 0.5;
// vLLM's --gpu-memory-utilization default, and headroom for activations and CUDA graphs.
constexpr double kGpuMemoryUtilization = 0.9;
constexpr double kActivationBytes = 2e9;
constexpr int kBlockSize = 16;  // vLLM's default --block-size
constexpr int kLlamaMaxModelLen = 131072;
// Scheduler, sampler and input preparation on the CPU, per step (not overlapped in the model).
constexpr double kStepOverheadSeconds = 1.5e-3;
// Fixed part of an adapter load (allocation, copy launch, bookkeeping).
constexpr double kLoraLoadOverheadSeconds = 1e-3;

struct Gpu {
  const char* profile_name;
  const char* description;
  double hbm_bytes_per_s;
  double bf16_flops;
  double memory_bytes;
  double pcie_bytes_per_s;  // effective host-to-device, for adapter loads
  int max_num_seqs;         // vLLM's defaults for this GPU class (EngineArgs.get_batch_defaults)
  int max_num_batched_tokens;
};

Duration seconds(double s) { return Duration(std::llround(s * 1e9)); }

Profile llama_8b_on(const Gpu& gpu) {
  const double bandwidth = gpu.hbm_bytes_per_s * kBandwidthEfficiency;
  const double flops = gpu.bf16_flops * kMfu;
  Profile p;
  p.name = gpu.profile_name;
  p.description = gpu.description;
  p.step_overhead = seconds(kStepOverheadSeconds);
  p.weights_read = seconds(kWeightBytes / bandwidth);
  p.prefill_per_token = seconds(kFlopsPerToken / flops);
  // A decode token runs the same GEMMs as a prefill token; the model adds it on top of the weight
  // read instead of overlapping, which is slightly pessimistic for large batches.
  p.decode_per_seq = p.prefill_per_token;
  p.prefill_attention_per_token2_ns = kAttentionFlopsPerPair / 2.0 / flops * 1e9;
  p.decode_per_kv_token_ns = kKvBytesPerToken / bandwidth * 1e9;
  p.lora_load_delay = seconds(kLoraLoadOverheadSeconds + kLoraBytes / gpu.pcie_bytes_per_s);
  const double kv_bytes =
      gpu.memory_bytes * kGpuMemoryUtilization - kWeightBytes - kActivationBytes;
  p.num_gpu_blocks = static_cast<int>(kv_bytes / (kBlockSize * kKvBytesPerToken));
  p.block_size = kBlockSize;
  p.max_num_seqs = gpu.max_num_seqs;
  p.max_num_batched_tokens = gpu.max_num_batched_tokens;
  p.max_model_len = kLlamaMaxModelLen;
  p.max_loras = 4;
  return p;
}

constexpr Gpu kH100{"llama-3.1-8b-h100",
                    "Llama-3.1-8B bf16 on one H100 SXM 80GB (3.35 TB/s, 989 TFLOPS roofline)",
                    3.35e12,
                    989e12,
                    80e9,
                    50e9,
                    1024,
                    8192};
constexpr Gpu kA100{"llama-3.1-8b-a100",
                    "Llama-3.1-8B bf16 on one A100 SXM 80GB (2.039 TB/s, 312 TFLOPS roofline)",
                    2.039e12,
                    312e12,
                    80e9,
                    25e9,
                    256,
                    2048};

}  // namespace

Profile fixed_profile(Duration ttft, Duration itl) {
  Profile p;
  p.name = "fixed";
  p.description = "constant TTFT and ITL per request, no batching, queueing or load effects";
  p.fixed = true;
  p.fixed_ttft = ttft;
  p.fixed_itl = itl;
  // KV accounting still runs (for the cache metrics), sized like the 8B/H100 server.
  const Profile h100 = llama_8b_on(kH100);
  p.num_gpu_blocks = h100.num_gpu_blocks;
  p.block_size = h100.block_size;
  p.max_num_seqs = h100.max_num_seqs;
  p.max_num_batched_tokens = h100.max_num_batched_tokens;
  p.max_model_len = h100.max_model_len;
  p.max_loras = h100.max_loras;
  return p;
}

std::vector<Profile> builtin_profiles() {
  return {llama_8b_on(kH100), llama_8b_on(kA100), fixed_profile(Duration{0}, Duration{0})};
}

Result<Profile> find_profile(std::string_view name) {
  std::vector<Profile> all = builtin_profiles();
  std::string known;
  for (Profile& p : all) {
    if (p.name == name) return std::move(p);
    if (!known.empty()) known += ", ";
    known += p.name;
  }
  return make_error(ErrorCode::kNotFound,
                    "unknown profile '" + std::string(name) + "'; known profiles: " + known,
                    "profile");
}

}  // namespace sluice::sim
