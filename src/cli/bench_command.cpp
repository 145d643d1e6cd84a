// `sluice bench`: a load generator and report for OpenAI-compatible endpoints (issue #3).
// Flags live in bench_flags.cpp, the printed and written output in bench_output.cpp; this file
// runs the stages.
#include "bench/driver/per_request_log.h"
#include "bench/driver/session.h"
#include "cli/bench_flags.h"
#include "cli/bench_output.h"
#include "cli/commands.h"

#include <filesystem>
#include <iostream>
#include <memory>

namespace sluice::cli {
namespace {

constexpr int kExitInterrupted = 130;

int fail(const Error& e) {
  std::cerr << "sluice bench: " << e.message << "\n";
  return 2;
}

bench::LoadShape shape_of(const bench::StageSpec& spec, bool trace) {
  bench::LoadShape shape;
  shape.rate = spec.rate;
  shape.arrival = spec.arrival;
  shape.burstiness = spec.burstiness;
  shape.concurrency = spec.concurrency;
  shape.trace = trace;
  shape.duration = spec.duration;
  shape.num_requests = spec.num_requests;
  return shape;
}

/// Runs the saturation probe and plans the sweep's stages from it. Empty if interrupted.
Result<std::vector<bench::StageSpec>> plan_sweep(const BenchFlags& f,
                                                 const bench::StageSpec& defaults,
                                                 bench::BenchSession& session,
                                                 std::vector<bench::StageReport>& reports) {
  auto spacing = bench::parse_sweep_spacing(f.sweep_spacing);
  if (!spacing.ok()) {
    return std::move(spacing).error();
  }
  if (f.duration_s <= 0 && f.num_requests == 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "--sweep needs --duration (or --num-requests) for each of its stages",
                      "--duration");
  }
  bench::LoadShape probe;
  probe.concurrency = f.sweep_probe_concurrency;
  probe.duration = from_seconds(f.sweep_probe_s);
  std::cerr << "sweep: probing saturation with " << probe.concurrency << " requests in flight for "
            << f.sweep_probe_s << " s\n";
  reports.push_back(session.run_stage("saturation-probe", probe));
  if (session.interrupted()) {
    return std::vector<bench::StageSpec>{};
  }
  const double saturation =
      bench::saturation_rate_from_probe(reports.back().completion_offsets_s, f.sweep_probe_s);
  if (!(saturation > 0)) {
    return make_error(ErrorCode::kUnavailable,
                      "the saturation probe completed no requests: is the server up? (" +
                          errors_text(reports.back()) + ")");
  }
  std::cerr << "sweep: saturation at about " << saturation << " requests/s\n";
  std::vector<bench::StageSpec> stages;
  for (const double rate : bench::sweep_rates(saturation, f.sweep, *spacing)) {
    bench::StageSpec s = defaults;
    s.concurrency = 0;
    s.rate = rate;
    s.name = "sweep-" + std::to_string(stages.size() + 1);
    stages.push_back(s);
  }
  return stages;
}

int run_bench(const BenchFlags& f, const std::string& command_line) {
  auto defaults = default_stage(f);
  if (!defaults.ok()) return fail(defaults.error());
  auto data_options = dataset_options(f);
  if (!data_options.ok()) return fail(data_options.error());
  auto options = session_options(f);
  if (!options.ok()) return fail(options.error());
  auto split = bench::ModelSplit::parse(f.models);
  if (!split.ok()) return fail(split.error());
  auto plan = stage_plan(f, *defaults);
  if (!plan.ok()) return fail(plan.error());
  if (f.per_request && f.report_dir.empty()) {
    return fail(Error{ErrorCode::kInvalidArgument, "--per-request needs --report-dir", ""});
  }
  auto dataset = bench::make_dataset(*data_options);
  if (!dataset.ok()) return fail(dataset.error());
  const bool trace = (*dataset)->has_arrivals();
  if (trace && (f.sweep > 0 || !f.stages_file.empty())) {
    return fail(Error{ErrorCode::kInvalidArgument,
                      "--dataset trace replays the trace's own arrival times: it cannot be "
                      "combined with --stages or --sweep",
                      "--dataset"});
  }
  for (const bench::StageSpec& stage : plan->stages) {
    if (Status valid = bench::validate(shape_of(stage, trace)); !valid.ok()) {
      return fail(valid.error());
    }
  }

  const bench::ModelSplit& models = *split;
  const std::uint64_t seed = f.seed;
  options->pick_model = [&models, seed](std::uint64_t index) -> const std::string& {
    return models.pick(index, seed);
  };
  auto session = bench::BenchSession::create(std::move(*options), **dataset);
  if (!session.ok()) return fail(session.error());
  bench::PerRequestLog log;
  if (!f.report_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(f.report_dir, ec);
    if (ec) {
      return fail(Error{ErrorCode::kInvalidArgument,
                        "cannot create --report-dir " + f.report_dir + ": " + ec.message(), ""});
    }
    if (f.per_request) {
      const auto path = (std::filesystem::path(f.report_dir) / "per_request.jsonl").string();
      if (Status s = log.open(path); !s.ok()) return fail(s.error());
      (*session)->log_requests_to(&log);
    }
  }
  ProgressPrinter progress(f.progress);
  if (progress.enabled()) {
    (*session)->on_progress([&progress](const bench::Progress& p) { progress.print(p); });
  }
  const std::string started_at = now_iso8601();
  std::cerr << "sluice bench: " << f.url << ", dataset " << (*dataset)->describe() << "\n";

  std::vector<bench::StageReport> reports;
  std::vector<bench::StageSpec> stages = plan->stages;
  if (f.sweep > 0) {
    auto swept = plan_sweep(f, *defaults, **session, reports);
    if (!swept.ok()) return fail(swept.error());
    stages.insert(stages.end(), swept->begin(), swept->end());
  }
  for (std::size_t i = 0; i < stages.size() && !(*session)->interrupted(); ++i) {
    if (i > 0) {
      (*session)->pause(plan->interval);
    }
    const bench::StageSpec& spec = stages[i];
    progress.begin_stage(spec.name, i + 1, stages.size());
    bench::StageReport report = (*session)->run_stage(spec.name, shape_of(spec, trace));
    progress.end_stage();
    if (!spec.warmup) {
      print_stage(report);
      reports.push_back(std::move(report));
    } else {
      std::cerr << "warm-up done: " << report.completed << " completed, " << report.failed
                << " failed (not reported)\n";
    }
  }
  const bool interrupted = (*session)->interrupted();
  if (interrupted) {
    std::cerr << "sluice bench: interrupted; reporting what was measured\n";
  }
  session->reset();  // abandons what an interrupt left in flight
  if (Status s = log.close(); !s.ok()) {
    std::cerr << "sluice bench: " << s.error().message << "\n";
  }
  if (!f.report_dir.empty()) {
    bench::ReportContext context;
    context.command_line = command_line;
    context.target_url = f.url;
    context.dataset = (*dataset)->describe();
    context.started_at = started_at;
    if (Status s = write_report_dir(f.report_dir, reports, context); !s.ok()) {
      std::cerr << "sluice bench: " << s.error().message << "\n";
      return 1;
    }
  }
  return interrupted ? kExitInterrupted : 0;
}

}  // namespace

Runner add_bench_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "bench",
      "Load-test an OpenAI-compatible endpoint: TTFT, ITL, TPOT, NTPOT, e2e latency, throughput, "
      "goodput and the generator's own scheduling delay, per stage.");
  cmd->footer(
      "Examples:\n"
      "  sluice bench --url http://127.0.0.1:8000 --model m --rate 50 --duration 30\n"
      "  sluice bench --url http://127.0.0.1:8000 --model m --concurrency 16 --num-requests 500 "
      "\\\n"
      "    --input-len normal:512:128 --output-len 128 --slo ttft=200ms,tpot=50ms --report-dir "
      "out\n"
      "  sluice bench --url http://127.0.0.1:8000 --model m --sweep 5 --duration 30 "
      "--dataset shared-prefix --report-dir out\n"
      "  sluice bench --url http://127.0.0.1:8000 --model base=1 --model sql-lora=1 "
      "--stages examples/bench/rate_ladder.yaml --scrape http://127.0.0.1:8000/metrics\n"
      "Ctrl-C stops the run and still writes the report of what was measured (exit code 130).\n"
      "Metric definitions: docs/bench.md.");
  auto f = std::make_shared<BenchFlags>();
  add_bench_flags(*cmd, *f);
  return [f, cmd]() -> int { return run_bench(*f, command_line_of(*cmd)); };
}

}  // namespace sluice::cli
