#include "cli/bench_flags.h"

#include "bench/lengths.h"
#include "bench/request_metrics.h"

namespace sluice::cli {

void add_bench_flags(CLI::App& cmd, BenchFlags& f) {
  cmd.add_option("--url", f.url, "base URL of the server, e.g. http://127.0.0.1:8000")->required();
  cmd.add_option("--model", f.models,
                 "model to request; repeat as NAME=WEIGHT to split traffic between models or "
                 "LoRA adapters, e.g. --model base=1 --model sql-lora=3")
      ->required();
  cmd.add_option("--api", f.api, "chat (/v1/chat/completions) or completions")
      ->capture_default_str()
      ->check(CLI::IsMember({"chat", "completions"}));
  cmd.add_flag("--no-stream", f.no_stream, "non-streaming requests (default: SSE streaming)");

  const char* load = "Load shape";
  cmd.add_option("--rate", f.rate, "open loop: requests per second")->group(load);
  cmd.add_option("--arrival", f.arrival, "open-loop arrivals: constant, poisson or gamma")
      ->capture_default_str()
      ->group(load);
  cmd.add_option("--burstiness", f.burstiness, "gamma shape (1 = poisson, < 1 burstier)")
      ->capture_default_str()
      ->group(load);
  cmd.add_option("--concurrency", f.concurrency, "closed loop: requests in flight")
      ->check(CLI::Range(1, 1000000))
      ->group(load);
  cmd.add_option("--num-requests", f.num_requests, "stop a stage after this many requests")
      ->group(load);
  cmd.add_option("--duration", f.duration_s, "stop sending after this many seconds (per stage)")
      ->group(load);
  cmd.add_option("--warmup", f.warmup_s,
                 "seconds of load at the first stage's shape before measuring (not reported)")
      ->check(CLI::NonNegativeNumber)
      ->group(load);
  cmd.add_option("--stages", f.stages_file,
                 "YAML file of stages (see docs/bench.md and examples/bench/)")
      ->check(CLI::ExistingFile)
      ->group(load);
  cmd.add_option("--sweep", f.sweep,
                 "find the saturation rate with a closed-loop probe, then run N open-loop stages "
                 "of --duration up to it")
      ->check(CLI::Range(1, 100))
      ->group(load);
  cmd.add_option("--sweep-spacing", f.sweep_spacing, "linear or geometric (denser near saturation)")
      ->capture_default_str()
      ->group(load);
  cmd.add_option("--sweep-probe-concurrency", f.sweep_probe_concurrency,
                 "requests in flight during the saturation probe")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000))
      ->group(load);
  cmd.add_option("--sweep-probe-duration", f.sweep_probe_s, "seconds of saturation probe")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group(load);
  cmd.add_option("--interval", f.interval_s, "seconds of pause between stages")
      ->check(CLI::NonNegativeNumber)
      ->group(load);

  const char* data = "Dataset";
  cmd.add_option("--dataset", f.dataset,
                 "synthetic, shared-prefix, multi-turn, sharegpt (--dataset-path FILE.json) or "
                 "trace (--dataset-path FILE.csv|.jsonl: timestamp, input and output lengths)")
      ->capture_default_str()
      ->check(CLI::IsMember({"synthetic", "shared-prefix", "multi-turn", "sharegpt", "trace"}))
      ->group(data);
  cmd.add_option("--dataset-path", f.dataset_path, "the sharegpt or trace file")->group(data);
  cmd.add_option(
         "--input-len", f.input_len,
         "prompt (question) length in tokens: N, uniform:MIN:MAX, normal:MEAN:STD[:MIN:MAX], "
         "lognormal:MEAN:STD[:MIN:MAX]")
      ->capture_default_str()
      ->group(data);
  cmd.add_option("--output-len", f.output_len, "max_tokens per request, same syntax")
      ->capture_default_str()
      ->group(data);
  cmd.add_flag("--sharegpt-output-len", f.dataset_output_len,
               "sharegpt: use --output-len instead of the recorded reply's length")
      ->group(data);
  cmd.add_option("--groups", f.groups, "shared-prefix: number of shared prefixes")
      ->capture_default_str()
      ->group(data);
  cmd.add_option("--prompts-per-group", f.prompts_per_group, "shared-prefix: prompts per prefix")
      ->capture_default_str()
      ->group(data);
  cmd.add_option("--prefix-len", f.prefix_len, "shared-prefix: tokens of each shared prefix")
      ->capture_default_str()
      ->group(data);
  cmd.add_option("--conversations", f.conversations, "multi-turn: conversations in flight")
      ->capture_default_str()
      ->group(data);
  cmd.add_option("--turns", f.turns, "multi-turn: user turns per conversation")
      ->capture_default_str()
      ->group(data);
  cmd.add_option("--seed", f.seed, "seed of prompts, lengths, arrivals and the model split")
      ->capture_default_str()
      ->group(data);

  const char* req = "Requests";
  cmd.add_option("--slo", f.slo, "goodput objectives, e.g. ttft=200ms,tpot=50ms,e2e=2s")
      ->group(req);
  cmd.add_option("--api-key", f.api_key, "sent as Authorization: Bearer KEY")->group(req);
  cmd.add_option("--header", f.headers, "extra request header 'Name: value' (repeatable)")
      ->group(req);
  cmd.add_flag("--insecure", f.insecure, "https: do not verify the server certificate")->group(req);
  cmd.add_option("--ca-file", f.ca_file, "https: also trust this PEM CA certificate")
      ->check(CLI::ExistingFile)
      ->group(req);
  cmd.add_option("--timeout", f.timeout_s, "per-request timeout in seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group(req);
  cmd.add_option("--max-in-flight", f.max_in_flight,
                 "open loop: requests due beyond this many in flight fail as generator_overloaded")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000))
      ->group(req);

  const char* out = "Output";
  cmd.add_option("--scrape", f.scrape,
                 "Prometheus /metrics URL to sample during each stage (repeatable)")
      ->group(out);
  cmd.add_option("--scrape-interval", f.scrape_interval_s, "seconds between scrapes")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 3600.0))
      ->group(out);
  cmd.add_option("--report-dir", f.report_dir,
                 "write summary.json and report.html (and per_request.jsonl) here")
      ->group(out);
  cmd.add_flag("--per-request", f.per_request, "also write per_request.jsonl (needs --report-dir)")
      ->group(out);
  cmd.add_option("--progress", f.progress,
                 "live progress line: auto (on a terminal), always (one line per second) or never")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->group(out);
}

Result<bench::StageSpec> default_stage(const BenchFlags& f) {
  bench::StageSpec s;
  if (f.rate >= 0) {
    s.rate = f.rate;
  }
  s.concurrency = f.concurrency;
  auto arrival = bench::parse_arrival_kind(f.arrival);
  if (!arrival.ok()) {
    return std::move(arrival).error();
  }
  s.arrival = *arrival;
  s.burstiness = f.burstiness;
  s.duration = from_seconds(f.duration_s);
  s.num_requests = f.num_requests;
  return s;
}

Result<bench::DatasetOptions> dataset_options(const BenchFlags& f) {
  bench::DatasetOptions d;
  d.kind = f.dataset;
  auto input = bench::LengthDistribution::parse(f.input_len);
  if (!input.ok()) {
    return std::move(input).error();
  }
  auto output = bench::LengthDistribution::parse(f.output_len);
  if (!output.ok()) {
    return std::move(output).error();
  }
  d.input = *input;
  d.output = *output;
  d.seed = f.seed;
  d.groups = f.groups;
  d.prompts_per_group = f.prompts_per_group;
  d.prefix_len = f.prefix_len;
  d.conversations = f.conversations;
  d.turns = f.turns;
  d.path = f.dataset_path;
  d.override_output = f.dataset_output_len;
  if ((d.kind == "sharegpt" || d.kind == "trace") && d.path.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "--dataset " + d.kind + " needs --dataset-path FILE", "--dataset-path");
  }
  return d;
}

Result<bench::SessionOptions> session_options(const BenchFlags& f) {
  bench::SessionOptions o;
  o.url = f.url;
  o.api = f.api == "chat" ? bench::ApiKind::kChat : bench::ApiKind::kCompletions;
  o.stream = !f.no_stream;
  o.api_key = f.api_key;
  for (const std::string& header : f.headers) {
    const auto colon = header.find(':');
    if (colon == std::string::npos || colon == 0) {
      return make_error(ErrorCode::kInvalidArgument,
                        "--header '" + header + "' must look like 'Name: value'", "--header");
    }
    std::string name = header.substr(0, colon);
    std::string value = header.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') {
      value.erase(0, 1);
    }
    if (name.find_first_of(" \t\r\n") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      return make_error(ErrorCode::kInvalidArgument,
                        "--header '" + header + "': bad characters in the name or value",
                        "--header");
    }
    o.headers.emplace_back(std::move(name), std::move(value));
  }
  o.timeout = from_seconds(f.timeout_s);
  o.verify_tls = !f.insecure;
  o.ca_file = f.ca_file;
  auto slo = bench::Slo::parse(f.slo);
  if (!slo.ok()) {
    return std::move(slo).error();
  }
  o.slo = *slo;
  o.seed = f.seed;
  o.max_in_flight = f.max_in_flight;
  for (const std::string& url : f.scrape) {
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
      return make_error(ErrorCode::kInvalidArgument,
                        "--scrape '" + url + "' must start with http:// or https://", "--scrape");
    }
  }
  o.scrape_urls = f.scrape;
  o.scrape_interval = from_seconds(f.scrape_interval_s);
  return o;
}

Result<bench::StagePlan> stage_plan(const BenchFlags& f, const bench::StageSpec& defaults) {
  bench::StagePlan plan;
  if (!f.stages_file.empty()) {
    if (f.rate >= 0 || f.concurrency > 0 || f.sweep > 0) {
      return make_error(ErrorCode::kInvalidArgument,
                        "--stages sets each stage's load: drop --rate, --concurrency and --sweep",
                        "--stages");
    }
    auto loaded = bench::load_stage_plan(f.stages_file, defaults);
    if (!loaded.ok()) {
      return std::move(loaded).error();
    }
    plan = std::move(*loaded);
  } else if (f.sweep == 0) {
    bench::StageSpec only = defaults;
    only.name = "stage-0";
    plan.stages.push_back(only);
  }
  if (f.interval_s > 0) {
    plan.interval = from_seconds(f.interval_s);
  }
  if (f.warmup_s > 0 && !plan.stages.empty()) {
    bench::StageSpec warm = plan.stages.front();
    warm.name = "warmup";
    warm.warmup = true;
    warm.duration = from_seconds(f.warmup_s);
    warm.num_requests = 0;
    plan.stages.insert(plan.stages.begin(), warm);
  }
  return plan;
}

}  // namespace sluice::cli
