// `sluice bench`: a load generator for OpenAI-compatible endpoints (first stage of issue #3:
// one stage, open or closed loop, synthetic prompts, summary table and summary.json).
#include "bench/driver/load_runner.h"
#include "cli/commands.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

namespace sluice::cli {
namespace {

struct BenchFlags {
  std::string url;
  std::string model;
  std::string api = "chat";
  bool no_stream = false;
  double rate = -1;
  std::string arrival = "constant";
  double burstiness = 1;
  int concurrency = 0;
  std::uint64_t num_requests = 0;
  double duration_s = 0;
  std::string input_len = "128";
  std::string output_len = "128";
  std::uint64_t seed = 0;
  std::string slo;
  std::string api_key;
  double timeout_s = 120;
  std::string report_dir;
};

void print_row(const char* name, const bench::Summary& s, double scale, const char* unit) {
  std::printf("%-16s %10.3f %10.3f %10.3f %10.3f %10.3f %10.3f  %s\n", name, s.mean * scale,
              s.p50 * scale, s.p90 * scale, s.p99 * scale, s.min * scale, s.max * scale, unit);
}

void print_report(const bench::StageReport& r) {
  std::printf("requests: %llu completed, %llu failed", static_cast<unsigned long long>(r.completed),
              static_cast<unsigned long long>(r.failed));
  for (const auto& [type, count] : r.errors) {
    std::printf(" [%s: %llu]", type.c_str(), static_cast<unsigned long long>(count));
  }
  std::printf("\nrate: target %.2f/s, achieved %.2f/s; duration %.3f s\n", r.target_rate,
              r.achieved_rate, r.duration_s);
  std::printf("throughput: %.2f req/s, %.1f input tok/s, %.1f output tok/s, goodput %.2f req/s\n",
              r.requests_per_s, r.input_tokens_per_s, r.output_tokens_per_s,
              r.goodput_requests_per_s);
  std::printf("%-16s %10s %10s %10s %10s %10s %10s\n", "metric", "mean", "p50", "p90", "p99", "min",
              "max");
  print_row("ttft", r.ttft, 1e3, "ms");
  print_row("itl (per chunk)", r.itl, 1e3, "ms");
  print_row("tpot", r.tpot, 1e3, "ms");
  print_row("ntpot", r.ntpot, 1e3, "ms");
  print_row("e2e", r.e2e, 1e3, "ms");
  print_row("schedule delay", r.schedule_delay, 1e3, "ms");
}

}  // namespace

Runner add_bench_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "bench",
      "Load-test an OpenAI-compatible endpoint: TTFT, ITL, TPOT, NTPOT, e2e latency, throughput, "
      "goodput and the generator's own scheduling delay.");
  cmd->footer(
      "Examples:\n"
      "  sluice bench --url http://127.0.0.1:8000 --model m --rate 50 --duration 30\n"
      "  sluice bench --url http://127.0.0.1:8000 --model m --concurrency 16 --num-requests 500 "
      "\\\n"
      "    --input-len normal:512:128 --output-len 128 --slo ttft=200ms,tpot=50ms --report-dir "
      "out");
  auto f = std::make_shared<BenchFlags>();
  cmd->add_option("--url", f->url, "base URL of the server, e.g. http://127.0.0.1:8000")
      ->required();
  cmd->add_option("--model", f->model, "model name to request")->required();
  cmd->add_option("--api", f->api, "chat (/v1/chat/completions) or completions")
      ->capture_default_str()
      ->check(CLI::IsMember({"chat", "completions"}));
  cmd->add_flag("--no-stream", f->no_stream, "non-streaming requests (default: SSE streaming)");
  cmd->add_option("--rate", f->rate, "open loop: requests per second");
  cmd->add_option("--arrival", f->arrival, "open-loop arrivals: constant, poisson or gamma")
      ->capture_default_str();
  cmd->add_option("--burstiness", f->burstiness, "gamma shape (1 = poisson, < 1 burstier)")
      ->capture_default_str();
  cmd->add_option("--concurrency", f->concurrency, "closed loop: requests in flight")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--num-requests", f->num_requests, "stop after this many requests");
  cmd->add_option("--duration", f->duration_s, "stop sending after this many seconds");
  cmd->add_option("--input-len", f->input_len,
                  "prompt length in words: N, uniform:MIN:MAX, normal:MEAN:STD[:MIN:MAX], "
                  "lognormal:MEAN:STD[:MIN:MAX]")
      ->capture_default_str();
  cmd->add_option("--output-len", f->output_len, "max_tokens per request, same syntax")
      ->capture_default_str();
  cmd->add_option("--seed", f->seed, "seed of prompts, lengths and arrivals")
      ->capture_default_str();
  cmd->add_option("--slo", f->slo, "goodput objectives, e.g. ttft=200ms,tpot=50ms,e2e=2s");
  cmd->add_option("--api-key", f->api_key, "sent as Authorization: Bearer KEY");
  cmd->add_option("--timeout", f->timeout_s, "per-request timeout in seconds")
      ->capture_default_str();
  cmd->add_option("--report-dir", f->report_dir, "write summary.json into this directory");
  return [f]() -> int {
    bench::LoadOptions o;
    o.url = f->url;
    o.model = f->model;
    o.chat = f->api == "chat";
    o.stream = !f->no_stream;
    if (f->rate >= 0) {
      o.rate = f->rate;
    }
    auto arrival = bench::parse_arrival_kind(f->arrival);
    auto input = bench::LengthDistribution::parse(f->input_len);
    auto output = bench::LengthDistribution::parse(f->output_len);
    auto slo = bench::Slo::parse(f->slo);
    for (const Error* e :
         {arrival.ok() ? nullptr : &arrival.error(), input.ok() ? nullptr : &input.error(),
          output.ok() ? nullptr : &output.error(), slo.ok() ? nullptr : &slo.error()}) {
      if (e != nullptr) {
        std::cerr << "sluice bench: " << e->message << "\n";
        return 2;
      }
    }
    o.arrival = *arrival;
    o.burstiness = f->burstiness;
    o.concurrency = f->concurrency;
    o.num_requests = f->num_requests;
    o.duration = from_seconds(f->duration_s);
    o.input = *input;
    o.output = *output;
    o.seed = f->seed;
    o.slo = *slo;
    o.api_key = f->api_key;
    o.timeout = from_seconds(f->timeout_s);
    if (Status valid = bench::validate(o); !valid.ok()) {
      std::cerr << "sluice bench: " << valid.error().message << "\n";
      return 2;
    }
    auto report = bench::run_stage(o);
    if (!report.ok()) {
      std::cerr << "sluice bench: " << report.error().message << "\n";
      return 1;
    }
    print_report(*report);
    if (!f->report_dir.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(f->report_dir, ec);
      const auto path = std::filesystem::path(f->report_dir) / "summary.json";
      std::ofstream out(path);
      report->name = "stage-0";
      out << bench::summary_json({*report});
      if (!out) {
        std::cerr << "sluice bench: cannot write " << path << "\n";
        return 1;
      }
      std::cout << "wrote " << path.string() << "\n";
    }
    return 0;
  };
}

}  // namespace sluice::cli
