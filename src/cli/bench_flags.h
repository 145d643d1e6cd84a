// Flags of `sluice bench`, and the pieces of a run built from them.
#pragma once

#include "bench/dataset.h"
#include "bench/driver/session.h"
#include "bench/model_split.h"
#include "bench/stage_plan.h"
#include "bench/sweep.h"
#include "core/result.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sluice::cli {

struct BenchFlags {
  std::string url;
  std::vector<std::string> models;
  std::string api = "chat";
  bool no_stream = false;
  // load shape
  double rate = -1;
  std::string arrival = "constant";
  double burstiness = 1;
  int concurrency = 0;
  std::uint64_t num_requests = 0;
  double duration_s = 0;
  double warmup_s = 0;
  std::string stages_file;
  int sweep = 0;
  std::string sweep_spacing = "linear";
  int sweep_probe_concurrency = 256;
  double sweep_probe_s = 10;
  double interval_s = 0;
  // dataset
  std::string dataset = "synthetic";
  std::string dataset_path;
  std::string input_len = "128";
  std::string output_len = "128";
  std::uint32_t groups = 8, prompts_per_group = 16, prefix_len = 512;
  std::uint32_t conversations = 16, turns = 4;
  bool dataset_output_len = false;
  std::uint64_t seed = 0;
  // requests
  std::string slo;
  std::string api_key;
  std::vector<std::string> headers;
  bool insecure = false;
  std::string ca_file;
  double timeout_s = 120;
  std::size_t max_in_flight = 20000;
  // observation and output
  std::vector<std::string> scrape;
  double scrape_interval_s = 1;
  std::string report_dir;
  bool per_request = false;
  std::string progress = "auto";
};

/// Registers every flag of `sluice bench` on `cmd`.
void add_bench_flags(CLI::App& cmd, BenchFlags& flags);

/// The stage defaults the flags give (rate or concurrency, arrival, duration, request count).
Result<bench::StageSpec> default_stage(const BenchFlags& flags);
Result<bench::DatasetOptions> dataset_options(const BenchFlags& flags);
/// Session options except pick_model (the caller owns the ModelSplit it points into).
Result<bench::SessionOptions> session_options(const BenchFlags& flags);
/// The stages to run: --stages FILE, else the one stage the flags describe; --warmup prepends a
/// warm-up stage. (--sweep stages are planned at run time, after the saturation probe.)
Result<bench::StagePlan> stage_plan(const BenchFlags& flags, const bench::StageSpec& defaults);

}  // namespace sluice::cli
