#include "cli/sim_flags.h"

#include "sim/profile.h"

#include <iomanip>

namespace sluice::cli {

void add_engine_flags(CLI::App& cmd, SimFlags& f) {
  cmd.add_option(
         "--workers", f.workers,
         "worker threads; replica i runs on worker i % N (each replica is one thread, like a "
         "GPU's scheduler loop)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd.add_option("--profile", f.profile,
                 "performance profile: a built-in GPU profile or 'fixed' (see --list-profiles)")
      ->capture_default_str();
  cmd.add_option("--ttft-ms", f.ttft_ms, "with --profile fixed: time to first token in ms");
  cmd.add_option("--itl-ms", f.itl_ms, "with --profile fixed: inter-token latency in ms");
  cmd.add_flag("--list-profiles", f.list_profiles, "print the built-in profiles and exit");
  auto sizing = [&](const char* name, int& value, const char* help) {
    cmd.add_option(name, value, std::string(help) + " (default: the profile's)")
        ->check(CLI::Range(1, 1 << 30));
  };
  sizing("--max-num-seqs", f.max_num_seqs, "max sequences in one batch");
  sizing("--max-num-batched-tokens", f.max_num_batched_tokens, "max tokens in one engine step");
  sizing("--block-size", f.block_size, "KV-cache block size in tokens");
  sizing("--num-gpu-blocks", f.num_gpu_blocks, "KV-cache blocks");
  sizing("--max-loras", f.max_loras, "LoRA adapters resident in GPU slots at once");
  sizing("--max-model-len", f.max_model_len, "context length (prompt + output tokens)");
  cmd.add_option("--max-waiting", f.max_waiting, "waiting-queue bound; requests beyond it get 429")
      ->capture_default_str();
  cmd.add_flag("--no-prefix-caching", f.no_prefix_caching, "disable automatic prefix caching");
  cmd.add_option("--seed", f.seed, "seed of the generated text and of failure injection")
      ->capture_default_str();
  cmd.add_option("--error-rate", f.error_rate,
                 "fraction 0..1 of completion requests answered with an injected error")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd.add_option("--error-mix", f.error_mix, "weights of injected statuses, STATUS=WEIGHT,...")
      ->capture_default_str();
  cmd.add_option("--added-latency-ms", f.added_latency_ms,
                 "extra delay before each completion request is processed")
      ->check(CLI::Range(0.0, 3600e3));
  cmd.add_option("--drop-rate", f.drop_rate,
                 "fraction 0..1 of streaming responses whose connection is dropped mid-stream")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd.add_option("--max-body-bytes", f.max_body_bytes, "request body limit (413 beyond it)")
      ->capture_default_str();
  cmd.add_option("--shutdown-grace-s", f.shutdown_grace_s,
                 "on SIGTERM/SIGINT, time in-flight requests get to finish")
      ->capture_default_str();
}

Result<sim::SimOptions> build_sim_options(const SimFlags& f) {
  sim::Profile profile;
  if (f.profile == "fixed") {
    if (f.ttft_ms < 0 || f.itl_ms < 0) {
      return make_error(ErrorCode::kInvalidArgument,
                        "--profile fixed needs --ttft-ms and --itl-ms (>= 0)", "--profile");
    }
    profile = sim::fixed_profile(from_millis(f.ttft_ms), from_millis(f.itl_ms));
  } else {
    if (f.ttft_ms >= 0 || f.itl_ms >= 0) {
      return make_error(ErrorCode::kInvalidArgument,
                        "--ttft-ms/--itl-ms only apply to --profile fixed", "--ttft-ms");
    }
    auto found = sim::find_profile(f.profile);
    if (!found.ok()) {
      return std::move(found).error();
    }
    profile = std::move(found).value();
  }
  sim::SimOptions options;
  options.host = f.host;
  options.workers = f.workers;
  options.engine = sim::EngineConfig::from_profile(profile);
  auto override_with = [](int flag, int& field) {
    if (flag > 0) {
      field = flag;
    }
  };
  override_with(f.max_num_seqs, options.engine.max_num_seqs);
  override_with(f.max_num_batched_tokens, options.engine.max_num_batched_tokens);
  override_with(f.block_size, options.engine.block_size);
  override_with(f.num_gpu_blocks, options.engine.num_gpu_blocks);
  override_with(f.max_loras, options.engine.max_loras);
  override_with(f.max_model_len, options.engine.max_model_len);
  // A small --num-gpu-blocks without --max-model-len: shrink the context to what the cache holds
  // (vLLM would refuse to start; for a simulator the intent is clear).
  const long long cache_tokens =
      static_cast<long long>(options.engine.num_gpu_blocks) * options.engine.block_size;
  if (f.max_model_len == 0 && cache_tokens < options.engine.max_model_len) {
    options.engine.max_model_len = static_cast<int>(cache_tokens);
  }
  options.engine.max_waiting = f.max_waiting;
  options.engine.enable_prefix_caching = !f.no_prefix_caching;
  options.seed = f.seed;
  auto mix = sim::parse_status_mix(f.error_mix);
  if (!mix.ok()) {
    return std::move(mix).error();
  }
  options.failures.status_mix = std::move(mix).value();
  options.failures.error_rate = f.error_rate;
  options.failures.drop_rate = f.drop_rate;
  options.failures.added_latency = from_millis(f.added_latency_ms);
  if (auto valid = options.engine.validate(); !valid.ok()) {
    return std::move(valid).error();
  }
  options.limits.max_body_bytes = f.max_body_bytes;
  options.shutdown_grace = from_seconds(f.shutdown_grace_s);
  return options;
}

Result<std::vector<sim::LoraSpec>> parse_loras(const std::vector<std::string>& values,
                                               const std::vector<std::string>& models) {
  std::vector<sim::LoraSpec> loras;
  for (const auto& value : values) {
    const auto eq = value.find('=');
    sim::LoraSpec spec;
    spec.name = value.substr(0, eq);
    spec.parent =
        eq == std::string::npos ? (models.empty() ? "" : models.front()) : value.substr(eq + 1);
    if (spec.name.empty() || spec.parent.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "--lora '" + value + "': expected NAME=PARENT",
                        "--lora");
    }
    loras.push_back(std::move(spec));
  }
  return loras;
}

void print_profiles(std::ostream& out) {
  for (const auto& profile : sim::builtin_profiles()) {
    out << std::left << std::setw(22) << profile.name << profile.description << "\n";
  }
}

}  // namespace sluice::cli
