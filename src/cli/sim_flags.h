// Flags shared by `sluice sim` and `sluice up`: engine sizing, profile, failure injection, limits.
#pragma once

#include "core/result.h"
#include "sim/server/sim_options.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace sluice::cli {

struct SimFlags {
  std::string host = "127.0.0.1";
  int port = 8000;
  std::vector<std::string> models;
  std::vector<std::string> loras;
  int replicas = 1;
  std::size_t workers = 1;
  std::string profile = "llama-3.1-8b-h100";
  double ttft_ms = -1;
  double itl_ms = -1;
  bool list_profiles = false;
  // Engine sizing; 0 means "the profile's default".
  int max_num_seqs = 0;
  int max_num_batched_tokens = 0;
  int block_size = 0;
  int num_gpu_blocks = 0;
  int max_loras = 0;
  int max_model_len = 0;
  std::size_t max_waiting = 10000;
  bool no_prefix_caching = false;
  std::uint64_t seed = 0;
  double error_rate = 0;
  std::string error_mix = "429=1,500=1,503=1";
  double added_latency_ms = 0;
  double drop_rate = 0;
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  double shutdown_grace_s = 10;
};

/// Registers the engine, profile, failure-injection and limit flags on `cmd`.
void add_engine_flags(CLI::App& cmd, SimFlags& flags);
/// Builds validated options (without replicas) from the flags.
Result<sim::SimOptions> build_sim_options(const SimFlags& flags);
/// Parses `--lora NAME=PARENT` values; PARENT defaults to the first model.
Result<std::vector<sim::LoraSpec>> parse_loras(const std::vector<std::string>& values,
                                               const std::vector<std::string>& models);
/// Prints the built-in profiles with their descriptions.
void print_profiles(std::ostream& out);

}  // namespace sluice::cli
